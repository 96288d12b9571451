/*
 * lipid_classes.c - the tables behind the lipid-name parser: lipid classes
 * with their synonyms, named lipid mediators, trivial names that stand for a
 * shorthand name, and the functional groups of the 2020 shorthand.
 *
 * Sources: Liebisch et al., J Lipid Res 61:1539 (2020) for the class
 * abbreviations and functional groups; the LIPID MAPS class list and its
 * synonyms as collected in the Goslin project's lipid-list.csv and
 * functional-groups.csv (MIT, see test/data/goslin/LICENSE) for the long
 * tail of glycosphingolipid names.  The tables are data only: no code was
 * taken from Goslin.
 *
 * Everything here is const: the parser reads these tables from any thread.
 */
#include <string.h>

#define AMPRENTA_LIPID_INTERNAL
#include "lipid.h"

/*
 * Class table.  nchains is the number of non-empty chains of a complete
 * name, npos the number of positions a name may spell out with 0:0
 * placeholders (three for glycerol, four for cardiolipin and BMP).  "lyso"
 * names the class with one chain less, used when a name such as
 * PC(16:0/0:0) carries an empty position.
 *
 * Fatty acyls (FA), glycerolipids (GL), glycerophospholipids (GP),
 * saccharolipids (SL), sphingolipids (SP: base + N-acyl, or base only for
 * LPK_LCB) and sterols (ST).  The glycosphingolipids from LIPID MAPS and
 * SwissLipids (GSL) carry their glycan on O-1.
 *
 * This table, the synonyms, the mediators and the named lipids below are
 * kept sorted by name in byte order (strcmp order, shorter first on a
 * common prefix): every lookup is a binary search.  An entry out of order
 * is not found.  Names are compared with their length, filled in at
 * compile time by LEN().
 */
#define LEN(lit)					((unsigned char) (sizeof(lit) - 1))

/*
 * The first four bytes of a name as a number, zero-padded: keys compare
 * like the names' first four bytes, so a table sorted by name is sorted by
 * key too and most of a binary search compares integers.
 */
#define KEYB(lit, i) \
	(sizeof(lit) > (i) + 1 ? \
	 (unsigned int) (unsigned char) (lit)[(i) < sizeof(lit) ? (i) : 0] : 0u)
#define KEY(lit) \
	(KEYB(lit, 0) << 24 | KEYB(lit, 1) << 16 | KEYB(lit, 2) << 8 | KEYB(lit, 3))

#define CL(n, cat, k, nc, np, f, lyso) {n, cat, KEY(n), k, nc, np, f, LEN(n), lyso}
#define CH(n, cat, nc, np, lyso)	CL(n, cat, LPK_CHAINS, nc, np, 0, lyso)
#define CHF(n, cat, nc, np, f, lyso) CL(n, cat, LPK_CHAINS, nc, np, f, lyso)
#define SP2(n, f)					CL(n, "SP", LPK_SPHINGO, 2, 2, f, NULL)
#define GSL(n)						CL(n, "SP", LPK_SPHINGO, 2, 2, LPF_HG1, NULL)
#define LCB(n, f)					CL(n, "SP", LPK_LCB, 1, 1, f, NULL)

