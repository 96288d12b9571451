/*
 * test_lipid.c - unit tests of the lipid-name normalizer (src/core/lipid*.c).
 *
 * Every expected string was derived by hand from the published rules
 * (Liebisch et al., J Lipid Res 61:1539, 2020: levels, "P-" folded into
 * "O-" with one more double bond at species level, oxygens counted as ;On,
 * d18:1 = 18:1;O2) or taken from the worked examples of the Goslin README
 * (test/data/goslin/README.md), not from the normalizer's own output.
 * Molecular-species strings follow our documented canonical chain order
 * (carbons, then double bonds, then atoms, then ether type).
 */
#include <stdbool.h>

#include "unit.h"
#include "lipid.h"

#define IN	LIPID_LEVEL_INPUT
#define SPE LIPID_LEVEL_SPECIES
#define MOL LIPID_LEVEL_MOLECULAR_SPECIES
#define SN	LIPID_LEVEL_SN_POSITION
#define STR LIPID_LEVEL_STRUCTURE_DEFINED
#define FUL LIPID_LEVEL_FULL_STRUCTURE

static char got_buf[NORM_OUT_MAX];
static norm_status got_status;
static const char *got_reason;

static const char *
norm(const char *name, lipid_level level)
{
	got_status = lipid_normalize(name, strlen(name), level, got_buf,
								 sizeof(got_buf), &got_reason);
	return got_status == NORM_INVALID ? "INVALID" : got_buf;
}

/* name at level prints as want (NORM_OK) */
static void
expect_at(const char *name, lipid_level level, const char *want, int line)
{
	char		desc[300];
	const char *g = norm(name, level);
	bool		ok = strcmp(g, want) == 0 && got_status == NORM_OK;

	snprintf(desc, sizeof(desc), "'%s' at %s -> '%s'", name,
			 lipid_level_name(level), want);
	unit_report(ok, __FILE__, line, "%s", desc);
	if (!ok)
		printf("#   got: '%s' (status %d, %s)\n", g, (int) got_status,
			   got_reason ? got_reason : "no reason");
}

/* name at level is AMBIGUOUS and prints as want, with a reason */
static void
expect_ambiguous(const char *name, lipid_level level, const char *want,
				 int line)
{
	char		desc[300];
	const char *g = norm(name, level);
	bool		ok = strcmp(g, want) == 0 && got_status == NORM_AMBIGUOUS &&
		got_reason != NULL;

	snprintf(desc, sizeof(desc), "'%s' at %s -> '%s' (ambiguous)", name,
			 lipid_level_name(level), want);
	unit_report(ok, __FILE__, line, "%s", desc);
	if (!ok)
		printf("#   got: '%s' (status %d)\n", g, (int) got_status);
}

/* name at level is rejected; the reason contains `why` */
static void
expect_invalid(const char *name, lipid_level level, const char *why, int line)
{
	char		desc[300];
	const char *g = norm(name, level);
	bool		ok = got_status == NORM_INVALID && got_buf[0] == '\0' &&
		got_reason != NULL && strstr(got_reason, why) != NULL;

	snprintf(desc, sizeof(desc), "'%s' at %s rejected (%s)", name,
			 lipid_level_name(level), why);
	unit_report(ok, __FILE__, line, "%s", desc);
	if (!ok)
		printf("#   got: '%s' (status %d, %s)\n", g, (int) got_status,
			   got_reason ? got_reason : "no reason");
}

#define EXPECT(name, level, want) expect_at(name, level, want, __LINE__)
#define EXPECT_AMB(name, level, want) expect_ambiguous(name, level, want, __LINE__)
#define EXPECT_INVALID(name, level, why) expect_invalid(name, level, why, __LINE__)

/* name's finest level */
#define EXPECT_LEVEL(name, lvl) \
	CHECK(lipid_input_level(name, strlen(name)) == (lvl), \
		  "'%s' supports %s (got %s)", name, lipid_level_name(lvl), \
		  lipid_level_name(lipid_input_level(name, strlen(name))))

/* ------------------------------------------------------------------ */

