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
 */
#define CH(n, cat, nc, np, lyso)	{n, cat, LPK_CHAINS, nc, np, 0, lyso}
#define CHF(n, cat, nc, np, f, lyso) {n, cat, LPK_CHAINS, nc, np, f, lyso}
#define SP2(n, f)					{n, "SP", LPK_SPHINGO, 2, 2, f, NULL}
#define GSL(n)						{n, "SP", LPK_SPHINGO, 2, 2, LPF_HG1, NULL}
#define LCB(n, f)					{n, "SP", LPK_LCB, 1, 1, f, NULL}

static const lp_class lp_classes[] = {
	/* fatty acyls: one chain */
	CH("FA", "FA", 1, 1, NULL),
	CH("FAL", "FA", 1, 1, NULL),
	CH("FOH", "FA", 1, 1, NULL),
	CH("HC", "FA", 1, 1, NULL),
	CH("CAR", "FA", 1, 1, NULL),
	CH("CoA", "FA", 1, 1, NULL),
	CH("NAE", "FA", 1, 1, NULL),
	CH("NAT", "FA", 1, 1, NULL),
	CH("GP-NAE", "FA", 1, 1, NULL),
	/* fatty acyls: two chains */
	CH("FAHFA", "FA", 2, 2, NULL),
	CH("WE", "FA", 2, 2, NULL),
	CH("WD", "FA", 2, 2, NULL),
	CH("NA", "FA", 2, 2, NULL),

	/* glycerolipids */
	CH("MG", "GL", 1, 3, NULL),
	CH("DG", "GL", 2, 3, "MG"),
	CH("TG", "GL", 3, 3, "DG"),
	CH("MGDG", "GL", 2, 2, "MGMG"),
	CH("DGDG", "GL", 2, 2, "DGMG"),
	CH("SQDG", "GL", 2, 2, "SQMG"),
	CH("MGMG", "GL", 1, 2, NULL),
	CH("DGMG", "GL", 1, 2, NULL),
	CH("SQMG", "GL", 1, 2, NULL),
	CH("MHDG", "GL", 2, 2, NULL),
	CH("DHDG", "GL", 2, 2, NULL),
	CH("DGCC", "GL", 2, 2, NULL),
	CH("DGTS", "GL", 2, 2, "LDGTS"),
	CH("LDGTS", "GL", 1, 2, NULL),
	CH("DGGA", "GL", 2, 2, NULL),
	CH("Glc-DG", "GL", 2, 2, NULL),
	CH("PE-GlcDG", "GL", 2, 2, NULL),

	/* glycerophospholipids */
	CH("PA", "GP", 2, 2, "LPA"),
	CH("PC", "GP", 2, 2, "LPC"),
	CH("PE", "GP", 2, 2, "LPE"),
	CH("PG", "GP", 2, 2, "LPG"),
	CH("PI", "GP", 2, 2, "LPI"),
	CH("PS", "GP", 2, 2, "LPS"),
	CH("PEt", "GP", 2, 2, NULL),
	CH("PMeOH", "GP", 2, 2, NULL),
	CH("PGP", "GP", 2, 2, NULL),
	CHF("PIP", "GP", 2, 2, LPF_PIP, NULL),
	CHF("PIP2", "GP", 2, 2, LPF_PIP, NULL),
	CHF("PIP3", "GP", 2, 2, LPF_PIP, NULL),
	CH("CDPDAG", "GP", 2, 2, "LCDPDAG"),
	CH("PE-NMe", "GP", 2, 2, "LMMPE"),
	CH("PE-NMe2", "GP", 2, 2, "LDMPE"),
	CH("PPA", "GP", 2, 2, NULL),
	CH("PnC", "GP", 2, 2, NULL),
	CH("PnE", "GP", 2, 2, NULL),
	CH("PT", "GP", 2, 2, NULL),
	CH("Glc-GP", "GP", 2, 2, NULL),
	CH("6-Ac-Glc-GP", "GP", 2, 2, NULL),
	CH("PIM1", "GP", 2, 2, "LPIM1"),
	CH("PIM2", "GP", 2, 2, "LPIM2"),
	CH("PIM3", "GP", 2, 2, "LPIM3"),
	CH("PIM4", "GP", 2, 2, "LPIM4"),
	CH("PIM5", "GP", 2, 2, "LPIM5"),
	CH("PIM6", "GP", 2, 2, "LPIM6"),
	CH("PIMIP", "GP", 2, 2, "LPIMIP"),
	CH("LPA", "GP", 1, 2, NULL),
	CH("LPC", "GP", 1, 2, NULL),
	CH("LPE", "GP", 1, 2, NULL),
	CH("LPG", "GP", 1, 2, NULL),
	CH("LPI", "GP", 1, 2, NULL),
	CH("LPS", "GP", 1, 2, NULL),
	CH("LPIM1", "GP", 1, 2, NULL),
	CH("LPIM2", "GP", 1, 2, NULL),
	CH("LPIM3", "GP", 1, 2, NULL),
	CH("LPIM4", "GP", 1, 2, NULL),
	CH("LPIM5", "GP", 1, 2, NULL),
	CH("LPIM6", "GP", 1, 2, NULL),
	CH("LPIMIP", "GP", 1, 2, NULL),
	CH("LPIN", "GP", 1, 2, NULL),
	CH("LCDPDAG", "GP", 1, 2, NULL),
	CH("LMMPE", "GP", 1, 2, NULL),
	CH("LDMPE", "GP", 1, 2, NULL),
	CH("CPA", "GP", 1, 1, NULL),
	CH("BMP", "GP", 2, 4, NULL),
	CH("SLBPA", "GP", 3, 4, NULL),
	CH("CL", "GP", 4, 4, "LCL"),
	CH("LCL", "GP", 3, 4, "DLCL"),
	CH("DLCL", "GP", 2, 4, NULL),
	CH("NAPE", "GP", 3, 3, "LNAPE"),
	CH("LNAPE", "GP", 2, 3, NULL),
	CHF("PE-N", "GP", 2, 2, LPF_HGCHAIN, "LPE-N"),
	CHF("LPE-N", "GP", 1, 2, LPF_HGCHAIN, NULL),
	CHF("PS-N", "GP", 2, 2, LPF_HGCHAIN, NULL),

	/* saccharolipids */
	CH("DAT", "SL", 2, 2, NULL),
	CH("AC2SGL", "SL", 2, 2, NULL),
	CH("PAT16", "SL", 4, 4, NULL),
	CH("PAT18", "SL", 4, 4, NULL),

	/* sphingolipids: base + N-acyl */
	SP2("Cer", 0),
	SP2("CerP", LPF_HG1),
	SP2("SM", LPF_HG1),
	SP2("EPC", LPF_HG1),
	SP2("IPC", LPF_HG1),
	SP2("MIPC", LPF_HG1),
	SP2("M(IP)2C", LPF_HG1),
	SP2("GIPC", LPF_HG1),
	SP2("HexCer", LPF_HG1),
	SP2("GlcCer", LPF_HG1),
	SP2("GalCer", LPF_HG1),
	SP2("Hex2Cer", LPF_HG1),
	SP2("LacCer", LPF_HG1),
	SP2("Hex3Cer", LPF_HG1),
	SP2("SHexCer", LPF_HG1),
	SP2("SHex2Cer", LPF_HG1),
	SP2("ACer", LPF_HG1 | LPF_HGCHAIN),

	/* glycosphingolipids (LIPID MAPS and SwissLipids names): glycan on O-1 */
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
	GSL("Ac-O-9-GD1a"),
	GSL("Ac-O-9-GT1b"),
	GSL("Ac-O-9-GT3"),
	GSL("Branched-Forssman"),
	GSL("DSGG"),
	GSL("FMC-5"),
	GSL("FMC-6"),
	GSL("Forssman"),
	GSL("Fuc-Branched-Forssman"),
	GSL("Fuc-GA1"),
	GSL("Fuc-GD1b"),
	GSL("Fuc-GM1"),
	GSL("Fuc-GM1(NeuGc)"),
	GSL("Fuc-iGb3Cer"),
	GSL("Fuc(Gal)-GM1"),
	GSL("Fuc(Gal)Gal-iGb4Cer"),
	GSL("FucGalGb3Cer"),
	GSL("GA1"),
	GSL("GA2"),
	GSL("Gal-GD1b"),
	GSL("Gal-iGb4Cer"),
	GSL("Gal(Fuc)-GA1"),
	GSL("Gal(Fuc)-GD1b"),
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
	GSL("GlcNAc-GalGb4Cer"),
	GSL("GlcNAcGb3Cer"),
	GSL("Globo-A"),
	GSL("Globo-B"),
	GSL("Globo-H"),
	GSL("Globo-Lex-9"),
	GSL("GM1"),
	GSL("GM1 alpha"),
	GSL("GM1(NeuGc)"),
	GSL("GM1b"),
	GSL("GM1b(NeuGc)"),
	GSL("GM2"),
	GSL("GM2(NeuGc)"),
	GSL("GM3"),
	GSL("GM4"),
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
	GSL("GT1b"),
	GSL("GT1b alpha"),
	GSL("GT1b alpha(NeuGc)"),
	GSL("GT1a-AC"),
	GSL("GT1c"),
	GSL("GT2"),
	GSL("GT3"),
	GSL("GT3-AC"),
	GSL("GB3"),
	GSL("i-Forssman"),
	GSL("iGb3Cer"),
	GSL("iGb4Cer"),
	GSL("Lex-GM1"),
	GSL("MSGG"),
	GSL("NeuAc(alpha2-6)-MSGG"),
	GSL("NeuAc(alpha2-8)-MSGG"),
	GSL("NeuAcGal-iGb4Cer"),
	GSL("NeuGc-GalGb4Cer"),
	GSL("NeuGc-LacNAc-GM1(NeuGc)"),
	GSL("NeuGcNeuGc-GalGb4Cer"),
	GSL("NOR1"),
	GSL("NOR2"),
	GSL("NORint"),
	GSL("Para-Forssman"),
	GSL("SB1a"),
	GSL("SM1a"),
	GSL("SM1b"),
	GSL("SO3-Gal-iGb4Cer"),
	GSL("SO3-GalGb4Cer"),
	GSL("SO3-Gb4Cer"),
	GSL("SO3-GM1(NeuGc)"),
	GSL("SO3-iGb4Cer"),
	GSL("SulfoGalCer"),

	/* sphingolipids: base only */
	LCB("SPB", 0),
	LCB("SPBP", LPF_HG1),
	LCB("LSM", LPF_HG1),
	LCB("LHexCer", LPF_HG1),
	LCB("LGlcCer", LPF_HG1),
	LCB("LGalCer", LPF_HG1),
	LCB("LHex2Cer", LPF_HG1),
	LCB("LHex3Cer", LPF_HG1),
	LCB("LIPC", LPF_HG1),

	/* sterols */
	{"ST", "ST", LPK_STEROL, 0, 0, 0, NULL},
	{"BA", "ST", LPK_STEROL, 0, 0, 0, NULL},
	{"SE", "ST", LPK_STEROL_ESTER, 1, 1, 0, NULL},
};