static const lp_class lp_classes[] = {
	GSL("(3'-sulfo)LacCer"),
	GSL("(Fuc)iGb3Cer"),
	GSL("1-O-behenoyl-Cer"),
	GSL("1-O-carboceroyl-Cer"),
	GSL("1-O-cerotoyl-Cer"),
	GSL("1-O-eicosanoyl-Cer"),
	GSL("1-O-lignoceroyl-Cer"),
	GSL("1-O-myristoyl-Cer"),
	GSL("1-O-palmitoyl-Cer"),
	GSL("1-O-stearoyl-Cer"),
	GSL("1-O-tricosanoyl-Cer"),
	CH("6-Ac-Glc-GP", "GP", 2, 2, NULL),
	CH("AC2SGL", "SL", 2, 2, NULL),
	SP2("ACer", LPF_HG1 | LPF_HGCHAIN),
	GSL("Ac-O-9-GD1a"),
	GSL("Ac-O-9-GT1b"),
	GSL("Ac-O-9-GT3"),
	CL("BA", "ST", LPK_STEROL, 0, 0, 0, NULL),
	CH("BMP", "GP", 2, 4, NULL),
	GSL("Branched-Forssman"),
	CH("CAR", "FA", 1, 1, NULL),
	CH("CDPDAG", "GP", 2, 2, "LCDPDAG"),
	CH("CL", "GP", 4, 4, "LCL"),
	CH("CPA", "GP", 1, 1, NULL),
	SP2("Cer", 0),
	SP2("CerP", LPF_HG1),
	CH("CoA", "FA", 1, 1, NULL),
	CH("DAT", "SL", 2, 2, NULL),
	CH("DG", "GL", 2, 3, "MG"),
	CH("DGCC", "GL", 2, 2, NULL),
	CH("DGDG", "GL", 2, 2, "DGMG"),
	CH("DGGA", "GL", 2, 2, NULL),
	CH("DGMG", "GL", 1, 2, NULL),
	CH("DGTS", "GL", 2, 2, "LDGTS"),
	CH("DHDG", "GL", 2, 2, NULL),
	CH("DLCL", "GP", 2, 4, NULL),
	GSL("DSGG"),
	SP2("EPC", LPF_HG1),
	CH("FA", "FA", 1, 1, NULL),
	CH("FAHFA", "FA", 2, 2, NULL),
	CH("FAL", "FA", 1, 1, NULL),
	GSL("FMC-5"),
	GSL("FMC-6"),
	CH("FOH", "FA", 1, 1, NULL),
	GSL("Forssman"),
	GSL("Fuc(Gal)-GM1"),
	GSL("Fuc(Gal)Gal-iGb4Cer"),
	GSL("Fuc-Branched-Forssman"),
	GSL("Fuc-GA1"),
	GSL("Fuc-GD1b"),
	GSL("Fuc-GM1"),
	GSL("Fuc-GM1(NeuGc)"),
	GSL("Fuc-iGb3Cer"),
	GSL("FucGalGb3Cer"),
	GSL("GA1"),
	GSL("GA2"),
	GSL("GB3"),
	GSL("GB4"),
	GSL("GD0a"),
	GSL("GD1"),
	GSL("GD1a"),
	GSL("GD1a alpha"),
	GSL("GD1a(NeuAc/NeuGc)"),
	GSL("GD1a(NeuGc/NeuAc)"),
	GSL("GD1a(NeuGc/NeuGc)"),
	GSL("GD1a-AC"),
	GSL("GD1b"),
	GSL("GD1c"),
	GSL("GD1c(NeuGc/NeuGc)"),
	GSL("GD2"),
	GSL("GD3"),
	SP2("GIPC", LPF_HG1),
	GSL("GM1"),
	GSL("GM1 alpha"),
	GSL("GM1(NeuGc)"),
	GSL("GM1b"),
	GSL("GM1b(NeuGc)"),
	GSL("GM2"),
	GSL("GM2(NeuGc)"),
	GSL("GM3"),
	GSL("GM4"),
	CH("GP-NAE", "FA", 1, 1, NULL),
	GSL("GP1"),
	GSL("GP1c"),
	GSL("GP1c alpha"),
	GSL("GQ1"),
	GSL("GQ1-AC"),
	GSL("GQ1b"),
	GSL("GQ1b alpha"),
	GSL("GQ1c"),
	GSL("GT1"),
	GSL("GT1a"),
	GSL("GT1a alpha"),
	GSL("GT1a-AC"),
	GSL("GT1b"),
	GSL("GT1b alpha"),
	GSL("GT1b alpha(NeuGc)"),
	GSL("GT1c"),
	GSL("GT2"),
	GSL("GT3"),
	GSL("GT3-AC"),
	GSL("Gal(Fuc)-GA1"),
	GSL("Gal(Fuc)-GD1b"),
	GSL("Gal-GD1b"),
	GSL("Gal-iGb4Cer"),
	SP2("GalCer", LPF_HG1),
	GSL("GalGal-GD1b"),
	GSL("GalGalGalGb3Cer"),
	GSL("GalGalGb3Cer"),
	GSL("GalGalNAc-GM1b(NeuGc)"),
	GSL("GalGb3Cer"),
	GSL("GalGb4Cer"),
	GSL("GalGlcNAc-GalGb4Cer"),
	GSL("GalNAc-GD1a"),
	GSL("GalNAc-GD1a(NeuAc/NeuGc)"),
	GSL("GalNAc-GD1a(NeuGc/NeuAc)"),
	GSL("GalNAc-GM1"),
	GSL("GalNAc-GM1b"),
	GSL("GalNAc-GM1b(NeuGc)"),
	GSL("GalNAcGal(Fuc)-GA1"),
	GSL("GalNAcGalGb3Cer"),
	CH("Glc-DG", "GL", 2, 2, NULL),
	CH("Glc-GP", "GP", 2, 2, NULL),
	SP2("GlcCer", LPF_HG1),
	GSL("GlcNAc-GalGb4Cer"),
	GSL("GlcNAcGb3Cer"),
	GSL("Globo-A"),
	GSL("Globo-B"),
	GSL("Globo-H"),
	GSL("Globo-Lex-9"),
	CH("HC", "FA", 1, 1, NULL),
	SP2("Hex2Cer", LPF_HG1),
	SP2("Hex3Cer", LPF_HG1),
	SP2("HexCer", LPF_HG1),
	SP2("IPC", LPF_HG1),
	CH("LCDPDAG", "GP", 1, 2, NULL),
	CH("LCL", "GP", 3, 4, "DLCL"),
	CH("LDGTS", "GL", 1, 2, NULL),
	CH("LDMPE", "GP", 1, 2, NULL),
	LCB("LGalCer", LPF_HG1),
	LCB("LGlcCer", LPF_HG1),
	LCB("LHex2Cer", LPF_HG1),
	LCB("LHex3Cer", LPF_HG1),
	LCB("LHexCer", LPF_HG1),
	LCB("LIPC", LPF_HG1),
	CH("LMMPE", "GP", 1, 2, NULL),
	CH("LNAPE", "GP", 2, 3, NULL),
	CH("LPA", "GP", 1, 2, NULL),
	CH("LPC", "GP", 1, 2, NULL),
	CH("LPE", "GP", 1, 2, NULL),
	CHF("LPE-N", "GP", 1, 2, LPF_HGCHAIN, NULL),
	CH("LPG", "GP", 1, 2, NULL),
	CH("LPI", "GP", 1, 2, NULL),
	CH("LPIM1", "GP", 1, 2, NULL),
	CH("LPIM2", "GP", 1, 2, NULL),
	CH("LPIM3", "GP", 1, 2, NULL),
	CH("LPIM4", "GP", 1, 2, NULL),
	CH("LPIM5", "GP", 1, 2, NULL),
	CH("LPIM6", "GP", 1, 2, NULL),
	CH("LPIMIP", "GP", 1, 2, NULL),
	CH("LPIN", "GP", 1, 2, NULL),
	CH("LPS", "GP", 1, 2, NULL),
	LCB("LSM", LPF_HG1),
	SP2("LacCer", LPF_HG1),
	GSL("Lex-GM1"),
	SP2("M(IP)2C", LPF_HG1),
	CH("MG", "GL", 1, 3, NULL),
	CH("MGDG", "GL", 2, 2, "MGMG"),
	CH("MGMG", "GL", 1, 2, NULL),
	CH("MHDG", "GL", 2, 2, NULL),
	SP2("MIPC", LPF_HG1),
	GSL("MSGG"),
	CH("NA", "FA", 2, 2, NULL),
	CH("NAE", "FA", 1, 1, NULL),
	CH("NAPE", "GP", 3, 3, "LNAPE"),
	CH("NAT", "FA", 1, 1, NULL),
	GSL("NOR1"),
	GSL("NOR2"),
	GSL("NORint"),
	GSL("NeuAc(alpha2-6)-MSGG"),
	GSL("NeuAc(alpha2-8)-MSGG"),
	GSL("NeuAcGal-iGb4Cer"),
	GSL("NeuGc-GalGb4Cer"),
	GSL("NeuGc-LacNAc-GM1(NeuGc)"),
	GSL("NeuGcNeuGc-GalGb4Cer"),
	CH("PA", "GP", 2, 2, "LPA"),
	CH("PAT16", "SL", 4, 4, NULL),
	CH("PAT18", "SL", 4, 4, NULL),
	CH("PC", "GP", 2, 2, "LPC"),
	CH("PE", "GP", 2, 2, "LPE"),
	CH("PE-GlcDG", "GL", 2, 2, NULL),
	CHF("PE-N", "GP", 2, 2, LPF_HGCHAIN, "LPE-N"),
	CH("PE-NMe", "GP", 2, 2, "LMMPE"),
	CH("PE-NMe2", "GP", 2, 2, "LDMPE"),
	CH("PEt", "GP", 2, 2, NULL),
	CH("PG", "GP", 2, 2, "LPG"),
	CH("PGP", "GP", 2, 2, NULL),
	CH("PI", "GP", 2, 2, "LPI"),
	CH("PIM1", "GP", 2, 2, "LPIM1"),
	CH("PIM2", "GP", 2, 2, "LPIM2"),
	CH("PIM3", "GP", 2, 2, "LPIM3"),
	CH("PIM4", "GP", 2, 2, "LPIM4"),
	CH("PIM5", "GP", 2, 2, "LPIM5"),
	CH("PIM6", "GP", 2, 2, "LPIM6"),
	CH("PIMIP", "GP", 2, 2, "LPIMIP"),
	CHF("PIP", "GP", 2, 2, LPF_PIP, NULL),
	CHF("PIP2", "GP", 2, 2, LPF_PIP, NULL),
	CHF("PIP3", "GP", 2, 2, LPF_PIP, NULL),
	CH("PMeOH", "GP", 2, 2, NULL),
	CH("PPA", "GP", 2, 2, NULL),
	CH("PS", "GP", 2, 2, "LPS"),
	CHF("PS-N", "GP", 2, 2, LPF_HGCHAIN, NULL),
	CH("PT", "GP", 2, 2, NULL),
	GSL("Para-Forssman"),
	CH("PnC", "GP", 2, 2, NULL),
	CH("PnE", "GP", 2, 2, NULL),
	GSL("SB1a"),
	CL("SE", "ST", LPK_STEROL_ESTER, 1, 1, 0, NULL),
	SP2("SHex2Cer", LPF_HG1),
	SP2("SHexCer", LPF_HG1),
	CH("SLBPA", "GP", 3, 4, NULL),
	SP2("SM", LPF_HG1),
	GSL("SM1a"),
	GSL("SM1b"),
	GSL("SO3-GM1(NeuGc)"),
	GSL("SO3-Gal-iGb4Cer"),
	GSL("SO3-GalGb4Cer"),
	GSL("SO3-Gb4Cer"),
	GSL("SO3-iGb4Cer"),
	LCB("SPB", 0),
	LCB("SPBP", LPF_HG1),
	CH("SQDG", "GL", 2, 2, "SQMG"),
	CH("SQMG", "GL", 1, 2, NULL),
	CL("ST", "ST", LPK_STEROL, 0, 0, 0, NULL),
	GSL("SulfoGalCer"),
	CH("TG", "GL", 3, 3, "DG"),
	CH("WD", "FA", 2, 2, NULL),
	CH("WE", "FA", 2, 2, NULL),
	GSL("i-Forssman"),
	GSL("iGb3Cer"),
	GSL("iGb4Cer"),
};