static void
test_levels(void)
{
	/* the five levels of one lipid, finest input first */
	EXPECT("PC 16:0/18:1(9Z)", IN, "PC 16:0/18:1(9Z)");
	EXPECT("PC 16:0/18:1(9Z)", FUL, "PC 16:0/18:1(9Z)");
	EXPECT("PC 16:0/18:1(9Z)", STR, "PC 16:0/18:1(9)");
	EXPECT("PC 16:0/18:1(9Z)", SN, "PC 16:0/18:1");
	EXPECT("PC 16:0/18:1(9Z)", MOL, "PC 16:0_18:1");
	EXPECT("PC 16:0/18:1(9Z)", SPE, "PC 34:1");
	EXPECT_LEVEL("PC 16:0/18:1(9Z)", FUL);
	EXPECT_LEVEL("PC 16:0/18:1(9)", STR);
	EXPECT_LEVEL("PC 16:0/18:1", SN);
	EXPECT_LEVEL("PC 16:0_18:1", MOL);
	EXPECT_LEVEL("PC 34:1", SPE);

	EXPECT("PC 16:0/18:1(9)", SN, "PC 16:0/18:1");
	EXPECT("PC 16:0/18:1", MOL, "PC 16:0_18:1");
	EXPECT("PC 16:0_18:1", SPE, "PC 34:1");
	EXPECT("PC 34:1", IN, "PC 34:1");

	/* finer than the input: rejected with the level the input has */
	EXPECT_INVALID("PC 34:1", MOL, "input carries only species-level information");
	EXPECT_INVALID("PC 16:0_18:1", SN, "only molecular-species-level");
	EXPECT_INVALID("PC 16:0/18:1", STR, "only sn-position-level");
	EXPECT_INVALID("PC 16:0/18:1(9)", FUL, "only structure-defined-level");

	/* saturated chains are complete: nothing to add at finer levels */
	EXPECT_LEVEL("PC 16:0/18:0", FUL);
	EXPECT("PC 16:0/18:0", FUL, "PC 16:0/18:0");
	/* one chain of a class with two positions: position unknown */
	EXPECT_LEVEL("LPC 16:0", MOL);
	EXPECT_LEVEL("LPC 16:0/0:0", FUL);
	EXPECT_LEVEL("FA 16:0", FUL);
	EXPECT_LEVEL("FA 18:1", SN);
	EXPECT_LEVEL("Glucose", IN);

	/* ether and plasmalogen */
	EXPECT("PC O-16:0/18:1", SPE, "PC O-34:1");
	EXPECT("PC O-16:0/18:1", MOL, "PC O-16:0_18:1");
	EXPECT("PE P-18:0/20:4", MOL, "PE P-18:0_20:4");
	EXPECT("PE P-18:0/20:4", SPE, "PE O-38:5");	/* vinyl bond counted */
	EXPECT("PE P-16:0/18:1(9Z)", SPE, "PE O-34:2");
	EXPECT("PE P-34:1", SPE, "PE O-34:2");
	EXPECT("PC O-16:0/O-18:1(9Z)", SPE, "PC dO-34:1");
	EXPECT("TG O-18:1/O-16:0/O-18:1", SPE, "TG tO-52:2");
	EXPECT("PC dO-34:1", IN, "PC dO-34:1");
	EXPECT_INVALID("PC dO-16:0/18:1", IN, "species-level sums");

	/* oxygenated chains */
	EXPECT("FA 18:1;O", IN, "FA 18:1;O");
	EXPECT("FA 18:1;O2", SPE, "FA 18:1;O2");
	EXPECT_LEVEL("FA 20:4;OH", SN);	/* db positions missing */
	EXPECT("FA 20:4;OH", IN, "FA 20:4;O");
	EXPECT("FA 20:0;OH", IN, "FA 20:0;OH");	/* saturated: structure level */
	EXPECT("FA 20:4;OH", SN, "FA 20:4;O");
	EXPECT("FA 20:4(5Z,8Z,10E,14Z);12OH", STR, "FA 20:4(5,8,10,14);OH");
	EXPECT("FA 20:4(5Z,8Z,10E,14Z);12OH", SN, "FA 20:4;O");
	EXPECT("FA 20:4(6Z,8E,10E,14Z);5OH,12OH", STR, "FA 20:4(6,8,10,14);(OH)2");
	EXPECT("PC 16:0/20:4;O3", SPE, "PC 36:4;O3");
	/* oxo and epoxy add a double-bond equivalent, OMe and Me a carbon */
	EXPECT("FA 18:1(9Z);12oxo", SN, "FA 18:2;O");
	EXPECT("PE O-18:1(11E);5OMe/22:0;3OH", SN, "PE O-19:1;O/22:0;O");
	EXPECT("PE O-18:1(11E);5OMe/22:0;3OH", SPE, "PE O-41:1;O2");
	/* groups sorted by name, positions ascending */
	EXPECT("FA 18:0;12OH;9Me", FUL, "FA 18:0;9Me;12OH");
	EXPECT("Cer 18:0;3OH,1OH/16:0", FUL, "Cer 18:0;1OH,3OH/16:0");
}