#define NCLASSES (sizeof(lp_classes) / sizeof(lp_classes[0]))

/*
 * Synonyms: other spellings met in files for the classes above.  Matching
 * is case-sensitive on purpose: "PEt" is a class and "PET" is not (Goslin's
 * must-reject list), and Lipidyzer's upper-case "CER(16:0)" names only the
 * N-acyl chain, which must not pass as a ceramide sum.
 */
typedef struct lp_synonym
{
	const char *alias;
	const char *canonical;
	unsigned char modifier;		/* LP_MOD_* */
	short		core_c;			/* LP_MOD_STEROL_CORE: the sterol */
	short		core_db;
} lp_synonym;

#define S(a, c)		{a, c, LP_MOD_NONE, 0, 0}
#define PLS(a, c)	{a, c, LP_MOD_PLASMENYL, 0, 0}
#define CHE(a)		{a, "SE", LP_MOD_STEROL_CORE, 27, 1}

static const lp_synonym lp_synonyms[] = {
	S("TAG", "TG"), S("DAG", "DG"), S("MAG", "MG"),
	S("FFA", "FA"),
	S("Car", "CAR"), S("AcCa", "CAR"), S("ACar", "CAR"),
	S("Acylcarnitine", "CAR"), S("AcylCarnitine", "CAR"),
	S("LBPA", "BMP"),
	S("CDP-DAG", "CDPDAG"), S("CDP-DG", "CDPDAG"), S("CDPDG", "CDPDAG"),
	S("MLCL", "LCL"),
	S("PEtOH", "PEt"),
	S("cLPA", "CPA"),
	S("MMPE", "PE-NMe"), S("DMPE", "PE-NMe2"),
	S("PtdCho", "PC"), S("PtdEtn", "PE"), S("PtdIns", "PI"), S("PtdSer", "PS"),
	S("PtdGro", "PG"),
	/* plasmalogen abbreviations: the alk-1-enyl ether is part of the name */
	PLS("PlsCho", "PC"), PLS("PlsEtn", "PE"),
	PLS("PlsSer", "PS"), PLS("PlsIns", "PI"),
	S("C1P", "CerP"), S("CerPE", "EPC"), S("PE-Cer", "EPC"), S("PI-Cer", "IPC"),
	S("MIP2C", "M(IP)2C"),
	S("SulfoHexCer", "SHexCer"), S("SulfoHex2Cer", "SHex2Cer"),
	S("(3'-sulfo)GalCer", "SHexCer"), S("(3'-sulfo)Galbeta-Cer", "SHexCer"),
	S("Ceramide", "Cer"), S("Sphingomyelin", "SM"),
	S("Hexosylceramide", "HexCer"), S("Glucosylceramide", "GlcCer"),
	S("Galactosylceramide", "GalCer"), S("Lactosylceramide", "LacCer"),
	S("Gb3", "GB3"), S("Gb3Cer", "GB3"), S("GB3Cer", "GB3"),
	S("Gb4", "GB4"), S("Gb4Cer", "GB4"), S("GB4Cer", "GB4"),
	S("LCB", "SPB"), S("SPH", "SPB"), S("Sph", "SPB"), S("So", "SPB"),
	S("Sa", "SPB"), S("SPA", "SPB"),
	S("LCBP", "SPBP"), S("S1P", "SPBP"), S("SPH-P", "SPBP"), S("SIP", "SPBP"),
	S("Sa1P", "SPBP"), S("SPA1P", "SPBP"),
	S("SPC", "LSM"), S("LysoSM", "LSM"), S("lysoSM", "LSM"),
	S("HexSph", "LHexCer"), S("GlcSph", "LGlcCer"), S("GalSph", "LGalCer"),
	/* cholesteryl esters: sterol ester of the C27 core with one double bond */
	CHE("CE"),
	CHE("ChE"),
	CHE("ChoE"),
	CHE("CholE"),
	CHE("Cholesteryl ester"),
	CHE("Cholesterol ester"),
};