#define NCLASSES (sizeof(lp_classes) / sizeof(lp_classes[0]))

/*
 * Synonyms: other spellings met in files for the classes above.  Matching
 * is case-sensitive on purpose: "PEt" is a class and "PET" is not (Goslin's
 * must-reject list), and Lipidyzer's upper-case "CER(16:0)" names only the
 * N-acyl chain, which must not pass as a ceramide sum.  Plasmalogen
 * abbreviations (PLS: PlsEtn ...) make the alk-1-enyl ether part of the
 * name; cholesteryl esters (CHE) are sterol esters of the C27 core with one
 * double bond.  Sorted by alias in byte order, like the class table.
 */
typedef struct lp_synonym
{
	const char *alias;
	const char *canonical;
	unsigned char modifier;		/* LP_MOD_* */
	unsigned char aliaslen;		/* strlen(alias) */
	unsigned int key;			/* KEY(alias) */
	short		core_c;			/* LP_MOD_STEROL_CORE: the sterol */
	short		core_db;
} lp_synonym;

#define S(a, c)		{a, c, LP_MOD_NONE, LEN(a), KEY(a), 0, 0}
#define PLS(a, c)	{a, c, LP_MOD_PLASMENYL, LEN(a), KEY(a), 0, 0}
#define CHE(a)		{a, "SE", LP_MOD_STEROL_CORE, LEN(a), KEY(a), 27, 1}