static void
test_sphingolipids(void)
{
	EXPECT("Cer 18:1;O2/16:0", IN, "Cer 18:1;O2/16:0");
	EXPECT("Cer 18:1;O2/16:0", MOL, "Cer 18:1;O2/16:0");	/* base stays first */
	EXPECT("Cer 18:1;O2/16:0", SPE, "Cer 34:1;O2");
	EXPECT("SM 34:1;O2", IN, "SM 34:1;O2");
	EXPECT("Cer 34:1;O2", SPE, "Cer 34:1;O2");
	EXPECT("Cer 18:1;O2/16:0;O", SPE, "Cer 34:1;O3");	/* oxygens summed */
	/* 2013 prefixes: d = two hydroxyls, t = three, m = one */
	EXPECT("Cer(d18:1/16:0)", IN, "Cer 18:1;O2/16:0");
	EXPECT("SM(d18:1/16:0)", IN, "SM 18:1;O2/16:0");
	EXPECT("Cer(t18:0/24:0)", SPE, "Cer 42:0;O3");
	EXPECT("Cer(m18:1/16:0)", IN, "Cer 18:1;O/16:0");
	EXPECT("Cer(d18:1/16:0(2OH))", SN, "Cer 18:1;O2/16:0;O");
	EXPECT("Cer(d34:1)", IN, "Cer 34:1;O2");
	/* the head group of SM, CerP, glycosphingolipids sits on O-1: the
	 * structure levels list only the other hydroxyls */
	EXPECT("CerP(1) 18:1(4E);3OH/16:0;2OH", STR, "CerP 18:1(4);OH/16:0;OH");
	EXPECT("CerP(1) 18:1(4E);3OH/16:0;2OH", SN, "CerP 18:1;O2/16:0;O");
	EXPECT("CerP(1) 18:1(4E);3OH/16:0;2OH", SPE, "CerP 34:1;O3");
	EXPECT("CerP 18:1(4E);3OH/16:0;2OH", FUL, "CerP(1) 18:1(4E);3OH/16:0;2OH");
	EXPECT("SM 18:1(4E);3OH/16:0", SN, "SM 18:1;O2/16:0");
	EXPECT("GlcCer[1] 18:1(4E);3OH/18:0", FUL, "GlcCer(1) 18:1(4E);3OH/18:0");
	EXPECT_INVALID("Cer(1) 18:1(4E);1OH,3OH/16:0", IN, "no head group");
	/* ceramide has a free 1-OH, written out */
	EXPECT("Cer 18:0;1OH,3OH/16:0", STR, "Cer 18:0;(OH)2/16:0");
	EXPECT("Cer 18:0;1OH,3OH/16:0", SN, "Cer 18:0;O2/16:0");
	EXPECT("SPB 18:0;1OH;3oxo", SN, "SPB 18:1;O2");
	/* glycosphingolipids */
	EXPECT("HexCer 18:1;O2/24:0", SPE, "HexCer 42:1;O2");
	EXPECT("Hex2Cer 18:1;O2/16:0", SPE, "Hex2Cer 34:1;O2");
	EXPECT("GM3 18:1;O2/16:0", SPE, "GM3 34:1;O2");
	EXPECT("GM3(d18:1/16:0)", IN, "GM3 18:1;O2/16:0");
	EXPECT("Gal-Glc-Cer(1) 18:1(4E);3OH/16:0", STR, "Gal-Glc-Cer 18:1(4);OH/16:0");
	EXPECT("Gal-Glc-Cer(1) 18:1(4E);3OH/16:0", SN, "Hex2Cer 18:1;O2/16:0");
	EXPECT("GT1b alpha (d18:1/18:0)", IN, "GT1b alpha 18:1;O2/18:0");
	EXPECT("LacCer(d18:1/24:0)", SPE, "LacCer 42:1;O2");
	EXPECT("SHexCer 18:1;2/24:0;1", IN, "SHexCer 18:1;O2/24:0;O");
	/* sphingoid bases */
	EXPECT("SPB 18:1;O2", IN, "SPB 18:1;O2");
	EXPECT("LCB 18:1;2", IN, "SPB 18:1;O2");
	EXPECT("S1P(d18:1)", IN, "SPBP 18:1;O2");
	EXPECT("LysoSM(d18:1)", IN, "LSM 18:1;O2");
	EXPECT("Sphingosine", IN, "SPB 18:1;O2");

	/* never invent a sphingoid base */
	EXPECT_INVALID("Cer 16:0", IN, "hydroxylation of its base");
	EXPECT_INVALID("SM 34:1", IN, "hydroxylation of its base");
	EXPECT_INVALID("SM(32:0)", IN, "hydroxylation of its base");
	EXPECT_INVALID("Cer 18:1/16:0", IN, "hydroxylation of its base");
	EXPECT_INVALID("CER(16:0)", IN, "unknown lipid class");
	EXPECT_INVALID("Hex2Cer 18:1;2/12:0/2:0", IN, "too many chains");
	EXPECT_INVALID("GB3 18:1;2-24:1;12", IN, "base/acyl");
	EXPECT_INVALID("Cer O-18:1;O2/16:0", IN, "ether");
	/* LipidSearch writes '_' but marks the base: order known */
	EXPECT("SM d18:1_16:0", IN, "SM 18:1;O2/16:0");
	EXPECT("Cer(d18:1_24:0)+H", IN, "Cer 18:1;O2/24:0");
}