#define NSYNONYMS (sizeof(lp_synonyms) / sizeof(lp_synonyms[0]))

/*
 * Named lipid mediators of the FA category.  The sum composition is the
 * 2020 species-level reading of the neutral formula: carbons, double-bond
 * equivalents without the carboxyl group (rings and oxo groups count), and
 * oxygens beyond the carboxyl group.  Example: 12-HETE, C20H32O3, is
 * FA 20:4;O.  Peptide conjugates (LTC4, LTD4, LTE4) are left out: their
 * nitrogen and sulfur have no place in an FA sum.
 */
static const lp_mediator lp_mediators[] = {
	/* hydroxy fatty acids, C20 (HETE), C20:5 (HEPE), C22:6 (HDoHE) */
	{"5-HETE", 20, 4, 1}, {"8-HETE", 20, 4, 1}, {"9-HETE", 20, 4, 1},
	{"11-HETE", 20, 4, 1}, {"12-HETE", 20, 4, 1}, {"15-HETE", 20, 4, 1},
	{"16-HETE", 20, 4, 1}, {"17-HETE", 20, 4, 1}, {"18-HETE", 20, 4, 1},
	{"19-HETE", 20, 4, 1}, {"20-HETE", 20, 4, 1},
	{"5-HEPE", 20, 5, 1}, {"8-HEPE", 20, 5, 1}, {"9-HEPE", 20, 5, 1},
	{"11-HEPE", 20, 5, 1}, {"12-HEPE", 20, 5, 1}, {"15-HEPE", 20, 5, 1},
	{"18-HEPE", 20, 5, 1},
	{"4-HDoHE", 22, 6, 1}, {"7-HDoHE", 22, 6, 1}, {"8-HDoHE", 22, 6, 1},
	{"10-HDoHE", 22, 6, 1}, {"11-HDoHE", 22, 6, 1}, {"13-HDoHE", 22, 6, 1},
	{"14-HDoHE", 22, 6, 1}, {"16-HDoHE", 22, 6, 1}, {"17-HDoHE", 22, 6, 1},
	{"20-HDoHE", 22, 6, 1},
	/* octadecanoids */
	{"9-HODE", 18, 2, 1}, {"13-HODE", 18, 2, 1}, {"13R-HODE", 18, 2, 1},
	{"9-HOTrE", 18, 3, 1}, {"13-HOTrE", 18, 3, 1},
	{"9-OxoODE", 18, 3, 1}, {"13-OxoODE", 18, 3, 1},
	{"9(10)-EpOME", 18, 2, 1}, {"12(13)-EpOME", 18, 2, 1},
	{"9,10-DiHOME", 18, 1, 2}, {"12,13-DiHOME", 18, 1, 2},
	/* hydroperoxy and oxo eicosanoids */
	{"5-HpETE", 20, 4, 2}, {"12-HpETE", 20, 4, 2}, {"15-HpETE", 20, 4, 2},
	{"5-OxoETE", 20, 5, 1}, {"12-OxoETE", 20, 5, 1}, {"15-OxoETE", 20, 5, 1},
	/* epoxy and dihydroxy eicosanoids */
	{"5(6)-EET", 20, 4, 1}, {"8(9)-EET", 20, 4, 1}, {"11(12)-EET", 20, 4, 1},
	{"14(15)-EET", 20, 4, 1},
	{"5,6-EpETrE", 20, 4, 1}, {"8,9-EpETrE", 20, 4, 1},
	{"11,12-EpETrE", 20, 4, 1}, {"14,15-EpETrE", 20, 4, 1},
	{"5,6-DHET", 20, 3, 2}, {"8,9-DHET", 20, 3, 2}, {"11,12-DHET", 20, 3, 2},
	{"14,15-DHET", 20, 3, 2},
	{"5,6-DiHETrE", 20, 3, 2}, {"8,9-DiHETrE", 20, 3, 2},
	{"11,12-DiHETrE", 20, 3, 2}, {"14,15-DiHETrE", 20, 3, 2},
	{"14(15)-EpETE", 20, 5, 1}, {"17(18)-EpETE", 20, 5, 1},
	{"5,6-DiHETE", 20, 4, 2}, {"5,12-DiHETE", 20, 4, 2},
	{"5,15-DiHETE", 20, 4, 2}, {"8,15-DiHETE", 20, 4, 2},
	{"12-HHTrE", 17, 3, 1},
	{"tetranor-12-HETE", 16, 3, 1},
	/* leukotrienes, lipoxins */
	{"LTB4", 20, 4, 2}, {"LTB5", 20, 5, 2},
	{"LXA4", 20, 4, 3}, {"LXB4", 20, 4, 3}, {"5,6,15-LXA4", 20, 4, 3},
	/* prostanoids (the ring counts as one double-bond equivalent) */
	{"PGE1", 20, 3, 3}, {"PGD1", 20, 3, 3}, {"PGF1alpha", 20, 2, 3},
	{"PGE2", 20, 4, 3}, {"PGD2", 20, 4, 3}, {"PGH2", 20, 4, 3},
	{"PGI2", 20, 4, 3}, {"PGF2alpha", 20, 3, 3},
	{"PGE3", 20, 5, 3}, {"PGD3", 20, 5, 3},
	{"PGA2", 20, 5, 2}, {"PGB2", 20, 5, 2}, {"PGJ2", 20, 5, 2},
	{"15d-PGJ2", 20, 6, 1},
	{"6-keto-PGF1alpha", 20, 3, 4},
	{"TXA2", 20, 4, 3},
	{"TXB1", 20, 2, 4}, {"TXB2", 20, 3, 4}, {"TXB3", 20, 4, 4},
	/* docosanoids */
	{"Resolvin D1", 22, 6, 3}, {"Resolvin D2", 22, 6, 3},
	{"Resolvin D3", 22, 6, 3}, {"Resolvin D5", 22, 6, 2},
	{"RvD1", 22, 6, 3}, {"RvD2", 22, 6, 3}, {"RvD3", 22, 6, 3},
	{"RvD5", 22, 6, 2}, {"RvE1", 20, 5, 3},
	{"Maresin 1", 22, 6, 2}, {"MaR1", 22, 6, 2},
	{"Protectin D1", 22, 6, 2},
};