static const lp_synonym lp_synonyms[] = {
	S("(3'-sulfo)GalCer", "SHexCer"),
	S("(3'-sulfo)Galbeta-Cer", "SHexCer"),
	S("ACar", "CAR"),
	S("AcCa", "CAR"),
	S("AcylCarnitine", "CAR"),
	S("Acylcarnitine", "CAR"),
	S("C1P", "CerP"),
	S("CDP-DAG", "CDPDAG"),
	S("CDP-DG", "CDPDAG"),
	S("CDPDG", "CDPDAG"),
	CHE("CE"),
	S("Car", "CAR"),
	S("CerPE", "EPC"),
	S("Ceramide", "Cer"),
	CHE("ChE"),
	CHE("ChoE"),
	CHE("CholE"),
	CHE("Cholesterol ester"),
	CHE("Cholesteryl ester"),
	S("DAG", "DG"),
	S("DMPE", "PE-NMe2"),
	S("FFA", "FA"),
	S("GB3Cer", "GB3"),
	S("GB4Cer", "GB4"),
	S("GalSph", "LGalCer"),
	S("Galactosylceramide", "GalCer"),
	S("Gb3", "GB3"),
	S("Gb3Cer", "GB3"),
	S("Gb4", "GB4"),
	S("Gb4Cer", "GB4"),
	S("GlcSph", "LGlcCer"),
	S("Glucosylceramide", "GlcCer"),
	S("HexSph", "LHexCer"),
	S("Hexosylceramide", "HexCer"),
	S("LBPA", "BMP"),
	S("LCB", "SPB"),
	S("LCBP", "SPBP"),
	S("Lactosylceramide", "LacCer"),
	S("LysoSM", "LSM"),
	S("MAG", "MG"),
	S("MIP2C", "M(IP)2C"),
	S("MLCL", "LCL"),
	S("MMPE", "PE-NMe"),
	S("PE-Cer", "EPC"),
	S("PEtOH", "PEt"),
	S("PI-Cer", "IPC"),
	PLS("PlsCho", "PC"),
	PLS("PlsEtn", "PE"),
	PLS("PlsIns", "PI"),
	PLS("PlsSer", "PS"),
	S("PtdCho", "PC"),
	S("PtdEtn", "PE"),
	S("PtdGro", "PG"),
	S("PtdIns", "PI"),
	S("PtdSer", "PS"),
	S("S1P", "SPBP"),
	S("SIP", "SPBP"),
	S("SPA", "SPB"),
	S("SPA1P", "SPBP"),
	S("SPC", "LSM"),
	S("SPH", "SPB"),
	S("SPH-P", "SPBP"),
	S("Sa", "SPB"),
	S("Sa1P", "SPBP"),
	S("So", "SPB"),
	S("Sph", "SPB"),
	S("Sphingomyelin", "SM"),
	S("SulfoHex2Cer", "SHex2Cer"),
	S("SulfoHexCer", "SHexCer"),
	S("TAG", "TG"),
	S("cLPA", "CPA"),
	S("lysoSM", "LSM"),
};

#define NSYNONYMS (sizeof(lp_synonyms) / sizeof(lp_synonyms[0]))