static void
test_classes(void)
{
	EXPECT("ST 27:1;O", IN, "ST 27:1;O");
	EXPECT("ST 27:1;O", SPE, "ST 27:1;O");
	EXPECT("Cholesterol", IN, "ST 27:1;O");
	EXPECT("Ch", IN, "ST 27:1;O");
	EXPECT("CE 18:1", IN, "SE 27:1/18:1");
	EXPECT("CE 18:1", SPE, "SE 27:1/18:1");
	EXPECT("ChE 16:1(4Z)", STR, "SE 27:1/16:1(4)");
	EXPECT("CE(18:1(9Z))", IN, "SE 27:1/18:1(9Z)");
	EXPECT("SE 28:2/18:1", IN, "SE 28:2/18:1");
	EXPECT_INVALID("SE 27:1;O/18:1", IN, "sterol-ester core");
	EXPECT("FA 18:1", IN, "FA 18:1");
	EXPECT("FA(16:0)", IN, "FA 16:0");
	EXPECT("CAR 16:0", IN, "CAR 16:0");
	EXPECT("TG 16:0_18:1_18:2", SPE, "TG 52:3");
	EXPECT("TG 18:2_16:0_18:1", MOL, "TG 16:0_18:1_18:2");
	EXPECT("DG 16:0_18:1", SPE, "DG 34:1");
	EXPECT("DG 18:1/0:0/16:0", MOL, "DG 16:0_18:1");
	EXPECT("DG 20:1(11Z)/0:0/22:2(13Z,16Z)", SPE, "DG 42:3");
	EXPECT("MG 18:1", IN, "MG 18:1");
	EXPECT("MG 0:0/18:1(9Z)/0:0", MOL, "MG 18:1");
	EXPECT("LPC 16:0", IN, "LPC 16:0");
	EXPECT("LPC O-16:1", SPE, "LPC O-16:1");
	EXPECT("CL 18:2_18:2_18:2_18:2", SPE, "CL 72:8");
	EXPECT("CL 70:4", IN, "CL 70:4");
	EXPECT("LCL 18:2/18:2/18:2/0:0", SPE, "LCL 54:6");
	EXPECT("PIP(3') 16:0/18:1(9Z)", MOL, "PIP(3') 16:0_18:1");
	EXPECT("PIP(3') 16:0/18:1(9Z)", SPE, "PIP 34:1");
	EXPECT("PE-N(FA 8:0) 30:5/18:0", SPE, "PE-N(FA) 56:5");
	EXPECT("PS-N(6:0) 16:0/18:3", SPE, "PS-N(Alk) 40:3");
	EXPECT("NAPE(16:0/18:1/20:4)", SPE, "NAPE 54:5");
	EXPECT("BMP 18:1_18:1", SPE, "BMP 36:2");
	EXPECT("MGDG 16:3_18:3", SPE, "MGDG 34:6");
	/* a 0:0 position turns a diacyl class into its lyso form */
	EXPECT("PC(16:0/0:0)", IN, "LPC 16:0/0:0");
	EXPECT("PC(O-16:0/0:0)", IN, "LPC O-16:0/0:0");
	EXPECT("TG 16:0/0:0/0:0", IN, "MG 16:0/0:0/0:0");
	EXPECT("CL 18:1/18:1/18:1/0:0", IN, "LCL 18:1/18:1/18:1/0:0");
	/* synonyms */
	EXPECT("TAG 52:3", IN, "TG 52:3");
	EXPECT("DAG 34:1", IN, "DG 34:1");
	EXPECT("MAG 16:0", IN, "MG 16:0");
	EXPECT("LBPA 36:2", IN, "BMP 36:2");
	EXPECT("CDP-DAG 34:1", IN, "CDPDAG 34:1");
	EXPECT("MLCL 54:6", IN, "LCL 54:6");
	EXPECT("PE-Cer(d16:2/22:0)", IN, "EPC 16:2;O2/22:0");
	EXPECT("C1P(d18:1/16:0)", IN, "CerP 18:1;O2/16:0");
	EXPECT("MMPE 34:1", IN, "PE-NMe 34:1");
	EXPECT("DMPE 34:1", IN, "PE-NMe2 34:1");
	EXPECT("PEtOH 34:1", IN, "PEt 34:1");
	EXPECT("Gb3(d18:1/16:0)", IN, "GB3 18:1;O2/16:0");
}