#define NMEDIATORS (sizeof(lp_mediators) / sizeof(lp_mediators[0]))

/*
 * Trivial names that denote one shorthand name exactly: sterols (2020:
 * free sterols are written as the ST core), common fatty acids (whose
 * double-bond geometry is part of the name) and the C18 sphingoid bases
 * (sphingosine is by definition the C18 base with two hydroxyls).
 * Abbreviations that are also gene or protein symbols or column names
 * (PD1 for protectin D1, FC for free cholesterol) are left out on purpose:
 * feature_type.c asks this parser whether a name is a lipid.
 */
typedef struct lp_named
{
	const char *name;
	const char *shorthand;
} lp_named;

static const lp_named lp_named_lipids[] = {
	{"Cholesterol", "ST 27:1;O"}, {"cholesterol", "ST 27:1;O"},
	{"Ch", "ST 27:1;O"}, {"Chol", "ST 27:1;O"},
	{"Desmosterol", "ST 27:2;O"}, {"Lanosterol", "ST 30:2;O"},
	{"Ergosterol", "ST 28:3;O"}, {"Stigmasterol", "ST 29:2;O"},
	{"Campesterol", "ST 28:1;O"}, {"Sitosterol", "ST 29:1;O"},
	{"beta-Sitosterol", "ST 29:1;O"},
	{"Lauric acid", "FA 12:0"}, {"Myristic acid", "FA 14:0"},
	{"Palmitic acid", "FA 16:0"}, {"Stearic acid", "FA 18:0"},
	{"Palmitoleic acid", "FA 16:1(9Z)"}, {"Oleic acid", "FA 18:1(9Z)"},
	{"Linoleic acid", "FA 18:2(9Z,12Z)"},
	{"alpha-Linolenic acid", "FA 18:3(9Z,12Z,15Z)"},
	{"alpha-LA", "FA 18:3(9Z,12Z,15Z)"},
	{"AA", "FA 20:4(5Z,8Z,11Z,14Z)"}, {"ARA", "FA 20:4(5Z,8Z,11Z,14Z)"},
	{"Arachidonic acid", "FA 20:4(5Z,8Z,11Z,14Z)"},
	{"Arachidonic Acid", "FA 20:4(5Z,8Z,11Z,14Z)"},
	{"EPA", "FA 20:5(5Z,8Z,11Z,14Z,17Z)"},
	{"Eicosapentaenoic acid", "FA 20:5(5Z,8Z,11Z,14Z,17Z)"},
	{"DHA", "FA 22:6(4Z,7Z,10Z,13Z,16Z,19Z)"},
	{"Docosahexaenoic acid", "FA 22:6(4Z,7Z,10Z,13Z,16Z,19Z)"},
	{"Sphingosine", "SPB 18:1;O2"}, {"Sphinganine", "SPB 18:0;O2"},
	{"Sphingosine-1-phosphate", "SPBP 18:1;O2"}, {"S1P", "SPBP 18:1;O2"},
	{"Sphinganine-1-phosphate", "SPBP 18:0;O2"},
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

/* Exact (whole-string) comparison of a counted string with a C string. */
static bool
lp_eq(const char *s, size_t len, const char *lit)
{
	size_t		n;

	/* the first byte rejects nearly every entry without a strlen */
	if (len == 0 || s[0] != lit[0])
		return false;
	n = strlen(lit);
	return n == len && memcmp(s, lit, n) == 0;
}

/* Does lit start s, and is s[n] a place where a class name may end? */
static bool
lp_prefix_at_boundary(const char *s, size_t len, const char *lit, size_t *n)
{
	size_t		k;

	if (len == 0 || s[0] != lit[0])
		return false;
	k = strlen(lit);
	if (k > len || memcmp(s, lit, k) != 0)
		return false;
	if (k < len && s[k] != ' ' && s[k] != '(' && s[k] != '[')
		return false;
	*n = k;
	return true;
}

const lp_class *
lp_class_by_name(const char *s, size_t len)
{
	for (size_t i = 0; i < NCLASSES; i++)
		if (lp_eq(s, len, lp_classes[i].name))
			return &lp_classes[i];
	return NULL;
}

/*
 * Longest class name or synonym at the start of s that ends where a class
 * name may end (end, space, '(' or '[').  Longest wins so that "PE-NMe2"
 * beats "PE" and "GM1b(NeuGc)" beats "GM1b".
 */
const lp_class *
lp_class_match(const char *s, size_t len, size_t *matched, int *modifier,
			   short *core_c, short *core_db)
{
	const lp_class *best = NULL;
	size_t		bestlen = 0;
	size_t		n;

	*modifier = LP_MOD_NONE;
	*core_c = *core_db = 0;
	for (size_t i = 0; i < NCLASSES; i++)
	{
		if (lp_prefix_at_boundary(s, len, lp_classes[i].name, &n) &&
			n > bestlen)
		{
			best = &lp_classes[i];
			bestlen = n;
			*modifier = LP_MOD_NONE;
		}
	}
	for (size_t i = 0; i < NSYNONYMS; i++)
	{
		if (lp_prefix_at_boundary(s, len, lp_synonyms[i].alias, &n) &&
			n > bestlen)
		{
			best = lp_class_by_name(lp_synonyms[i].canonical,
									strlen(lp_synonyms[i].canonical));
			bestlen = n;
			*modifier = lp_synonyms[i].modifier;
			*core_c = lp_synonyms[i].core_c;
			*core_db = lp_synonyms[i].core_db;
		}
	}
	*matched = bestlen;
	return best;
}

const lp_mediator *
lp_mediator_by_name(const char *s, size_t len)
{
	for (size_t i = 0; i < NMEDIATORS; i++)
		if (lp_eq(s, len, lp_mediators[i].name))
			return &lp_mediators[i];
	return NULL;
}

const char *
lp_named_lipid(const char *s, size_t len)
{
	for (size_t i = 0; i < NNAMED; i++)
		if (lp_eq(s, len, lp_named_lipids[i].name))
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