/*
 * Named lipid mediators of the FA category.  The sum composition is the
 * 2020 species-level reading of the neutral formula: carbons, double-bond
 * equivalents without the carboxyl group (rings and oxo groups count), and
 * oxygens beyond the carboxyl group.  Example: 12-HETE, C20H32O3, is
 * FA 20:4;O.  Peptide conjugates (LTC4, LTD4, LTE4) are left out: their
 * nitrogen and sulfur have no place in an FA sum.  Prostanoid rings count
 * as one double-bond equivalent.  Sorted by name in byte order.
 */
#define MED(n, c, d, o)	{n, c, d, o, LEN(n), KEY(n)}

static const lp_mediator lp_mediators[] = {
	MED("10-HDoHE", 22, 6, 1),
	MED("11(12)-EET", 20, 4, 1),
	MED("11,12-DHET", 20, 3, 2),
	MED("11,12-DiHETrE", 20, 3, 2),
	MED("11,12-EpETrE", 20, 4, 1),
	MED("11-HDoHE", 22, 6, 1),
	MED("11-HEPE", 20, 5, 1),
	MED("11-HETE", 20, 4, 1),
	MED("12(13)-EpOME", 18, 2, 1),
	MED("12,13-DiHOME", 18, 1, 2),
	MED("12-HEPE", 20, 5, 1),
	MED("12-HETE", 20, 4, 1),
	MED("12-HHTrE", 17, 3, 1),
	MED("12-HpETE", 20, 4, 2),
	MED("12-OxoETE", 20, 5, 1),
	MED("13-HDoHE", 22, 6, 1),
	MED("13-HODE", 18, 2, 1),
	MED("13-HOTrE", 18, 3, 1),
	MED("13-OxoODE", 18, 3, 1),
	MED("13R-HODE", 18, 2, 1),
	MED("14(15)-EET", 20, 4, 1),
	MED("14(15)-EpETE", 20, 5, 1),
	MED("14,15-DHET", 20, 3, 2),
	MED("14,15-DiHETrE", 20, 3, 2),
	MED("14,15-EpETrE", 20, 4, 1),
	MED("14-HDoHE", 22, 6, 1),
	MED("15-HEPE", 20, 5, 1),
	MED("15-HETE", 20, 4, 1),
	MED("15-HpETE", 20, 4, 2),
	MED("15-OxoETE", 20, 5, 1),
	MED("15d-PGJ2", 20, 6, 1),
	MED("16-HDoHE", 22, 6, 1),
	MED("16-HETE", 20, 4, 1),
	MED("17(18)-EpETE", 20, 5, 1),
	MED("17-HDoHE", 22, 6, 1),
	MED("17-HETE", 20, 4, 1),
	MED("18-HEPE", 20, 5, 1),
	MED("18-HETE", 20, 4, 1),
	MED("19-HETE", 20, 4, 1),
	MED("20-HDoHE", 22, 6, 1),
	MED("20-HETE", 20, 4, 1),
	MED("4-HDoHE", 22, 6, 1),
	MED("5(6)-EET", 20, 4, 1),
	MED("5,12-DiHETE", 20, 4, 2),
	MED("5,15-DiHETE", 20, 4, 2),
	MED("5,6,15-LXA4", 20, 4, 3),
	MED("5,6-DHET", 20, 3, 2),
	MED("5,6-DiHETE", 20, 4, 2),
	MED("5,6-DiHETrE", 20, 3, 2),
	MED("5,6-EpETrE", 20, 4, 1),
	MED("5-HEPE", 20, 5, 1),
	MED("5-HETE", 20, 4, 1),
	MED("5-HpETE", 20, 4, 2),
	MED("5-OxoETE", 20, 5, 1),
	MED("6-keto-PGF1alpha", 20, 3, 4),
	MED("7-HDoHE", 22, 6, 1),
	MED("8(9)-EET", 20, 4, 1),
	MED("8,15-DiHETE", 20, 4, 2),
	MED("8,9-DHET", 20, 3, 2),
	MED("8,9-DiHETrE", 20, 3, 2),
	MED("8,9-EpETrE", 20, 4, 1),
	MED("8-HDoHE", 22, 6, 1),
	MED("8-HEPE", 20, 5, 1),
	MED("8-HETE", 20, 4, 1),
	MED("9(10)-EpOME", 18, 2, 1),
	MED("9,10-DiHOME", 18, 1, 2),
	MED("9-HEPE", 20, 5, 1),
	MED("9-HETE", 20, 4, 1),
	MED("9-HODE", 18, 2, 1),
	MED("9-HOTrE", 18, 3, 1),
	MED("9-OxoODE", 18, 3, 1),
	MED("LTB4", 20, 4, 2),
	MED("LTB5", 20, 5, 2),
	MED("LXA4", 20, 4, 3),
	MED("LXB4", 20, 4, 3),
	MED("MaR1", 22, 6, 2),
	MED("Maresin 1", 22, 6, 2),
	MED("PGA2", 20, 5, 2),
	MED("PGB2", 20, 5, 2),
	MED("PGD1", 20, 3, 3),
	MED("PGD2", 20, 4, 3),
	MED("PGD3", 20, 5, 3),
	MED("PGE1", 20, 3, 3),
	MED("PGE2", 20, 4, 3),
	MED("PGE3", 20, 5, 3),
	MED("PGF1alpha", 20, 2, 3),
	MED("PGF2alpha", 20, 3, 3),
	MED("PGH2", 20, 4, 3),
	MED("PGI2", 20, 4, 3),
	MED("PGJ2", 20, 5, 2),
	MED("Protectin D1", 22, 6, 2),
	MED("Resolvin D1", 22, 6, 3),
	MED("Resolvin D2", 22, 6, 3),
	MED("Resolvin D3", 22, 6, 3),
	MED("Resolvin D5", 22, 6, 2),
	MED("RvD1", 22, 6, 3),
	MED("RvD2", 22, 6, 3),
	MED("RvD3", 22, 6, 3),
	MED("RvD5", 22, 6, 2),
	MED("RvE1", 20, 5, 3),
	MED("TXA2", 20, 4, 3),
	MED("TXB1", 20, 2, 4),
	MED("TXB2", 20, 3, 4),
	MED("TXB3", 20, 4, 4),
	MED("tetranor-12-HETE", 16, 3, 1),
};