static void
test_dialects(void)
{
	/* LIPID MAPS common names */
	EXPECT("PC(16:0/18:1(9Z))", IN, "PC 16:0/18:1(9Z)");
	EXPECT("PA(16:1/12:0)", IN, "PA 16:1/12:0");
	EXPECT("TG(16:0/18:1(9Z)/18:2(9Z,12Z))[iso6]", IN, "TG 16:0/18:1(9Z)/18:2(9Z,12Z)");
	EXPECT("MG(18:1(9Z)/0:0/0:0)[rac]", MOL, "MG 18:1");
	EXPECT("PE(P-18:0/20:4(5Z,8Z,11Z,14Z))", SPE, "PE O-38:5");
	EXPECT("PIP2[3',4'](16:0/18:1(9Z))", IN, "PIP2(3',4') 16:0/18:1(9Z)");
	EXPECT("PIP[3](12:0/17:0)", IN, "PIP(3') 12:0/17:0");
	EXPECT("CL(1'-[16:0/18:1],3'-[18:1/18:2])", IN, "CL 16:0/18:1/18:1/18:2");
	EXPECT("PC(18:0/20:4(5Z,8Z,11Z,13E)(15OOH[S]))", IN,
		   "PC 18:0/20:4(5Z,8Z,11Z,13E);15OOH");
	EXPECT("PC(18:0/20:4(5Z,8Z,11Z,13E)(15OOH[S]))", SPE, "PC 38:4;O2");
	EXPECT("FAHFA(16:0/9-O-18:0)", IN, "FA 18:0;9O(FA 16:0)");
	EXPECT("FAHFA(16:0/9-O-18:0)", SPE, "FA 34:1;O2");
	EXPECT("(3'-sulfo)Galbeta-Cer(d18:1/24:0)", IN, "SHexCer 18:1;O2/24:0");
	/* Goslin / LipidXplorer */
	EXPECT("Cer 18:1;2/16:0", IN, "Cer 18:1;O2/16:0");
	EXPECT("Cer 28:1;2", IN, "Cer 28:1;O2");
	EXPECT("TAG 16:0-18:1-18:2", IN, "TG 16:0_18:1_18:2");
	EXPECT("PE 16:2\\18:3;1", IN, "PE 16:2/18:3;O");
	EXPECT("PE 18:3;1-16:2", IN, "PE 16:2_18:3;O");
	EXPECT("PE O 18:0a/22:6", IN, "PE O-18:0/22:6");
	EXPECT("PC O-18:1(4E)a/16:0", SPE, "PC O-34:1");
	EXPECT("LPE O-20:1p", IN, "LPE P-20:0");
	EXPECT("LPE O-20:1p", SPE, "LPE O-20:1");
	EXPECT("LPS 12:0a", IN, "LPS O-12:0");
	EXPECT("PIP2 21:0-22:6", IN, "PIP2 21:0_22:6");
	EXPECT("TG 16:1(5)/12:0/20:2(8,11)", SN, "TG 16:1/12:0/20:2");
	EXPECT("TG 16:1(5)/12:0/20:2(8,11)", MOL, "TG 12:0_16:1_20:2");
	EXPECT("TG 16:1(5)/12:0/20:2(8,11)", SPE, "TG 48:3");
	/* mzmine's ";2O" */
	EXPECT("Cer 20:1;2O/18:0", IN, "Cer 20:1;O2/18:0");
	/* SwissLipids */
	EXPECT("NAPE (16:0/18:1(9Z)/20:4(5Z,8Z,11Z,14Z))", SPE, "NAPE 54:5");
	EXPECT("PIP2[4,5](18:1(11Z)/13:0)", IN, "PIP2(4',5') 18:1(11Z)/13:0");
	EXPECT("NAPE (17:0-15me/10:0/14:0)", SN, "NAPE 18:0/10:0/14:0");
	EXPECT("NAPE (P-13:0(11-me)/22:0/6:0)", FUL, "NAPE P-13:0;11Me/22:0/6:0");
	EXPECT("Cer(iso-d17:1(4E)/17:0)", IN, "Cer 17:1;O2/17:0");
	/* Biocrates */
	EXPECT("PC aa C36:2", IN, "PC 36:2");
	EXPECT("PC ae C36:2", IN, "PC O-36:2");
	EXPECT("lysoPC a C16:0", IN, "LPC 16:0");
	EXPECT("PC C36:4", IN, "PC 36:4");
	EXPECT_INVALID("PC aa C36:2", MOL, "only species-level");
	EXPECT_INVALID("lysoPC aa C16:0", IN, "does not fit");
	/* the kit puts the acyl chain on sphingosine: a reading, flagged */
	EXPECT_AMB("SM C16:0", IN, "SM 34:1;O2");
	EXPECT_AMB("SM (OH) C22:1", IN, "SM 40:2;O3");
	/* lyso / plasmenyl / plasmanyl prefixes, LDA, BioPAN */
	EXPECT("lysoPC 16:0", IN, "LPC 16:0");
	EXPECT("LysoPE 18:1", IN, "LPE 18:1");
	EXPECT("Lyso-PC 16:0", IN, "LPC 16:0");
	EXPECT("plasmenylPC 16:0/14:0", IN, "PC P-16:0/14:0");
	EXPECT("plasmenylPE 16:0/18:1", SPE, "PE O-34:2");
	EXPECT("plasmanylPC 16:0/18:1", IN, "PC O-16:0/18:1");
	EXPECT("PlsEtn 16:0/20:4", IN, "PE P-16:0/20:4");
	EXPECT("P-PE 34:1", IN, "PE O-34:2");
	EXPECT("P-PC(16:0/18:1)", IN, "PC P-16:0/18:1");
	EXPECT_INVALID("plasmenylSM 16:0", IN, "ether");
	/* LipidSearch */
	EXPECT("PC(16:0e/18:1)", IN, "PC O-16:0/18:1");
	EXPECT("PE(18:0p/20:4)", IN, "PE P-18:0/20:4");
	EXPECT("PE(26:0e)", IN, "PE O-26:0");
	EXPECT("PC(16:0_18:1)+HCOO", IN, "PC 16:0_18:1");
	/* MS-DIAL 4 ceramide subclasses: N = plain acyl, A = 2-hydroxy acyl */
	EXPECT("Cer-NS d18:1/24:0", IN, "Cer 18:1;O2/24:0");
	EXPECT("Cer-AS d18:1/24:0", IN, "Cer 18:1;O2/24:0;O");
	EXPECT("HexCer-NS d18:1/24:1", SPE, "HexCer 42:2;O2");
	EXPECT_INVALID("Cer-EOS d18:1/30:0", IN, "subclass");
	/* chain first, class last */
	EXPECT("C32:0 PC", IN, "PC 32:0");
	/* named mediators and fatty acids */
	EXPECT("12-HETE", IN, "12-HETE");
	EXPECT("12-HETE", SPE, "FA 20:4;O");
	EXPECT("PGE2", SPE, "FA 20:4;O3");
	EXPECT("TXB2", SPE, "FA 20:3;O4");
	EXPECT("Palmitic acid", IN, "FA 16:0");
	EXPECT("DHA", IN, "FA 22:6(4Z,7Z,10Z,13Z,16Z,19Z)");
	EXPECT("Linoleic acid", STR, "FA 18:2(9,12)");
}

static void
test_msdial(void)
{
	/* finer part consistent with the coarser one: the finer part wins */
	EXPECT("PC 34:1|PC 16:0_18:1", IN, "PC 16:0_18:1");
	EXPECT("PC 16:0_18:1|PC 34:1", IN, "PC 16:0_18:1");
	EXPECT("Cer 34:1;O2|Cer 18:1;O2/16:0", IN, "Cer 18:1;O2/16:0");
	/* parts that disagree: the coarser part, flagged */
	EXPECT_AMB("PC 34:1|PC 16:0_18:2", IN, "PC 34:1");
	EXPECT_AMB("PC 34:1|PE 34:1", IN, "PC 34:1");
	EXPECT_INVALID("PC 34:1|Glucose", IN, "unknown lipid class");
}

static void
test_decorations(void)
{
	EXPECT("PC 34:1 [M+H]+", IN, "PC 34:1");
	EXPECT("PC 34:1[M+H]+", IN, "PC 34:1");
	EXPECT("PA 16:0_18:1 [M-H]1-", IN, "PA 16:0_18:1");
	EXPECT("LPC 20:4 [M+H]1+", IN, "LPC 20:4");
	EXPECT("ChE 22:4 [M+NH4]1+", IN, "SE 27:1/22:4");
	EXPECT("PC 34:1+H", IN, "PC 34:1");
	EXPECT("PC(16:0/18:1)-H2O+H", IN, "PC 16:0/18:1");
	EXPECT("PE 34:1-H", IN, "PE 34:1");
	EXPECT("PS 40:1; [M-H]-@7.48", IN, "PS 40:1");
	EXPECT("CE(18:2); [M+NH4]+", IN, "SE 27:1/18:2");
	EXPECT("PC 34:1_RT 5.2", IN, "PC 34:1");
	EXPECT("PC 34:1 RT=5.21 min", IN, "PC 34:1");
	EXPECT("PC 34:1@5.21", IN, "PC 34:1");
	EXPECT("PC 34:1 (neg)", IN, "PC 34:1");
	EXPECT("PC 34:1 POS", IN, "PC 34:1");
	EXPECT("PC 34:1_neg", IN, "PC 34:1");
	EXPECT("PC 34:1(a)", IN, "PC 34:1");
	EXPECT("PC 34:1 isomer 2", IN, "PC 34:1");
	EXPECT("PC 34:1_1", IN, "PC 34:1");
	EXPECT("PC 34:1 (2)", IN, "PC 34:1");
	EXPECT("w/o MS2: PC 34:1", IN, "PC 34:1");
	EXPECT("  PC 34:1\t\r\n", IN, "PC 34:1");
	EXPECT("\xc2\xa0PC 34:1\xc2\xa0", IN, "PC 34:1");	/* no-break spaces */
	EXPECT("\xef\xbb\xbfPC 34:1", IN, "PC 34:1");	/* byte-order mark */
	EXPECT("PIP(3\xe2\x80\xb2) 16:0/18:1", IN, "PIP(3') 16:0/18:1");	/* prime */
	EXPECT("PC 34:1 [M+H]+ @5.2 (pos)", IN, "PC 34:1");
	/* not decorations */
	EXPECT_INVALID("PC 21:0+22:6", IN, "unexpected text");
	EXPECT_INVALID("DG  16:0-16:1", IN, "");	/* inner double space */
	/* isotope-labelled standards are not the endogenous lipid */
	EXPECT_INVALID("LPC 18:1(d7)", IN, "isotope-labelled");
	EXPECT_INVALID("15:0-18:1(d7) PE", IN, "isotope-labelled");
	EXPECT_INVALID("TAG(50:8)-13C30[M+Na]", IN, "isotope-labelled");
	EXPECT_INVALID("HexCer(+[13]C4) 18:1;2/16:0", IN, "isotope-labelled");
}