#define NMEDIATORS (sizeof(lp_mediators) / sizeof(lp_mediators[0]))

/*
 * Trivial names that denote one shorthand name exactly: sterols (2020:
 * free sterols are written as the ST core), common fatty acids (whose
 * double-bond geometry is part of the name) and the C18 sphingoid bases
 * (sphingosine is by definition the C18 base with two hydroxyls).
 * Abbreviations that are also gene or protein symbols or column names
 * (PD1 for protectin D1, FC for free cholesterol) are left out on purpose:
 * feature_type.c asks this parser whether a name is a lipid.  Sorted by
 * name in byte order.
 */
typedef struct lp_named
{
	const char *name;
	const char *shorthand;
	unsigned char namelen;		/* strlen(name) */
	unsigned int key;			/* KEY(name) */
} lp_named;

#define NL(n, sh)	{n, sh, LEN(n), KEY(n)}

static const lp_named lp_named_lipids[] = {
	NL("AA", "FA 20:4(5Z,8Z,11Z,14Z)"),
	NL("ARA", "FA 20:4(5Z,8Z,11Z,14Z)"),
	NL("Arachidonic Acid", "FA 20:4(5Z,8Z,11Z,14Z)"),
	NL("Arachidonic acid", "FA 20:4(5Z,8Z,11Z,14Z)"),
	NL("Campesterol", "ST 28:1;O"),
	NL("Ch", "ST 27:1;O"),
	NL("Chol", "ST 27:1;O"),
	NL("Cholesterol", "ST 27:1;O"),
	NL("DHA", "FA 22:6(4Z,7Z,10Z,13Z,16Z,19Z)"),
	NL("Desmosterol", "ST 27:2;O"),
	NL("Docosahexaenoic acid", "FA 22:6(4Z,7Z,10Z,13Z,16Z,19Z)"),
	NL("EPA", "FA 20:5(5Z,8Z,11Z,14Z,17Z)"),
	NL("Eicosapentaenoic acid", "FA 20:5(5Z,8Z,11Z,14Z,17Z)"),
	NL("Ergosterol", "ST 28:3;O"),
	NL("Lanosterol", "ST 30:2;O"),
	NL("Lauric acid", "FA 12:0"),
	NL("Linoleic acid", "FA 18:2(9Z,12Z)"),
	NL("Myristic acid", "FA 14:0"),
	NL("Oleic acid", "FA 18:1(9Z)"),
	NL("Palmitic acid", "FA 16:0"),
	NL("Palmitoleic acid", "FA 16:1(9Z)"),
	NL("S1P", "SPBP 18:1;O2"),
	NL("Sitosterol", "ST 29:1;O"),
	NL("Sphinganine", "SPB 18:0;O2"),
	NL("Sphinganine-1-phosphate", "SPBP 18:0;O2"),
	NL("Sphingosine", "SPB 18:1;O2"),
	NL("Sphingosine-1-phosphate", "SPBP 18:1;O2"),
	NL("Stearic acid", "FA 18:0"),
	NL("Stigmasterol", "ST 29:2;O"),
	NL("alpha-LA", "FA 18:3(9Z,12Z,15Z)"),
	NL("alpha-Linolenic acid", "FA 18:3(9Z,12Z,15Z)"),
	NL("beta-Sitosterol", "ST 29:1;O"),
	NL("cholesterol", "ST 27:1;O"),
};

#define NNAMED (sizeof(lp_named_lipids) / sizeof(lp_named_lipids[0]))

/*
 * Functional groups (2020 shorthand, Table 2) with the atoms they add to a
 * chain and the double-bond equivalents they bring.  At sn-position level a
 * chain is summed: "18:1(11E);5OMe" becomes "19:1;O".
 */