static void
test_rejections(void)
{
	EXPECT_INVALID("", IN, "empty");
	EXPECT_INVALID("   ", IN, "empty");
	EXPECT_INVALID("Glucose", IN, "unknown lipid class");
	EXPECT_INVALID("HMDB0000122", IN, "unknown lipid class");
	EXPECT_INVALID("xx2-34", IN, "unknown lipid class");
	EXPECT_INVALID("NA", IN, "without chains");
	EXPECT_INVALID("PC", IN, "without chains");
	EXPECT_INVALID("PC 34", IN, "carbons:double bonds");
	EXPECT_INVALID("PC 34:1:2", IN, "unexpected text");
	EXPECT_INVALID("PE 18:3:1-16:2", IN, "unexpected text");
	EXPECT_INVALID("PC 18:5:1", IN, "unexpected text");
	EXPECT_INVALID("PC 4:6", IN, "impossible");
	EXPECT_INVALID("PET 16:0-18:1", IN, "unknown lipid class");
	EXPECT_INVALID("MLL 18:1-18:1-18:1", IN, "unknown lipid class");
	EXPECT_INVALID("PC 16:0/18:1/18:2", IN, "too many");
	EXPECT_INVALID("TG 16:0_18:1", IN, "too few");
	EXPECT_INVALID("MAG 16:0-12:0", IN, "too many");
	EXPECT_INVALID("CDPDAG 18:1-18:1-18:1", IN, "too many");
	EXPECT_INVALID("LCB 17:1;2/6:0", IN, "too many");
	EXPECT_INVALID("PC 16:0/18:1_18:2", IN, "mixed chain separators");
	EXPECT_INVALID("CL 18:1/18:1-18:1-18:1", IN, "mixed chain separators");
	EXPECT_INVALID("Cer 18:1;2\\\\16:0", IN, "");
	EXPECT_INVALID("PE O18:0a-22:6", IN, "");
	EXPECT_INVALID("PC 16:0/18:1(9Z,12Z)", IN, "double-bond positions");
	EXPECT_INVALID("PC 16:0/18:1(19Z)", IN, "beyond the chain end");
	EXPECT_INVALID("PC(16:0/18:1", IN, "parenthesis");
	EXPECT_INVALID("FA 18:1;12XY", IN, "functional group");
	EXPECT_INVALID("PC 34:1", 9, "unknown lipid level");
	EXPECT_INVALID("PC\x01 34:1", IN, "control character");
	EXPECT_INVALID("PC 34:1\xc3\xa9", IN, "non-ASCII");
}

/* Inputs the fuzzer found (test/fuzz/fuzz_lipid.c); each broke the
 * "output normalizes to itself" invariant before it was fixed. */
static void
test_fuzz_findings(void)
{
	/* each chain under the 300-carbon limit, the species sum over it */
	EXPECT_INVALID("SM 282:1;2/20:0", IN, "implausible");
	EXPECT_INVALID("PG 0:0e", IN, "without carbons");
	EXPECT_INVALID("NAPE (17:0-0me/13:0-1me/12:0)", IN, "position");
	EXPECT_INVALID("GQ1-AS iso-09:1(8E);3OOH/24:0;2OH", IN, "chain end");
	EXPECT_INVALID("GA1-AS 18:1(8E);3OH/1:0", IN, "too short");
	EXPECT_INVALID("GA2 8:4;N(1:0)", IN, "hydroxylation");
	EXPECT_INVALID("CE iso-eO-6:0", IN, "ether");
	EXPECT_INVALID("PS-N(dO-6:0) 16:0/18:1", IN, "ether");
	EXPECT_INVALID("FA 18:0;9O(O-16:0)", IN, "ether");
	EXPECT("PE-N(FA 8:0) 30:5/0:0", IN, "LPE-N(FA 8:0) 30:5/0:0");
	EXPECT("PE-N(FA 8:0) 30:5/0:0", SPE, "LPE-N(FA) 38:5");
	EXPECT("LPE-N(FA) 38:5", IN, "LPE-N(FA) 38:5");
}