#define E(o, n, p, s, as)	{o, n, p, s, as, 0, 0, 0, 0}
static const lp_fgtype lp_fgtypes[] = {
	{"OH", 0, 0, E(1, 0, 0, 0, 0)},
	{"oxo", 0, 1, E(1, 0, 0, 0, 0)},
	{"Ep", 0, 1, E(1, 0, 0, 0, 0)},
	{"OOH", 0, 0, E(2, 0, 0, 0, 0)},
	{"OO", 0, 0, E(2, 0, 0, 0, 0)},
	{"OMe", 1, 0, E(1, 0, 0, 0, 0)},
	{"Me", 1, 0, E(0, 0, 0, 0, 0)},
	{"dMe", 1, 0, E(0, 0, 0, 0, 0)},
	{"Et", 2, 0, E(0, 0, 0, 0, 0)},
	{"oxy", 0, 0, E(1, 0, 0, 0, 0)},
	{"NH2", 0, 0, E(0, 1, 0, 0, 0)},
	{"COOH", 1, 1, E(2, 0, 0, 0, 0)},
	{"CN", 1, 0, E(0, 1, 0, 0, 0)},
	{"NO2", 0, 1, E(2, 1, 0, 0, 0)},
	{"Ph", 0, 0, E(4, 0, 1, 0, 0)},
	{"SH", 0, 0, E(0, 0, 0, 1, 0)},
	{"Su", 0, 0, E(4, 0, 0, 1, 0)},
	{"My", 1, 1, E(0, 0, 0, 0, 0)},
	{"SMe", 1, 0, E(0, 0, 0, 1, 0)},
	{"MMAs", 2, 1, E(1, 0, 0, 0, 1)},
	{"BOO", 4, 0, E(2, 0, 0, 0, 0)},
};
#undef E

#define NFGTYPES (sizeof(lp_fgtypes) / sizeof(lp_fgtypes[0]))

/* Spellings of the LIPID MAPS common names for the same groups. */
static const struct
{
	const char *alias;
	const char *name;
}			lp_fgaliases[] = {
	{"Ke", "oxo"}, {"KE", "oxo"}, {"CHO", "oxo"}, {"me", "Me"},
};

static const char *const lp_elements[LP_NELEM] = {
	"O", "N", "P", "S", "As", "Br", "Cl", "F", "I"
};

/*
 * Byte-order comparison of s[0..len) with a table name of k bytes, as
 * memcmp() and then the length.  Names are short and usually differ in
 * their first bytes: an inline loop beats a call to memcmp().
 */
static inline int
lp_cmp(const char *s, size_t len, const char *name, size_t k)
{
	size_t		m = len < k ? len : k;

	for (size_t i = 0; i < m; i++)
		if (s[i] != name[i])
			return (int) (unsigned char) s[i] - (int) (unsigned char) name[i];
	return (len > k) - (len < k);
}

/* KEY() of the counted string s[0..len). */
static inline unsigned int
lp_key(const char *s, size_t len)
{
	unsigned int k = 0;

	for (size_t i = 0; i < 4; i++)
		k = (k << 8) | (i < len ? (unsigned char) s[i] : 0u);
	return k;
}

/*
 * Binary search of a table sorted by name: the index of the first entry
 * whose name is not less than s[0..len), in [0, n].  The entries whose
 * names start with s[0..len) follow from there.  The search runs on the
 * keys; among the few entries with the query's key the names decide.
 */
#define LP_LOWER_BOUND(tab, n, namef, lenf, s, len, res) \
	do { \
		unsigned int key_ = lp_key((s), (len)); \
		size_t		lo_ = 0, \
					cnt_ = (n); \
		/* a fixed number of steps for a given n, no data-dependent jump */ \
		while (cnt_ > 1) \
		{ \
			size_t		half_ = cnt_ / 2; \
			lo_ = ((tab)[lo_ + half_].key < key_) ? lo_ + half_ : lo_; \
			cnt_ -= half_; \
		} \
		if ((n) > 0 && (tab)[lo_].key < key_) \
			lo_++; \
		while (lo_ < (n) && (tab)[lo_].key == key_ && \
			   lp_cmp((s), (len), (tab)[lo_].namef, (tab)[lo_].lenf) > 0) \
			lo_++; \
		(res) = lo_; \
	} while (0)

/* Does the table name (k bytes) start with s[0..len)? */
static inline bool
lp_starts(const char *name, size_t k, const char *s, size_t len)
{
	if (k < len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (name[i] != s[i])
			return false;
	return true;
}

const lp_class *
lp_class_by_name(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return NULL;
	LP_LOWER_BOUND(lp_classes, NCLASSES, name, namelen, s, len, i);
	if (i < NCLASSES &&
		lp_cmp(s, len, lp_classes[i].name, lp_classes[i].namelen) == 0)
		return &lp_classes[i];
	return NULL;
}

/* Can a class name end before s[k] (end, space, '(' or '[')? */
static inline bool
lp_boundary(const char *s, size_t len, size_t k)
{
	return k == len || s[k] == ' ' || s[k] == '(' || s[k] == '[';
}

/*
 * Longest class name or synonym at the start of s that ends where a class
 * name may end (end, space, '(' or '[').  Longest wins so that "PE-NMe2"
 * beats "PE" and "GM1b(NeuGc)" beats "GM1b"; a class beats a synonym of the
 * same spelling.
 *
 * Each place where a name may end is looked up in both sorted tables, in
 * increasing length.  The names starting with s[0..k) sit at the lower
 * bound of s[0..k); once neither table has one, no longer prefix can match.
 */
const lp_class *
lp_class_match(const char *s, size_t len, size_t *matched, int *modifier,
			   short *core_c, short *core_db)
{
	const lp_class *best = NULL;
	const lp_synonym *syn = NULL;
	size_t		bestlen = 0;

	*modifier = LP_MOD_NONE;
	*core_c = *core_db = 0;
	for (size_t k = 1; k <= len; k++)
	{
		size_t		ci,
					si;
		bool		cpre,
					spre;

		if (!lp_boundary(s, len, k))
			continue;
		LP_LOWER_BOUND(lp_classes, NCLASSES, name, namelen, s, k, ci);
		LP_LOWER_BOUND(lp_synonyms, NSYNONYMS, alias, aliaslen, s, k, si);
		cpre = ci < NCLASSES &&
			lp_starts(lp_classes[ci].name, lp_classes[ci].namelen, s, k);
		spre = si < NSYNONYMS &&
			lp_starts(lp_synonyms[si].alias, lp_synonyms[si].aliaslen, s, k);
		if (!cpre && !spre)
			break;
		if (cpre && lp_classes[ci].namelen == k)
		{
			best = &lp_classes[ci];
			syn = NULL;
			bestlen = k;
			ci++;
		}
		else if (spre && lp_synonyms[si].aliaslen == k)
		{
			syn = &lp_synonyms[si];
			bestlen = k;
			si++;
		}
		/* an exact match sorts first; is there any longer name left? */
		if (!(ci < NCLASSES &&
			  lp_starts(lp_classes[ci].name, lp_classes[ci].namelen, s, k)) &&
			!(si < NSYNONYMS &&
			  lp_starts(lp_synonyms[si].alias, lp_synonyms[si].aliaslen, s, k)))
			break;
	}
	if (syn)
	{
		best = lp_class_by_name(syn->canonical, strlen(syn->canonical));
		*modifier = syn->modifier;
		*core_c = syn->core_c;
		*core_db = syn->core_db;
	}
	*matched = bestlen;
	return best;
}

const lp_mediator *
lp_mediator_by_name(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return NULL;
	LP_LOWER_BOUND(lp_mediators, NMEDIATORS, name, namelen, s, len, i);
	if (i < NMEDIATORS &&
		lp_cmp(s, len, lp_mediators[i].name, lp_mediators[i].namelen) == 0)
		return &lp_mediators[i];
	return NULL;
}

const char *
lp_named_lipid(const char *s, size_t len)
{
	size_t		i;

	if (len == 0)
		return NULL;
	LP_LOWER_BOUND(lp_named_lipids, NNAMED, name, namelen, s, len, i);
	if (i < NNAMED && lp_cmp(s, len, lp_named_lipids[i].name,
							 lp_named_lipids[i].namelen) == 0)
		return lp_named_lipids[i].shorthand;
	return NULL;
}

/*
 * Longest functional-group name at the start of s; returns its index in
 * the group table or -1.
 */
int
lp_fg_match(const char *s, size_t len, size_t *matched)
{
	int			best = -1;
	size_t		bestlen = 0;

	if (len == 0)
	{
		*matched = 0;
		return -1;
	}
	for (size_t i = 0; i < NFGTYPES; i++)
	{
		size_t		k;

		if (lp_fgtypes[i].name[0] != s[0])
			continue;
		k = strlen(lp_fgtypes[i].name);
		if (k <= len && k > bestlen && memcmp(s, lp_fgtypes[i].name, k) == 0)
		{
			best = (int) i;
			bestlen = k;
		}
	}
	for (size_t i = 0; i < sizeof(lp_fgaliases) / sizeof(lp_fgaliases[0]); i++)
	{
		size_t		k = strlen(lp_fgaliases[i].alias);

		if (k <= len && k > bestlen &&
			memcmp(s, lp_fgaliases[i].alias, k) == 0)
		{
			for (size_t j = 0; j < NFGTYPES; j++)
				if (strcmp(lp_fgtypes[j].name, lp_fgaliases[i].name) == 0)
					best = (int) j;
			bestlen = k;
		}
	}
	*matched = bestlen;
	return best;
}

const lp_fgtype *
lp_fg_type(int idx)
{
	if (idx < 0 || (size_t) idx >= NFGTYPES)
		return NULL;
	return &lp_fgtypes[idx];
}

/* Longest element symbol at the start of s, as an LP_E_* index, or -1. */
int
lp_element_match(const char *s, size_t len, size_t *matched)
{
	int			best = -1;
	size_t		bestlen = 0;

	for (int i = 0; i < LP_NELEM; i++)
	{
		size_t		k = strlen(lp_elements[i]);

		if (k <= len && k > bestlen && memcmp(s, lp_elements[i], k) == 0)
		{
			best = i;
			bestlen = k;
		}
	}
	*matched = bestlen;
	return best;
}

const char *
lp_element_symbol(int elem)
{
	return (elem >= 0 && elem < LP_NELEM) ? lp_elements[elem] : "";
}