static void
test_api(void)
{
	char		out[NORM_OUT_MAX];
	char		small[8];
	const char *why = NULL;
	lipid_info	info;
	norm_status st;
	/* not NUL-terminated: only the first 7 bytes are the name */
	const char	buf[] = {'P', 'C', ' ', '3', '4', ':', '1', '(', 'x'};

	st = lipid_normalize(buf, 7, IN, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "PC 34:1") == 0 && why == NULL,
		  "reads exactly len bytes");

	st = lipid_normalize("PC 34:1", 7, IN, out, sizeof(out), NULL);
	CHECK(st == NORM_OK, "reason may be NULL");

	st = lipid_normalize("PC 16:0_18:1", 12, IN, small, sizeof(small), &why);
	CHECK(st == NORM_INVALID && small[0] == '\0' && why != NULL,
		  "too small an output buffer is refused, not overrun");
	st = lipid_normalize("PC 34:1", 7, IN, small, sizeof(small), &why);
	CHECK(st == NORM_OK && strcmp(small, "PC 34:1") == 0,
		  "an output that just fits is written");

	CHECK(lipid_level_from_name("species") == SPE, "level name species");
	CHECK(lipid_level_from_name("molecular_species") == MOL,
		  "level name molecular_species");
	CHECK(lipid_level_from_name("sn_position") == SN, "level name sn_position");
	CHECK(lipid_level_from_name("structure_defined") == STR,
		  "level name structure_defined");
	CHECK(lipid_level_from_name("Full_Structure") == FUL,
		  "level names ignore case");
	CHECK(lipid_level_from_name("input") == IN, "level name input");
	CHECK(lipid_level_from_name("bogus") == -1, "unknown level name");
	CHECK(lipid_level_from_name(NULL) == -1, "NULL level name");
	CHECK_STR(lipid_level_name(MOL), "molecular_species", "level name of MOL");
	CHECK_STR(lipid_level_name((lipid_level) 42), "unknown", "level name of 42");

	st = lipid_describe("PIP2(4',5') 16:0/18:1", 21, &info, &why);
	CHECK(st == NORM_OK && strcmp(info.class_name, "PIP2") == 0 &&
		  strcmp(info.category, "GP") == 0 && info.level == SN,
		  "describe: class, category, level");
	st = lipid_describe("Gal-Glc-Cer(1) 18:1(4E);3OH/16:0", 32, &info, &why);
	CHECK(st == NORM_OK && strcmp(info.class_name, "Hex2Cer") == 0 &&
		  strcmp(info.category, "SP") == 0 && info.level == FUL,
		  "describe: glycan class at species level");
	st = lipid_describe("12-HETE", 7, &info, &why);
	CHECK(st == NORM_OK && strcmp(info.class_name, "FA") == 0 &&
		  strcmp(info.category, "FA") == 0, "describe: mediator is FA");
	st = lipid_describe("SM C16:0", 8, &info, &why);
	CHECK(st == NORM_AMBIGUOUS && why != NULL &&
		  strcmp(info.class_name, "SM") == 0, "describe: ambiguous reading");
	st = lipid_describe("Glucose", 7, &info, &why);
	CHECK(st == NORM_INVALID && info.class_name[0] == '\0' &&
		  info.category == NULL && why != NULL, "describe: not a lipid");

	/* normalizing an output again changes nothing */
	{
		static const char *const names[] = {
			"PC(16:0/18:1(9Z))", "Cer(d18:1/16:0)", "PE P-16:0/18:1(9Z)",
			"CL(1'-[16:0/18:1],3'-[18:1/18:2])", "12-HETE", "CE 18:1",
			"TG 16:0;5O(FA 16:0)/18:1(9Z)/18:1(9Z)", "SM C16:0",
			"FA 20:0;[12-15Ocy5:2(12E,13E);13Me,14Me]",
			"ACer(FA 14:0)(1) 18:1(4E);3OH/16:0"
		};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			for (int l = IN; l <= FUL; l++)
			{
				char		again[NORM_OUT_MAX];

				st = lipid_normalize(names[i], strlen(names[i]), l, out,
									 sizeof(out), &why);
				if (st == NORM_INVALID)
					continue;
				lipid_normalize(out, strlen(out), l, again, sizeof(again),
								&why);
				CHECK(strcmp(out, again) == 0, "'%s' at %s is a fixed point",
					  out, lipid_level_name(l));
			}
	}
}

int
main(void)
{
	test_levels();
	test_sphingolipids();
	test_classes();
	test_dialects();
	test_msdial();
	test_decorations();
	test_rejections();
	test_fuzz_findings();
	test_api();
	return unit_done();
}
