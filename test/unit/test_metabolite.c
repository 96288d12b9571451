/*
 * test_metabolite.c - unit tests of metabolite_normalize()
 * (src/core/metabolite.c, src/core/metabolite_table.c).
 *
 * Expected outputs are written by hand from the identifier formats of
 * omics.md §2 (HMDB, KEGG, ChEBI, LIPID MAPS, InChIKey, PubChem, CAS with
 * its check digit) and the naming decisions of metabolite.h (RefMet-style
 * acid names, natural configuration dropped, Greek letters spelled out).
 * The names of the real files in shared/data/omics-samples/metabolomics/
 * (RefMet's messy list, MTBLS1, MTBLS263, the ST000122 mwTab) are all run
 * through the normalizer at the end.
 */
#include <stdlib.h>

#include "metabolite.h"
#include "metabolite_table.h"
#include "unit_norm.h"


static void
expect(const char *in, norm_status want_status, const char *want)
{
	(void) unit_expect_norm("metabolite", metabolite_normalize, in, want_status, want);
}

/* Two spellings must give the same key. */
static void
same(const char *a, const char *b)
{
	char		oa[NORM_OUT_MAX];
	char		ob[NORM_OUT_MAX];

	metabolite_normalize(a, strlen(a), oa, sizeof(oa), NULL);
	metabolite_normalize(b, strlen(b), ob, sizeof(ob), NULL);
	unit_report(strcmp(oa, ob) == 0 && oa[0] != '\0', __FILE__, __LINE__,
				"\"%s\" and \"%s\" normalize alike (%s / %s)", a, b, oa, ob);
}

static void
test_ids(void)
{
	NOTE("database identifiers, printed canonically");
	expect("HMDB0000122", NORM_OK, "HMDB0000122");
	expect("HMDB00122", NORM_OK, "HMDB0000122");	/* legacy 5 digits */
	expect("hmdb00122", NORM_OK, "HMDB0000122");
	expect("HMDB:HMDB00122", NORM_OK, "HMDB0000122");
	expect("HMDB 0000122", NORM_OK, "HMDB0000122");
	expect("HMDB12345678", NORM_INVALID, "");
	expect("C00031", NORM_OK, "C00031");
	expect("c00031", NORM_OK, "C00031");
	expect("cpd:C00031", NORM_OK, "C00031");
	expect("KEGG:C00031", NORM_OK, "C00031");
	expect("D00001", NORM_OK, "D00001");
	expect("CHEBI:17234", NORM_OK, "CHEBI:17234");
	expect("ChEBI:17234", NORM_OK, "CHEBI:17234");
	expect("chebi:017234", NORM_OK, "CHEBI:17234");
	expect("CHEBI17234", NORM_OK, "CHEBI:17234");
	expect("CHEBI:0", NORM_INVALID, "");
	expect("LMFA01010001", NORM_OK, "LMFA01010001");
	expect("LM:LMSP02010012", NORM_OK, "LMSP02010012");	/* mzTab-M form */
	expect("lmsp0501ab02", NORM_OK, "LMSP0501AB02");
	expect("InChIKey=WQZGKKKJIJFFOK-GASJEMHNSA-N", NORM_OK, "WQZGKKKJIJFFOK-GASJEMHNSA-N");
	expect("wqzgkkkjijffok-gasjemhnsa-n", NORM_OK, "WQZGKKKJIJFFOK-GASJEMHNSA-N");
	expect("CID442840", NORM_OK, "CID:442840");	/* RefMet dump form */
	expect("PubChem:5793", NORM_OK, "CID:5793");
	expect("CAS:50-99-7", NORM_OK, "CAS:50-99-7");	/* D-glucose */
	expect("50-99-7", NORM_OK, "CAS:50-99-7");
	expect("CAS:50-99-8", NORM_INVALID, "");	/* wrong check digit */
	expect("7732-18-5", NORM_OK, "CAS:7732-18-5");	/* water */
	expect("SLM:000000001", NORM_OK, "SLM:000000001");
	expect("RM0000001", NORM_OK, "RM0000001");

	NOTE("a bare number names no database: flagged, kept");
	expect("99463", NORM_AMBIGUOUS, "99463");	/* RefMet list */
	expect("344", NORM_AMBIGUOUS, "344");	/* MTBLS1 database_identifier */

	NOTE("an id in front of a name: the name is the key (origin.md §9.3)");
	expect("HMDB:12345 Glutamine", NORM_OK, "Glutamine");
	expect("KEGG:C00064 Glutamine", NORM_OK, "Glutamine");
	expect("CHEBI:12345 Glutamine", NORM_OK, "Glutamine");
	expect("HMDB:12345 L-glutamate", NORM_OK, "Glutamic acid");
	expect("KEGG:C00025 Citrate", NORM_OK, "Citric acid");
	expect("123 Metabolite", NORM_OK, "123 Metabolite");	/* decision: locants kept */
}

static void
test_names(void)
{
	NOTE("acid and anion forms give one key (RefMet: the acid)");
	expect("lactate", NORM_OK, "Lactic acid");
	expect("lactic acid", NORM_OK, "Lactic acid");
	expect("Lactic Acid", NORM_OK, "Lactic acid");
	expect("LACTIC ACID", NORM_OK, "Lactic acid");
	expect("citrate", NORM_OK, "Citric acid");
	expect("CITRATE", NORM_OK, "Citric acid");
	expect("citric acid", NORM_OK, "Citric acid");
	expect("glutamate", NORM_OK, "Glutamic acid");
	expect("GLUTAMIC ACID", NORM_OK, "Glutamic acid");
	expect("urate", NORM_OK, "Uric acid");
	expect("pyruvate", NORM_OK, "Pyruvic acid");
	expect("4-hydroxyphenylpyruvate", NORM_OK, "4-Hydroxyphenylpyruvic acid");	/* RefMet README */
	expect("3-hydroxybutyrate", NORM_OK, "3-Hydroxybutyric acid");
	expect("hexanoate", NORM_OK, "Hexanoic acid");
	expect("Tartrate", NORM_OK, "Tartaric acid");
	expect("myristate (14:0)", NORM_OK, "Myristic acid (14:0)");
	expect("indoxyl sulfate", NORM_OK, "Indoxyl sulfate");	/* not a carboxylate */
	expect("Glucose 6-phosphate", NORM_OK, "Glucose 6-phosphate");
	expect("methyl acetate", NORM_OK, "Methyl acetate");	/* ester */
	expect("sodium butyrate", NORM_OK, "Sodium butyrate");	/* salt */
	expect("methyl N-acetylvalinate", NORM_OK, "Methyl N-acetylvalinate");	/* MTBLS1 */

	NOTE("configuration: natural form dropped, the other kept");
	expect("L-Glutamine", NORM_OK, "Glutamine");
	expect("L-Serine", NORM_OK, "Serine");
	expect("L-Histidine", NORM_OK, "Histidine");
	expect("l-glutamate", NORM_OK, "Glutamic acid");
	expect("L-Lactate", NORM_OK, "Lactic acid");	/* decision; original kept L- */
	expect("D-Lactate", NORM_OK, "D-Lactic acid");
	expect("DL-lactate", NORM_OK, "DL-Lactic acid");
	expect("D-Serine", NORM_OK, "D-Serine");
	expect("D-Glucose", NORM_OK, "Glucose");
	expect("d-glucose", NORM_OK, "Glucose");
	expect("L-Glucose", NORM_OK, "L-Glucose");
	expect("L-2-hydroxyglutarate", NORM_OK, "L-2-Hydroxyglutaric acid");
	expect("D-2-hydroxyglutarate", NORM_OK, "D-2-Hydroxyglutaric acid");
	expect("2-hydroxyglutarate", NORM_OK, "2-Hydroxyglutaric acid");
	expect("(S)-lactate", NORM_OK, "(S)-Lactic acid");
	expect("D-Mannonate", NORM_OK, "D-Mannonic acid");	/* not in the table: kept */
	expect("N-acetyl-L-aspartate", NORM_OK, "N-Acetylaspartic acid");
	expect("S-adenosyl-L-methionine", NORM_OK, "S-Adenosylmethionine");
	expect("Octenoyl-L-carnitine", NORM_OK, "Octenoylcarnitine");
	expect("2-Amino-2-deoxy-D-mannose", NORM_OK, "Mannosamine");
	expect("alpha-D-glucose", NORM_OK, "alpha-Glucose");
	expect("L_Glutamic_acid", NORM_OK, "Glutamic acid");
	same("L-glutamic acid", "glutamate");
	same("Glu", "L-Glutamate");
	same("D-glucose 6-phosphate", "glucose-6-phosphate");

	NOTE("Greek letters spelled out, Latin stand-ins read");
	expect("alpha-ketoglutarate", NORM_OK, "2-Oxoglutaric acid");
	expect("\xCE\xB1-ketoglutarate", NORM_OK, "2-Oxoglutaric acid");
	expect("\xCE\xB2-alanine", NORM_OK, "beta-Alanine");
	expect("\xC3\x9F-Alanine", NORM_OK, "beta-Alanine");	/* sharp s for beta */
	expect("b-hydroxybutyrate", NORM_OK, "3-Hydroxybutyric acid");	/* MTBLS1 */
	expect("\xCE\xB3-aminobutyrate", NORM_OK, "gamma-Aminobutyric acid");
	expect("a-Hydroxy-n-butyrate", NORM_OK, "alpha-Hydroxy-n-butyric acid");	/* MTBLS1 */
	expect("5\xCE\xB1-dihydrotestosterone", NORM_OK, "5alpha-Dihydrotestosterone");
	expect("\xCE\x94" "9-THC", NORM_OK, "delta9-THC");

	NOTE("case where it carries meaning");
	expect("cAMP", NORM_OK, "cAMP");
	expect("CAMP", NORM_OK, "cAMP");	/* in a metabolite column */
	expect("NAD+", NORM_OK, "NAD+");	/* the + is the oxidised form, not a charge */
	expect("NADH", NORM_OK, "NADH");
	expect("ATP", NORM_OK, "ATP");
	expect("Adenosine triphosphate", NORM_OK, "ATP");	/* RefMet README */
	expect("adenosine 5'-triphosphate", NORM_OK, "ATP");
	expect("Adenosine-5\xE2\x80\xB2-triphosphate", NORM_OK, "ATP");	/* prime */
	expect("HEPES", NORM_OK, "HEPES");
	expect("N-acetylaspartate", NORM_OK, "N-Acetylaspartic acid");
	expect("N-ACETYLASPARTATE", NORM_OK, "N-Acetylaspartic acid");
	expect("n-butyrate", NORM_OK, "n-Butyric acid");	/* n- = normal chain */
	expect("N,N-dimethylglycine", NORM_OK, "N,N-Dimethylglycine");
	expect("myo-Inositol", NORM_OK, "myo-Inositol");
	expect("MYO-INOSITOL", NORM_OK, "myo-Inositol");
	expect("cis-aconitate", NORM_OK, "cis-Aconitic acid");
	expect("sn-glycero-3-phosphocholine", NORM_OK, "sn-Glycero-3-phosphocholine");
	expect("17-HYDROXYPROGESTERONE", NORM_OK, "17-Hydroxyprogesterone");
	expect("Vitamin B12", NORM_OK, "Vitamin B12");
	expect("Vitamin B-12", NORM_OK, "Vitamin B-12");	/* original: "Vitamin B" */
	expect("Interleukin-6", NORM_OK, "Interleukin-6");	/* original: "Interleukin" */
	expect("1-Aminocyclopropanecarboxylic acid", NORM_OK, "1-Aminocyclopropanecarboxylic acid");
	expect("Cer(d18:1/16:0)", NORM_OK, "Cer(d18:1/16:0)");

	NOTE("abbreviations");
	expect("Asn", NORM_OK, "Asparagine");	/* RefMet README */
	expect("gln", NORM_OK, "Glutamine");
	expect("glu", NORM_OK, "Glutamic acid");
	expect("GLU", NORM_OK, "Glutamic acid");
	expect("MET", NORM_OK, "Methionine");
	expect("GABA", NORM_OK, "gamma-Aminobutyric acid");
	expect("TMAO", NORM_OK, "Trimethylamine N-oxide");
	expect("acetyl coenzyme A", NORM_OK, "Acetyl-CoA");
	expect("2'-Deoxyuridine", NORM_OK, "Deoxyuridine");	/* RefMet README */
}

static void
test_decorations(void)
{
	NOTE("hazard 21: adducts, charges, RT, polarity removed");
	expect("Serine [M+H]+", NORM_OK, "Serine");
	expect("Glucose [M-H]-", NORM_OK, "Glucose");
	expect("Glucose [M+Na]", NORM_OK, "Glucose");
	expect("Glucose [M+Na]+", NORM_OK, "Glucose");
	expect("Glucose [M-H]1-", NORM_OK, "Glucose");
	expect("Glucose [2M+H]+", NORM_OK, "Glucose");
	expect("Glucose M+Na", NORM_OK, "Glucose");
	expect("Glucose M+H", NORM_OK, "Glucose");
	expect("Glucose +Na", NORM_OK, "Glucose");
	expect("Glucose (M+H)+", NORM_OK, "Glucose");
	expect("Glucose; [M-H]-", NORM_OK, "Glucose");
	expect("Glucose @ 5.2 min", NORM_OK, "Glucose");
	expect("Citrate (pos)", NORM_OK, "Citric acid");
	expect("Citrate(neg)", NORM_OK, "Citric acid");
	expect("Glucose NEG", NORM_OK, "Glucose");
	expect("Metabolite (pos)", NORM_OK, "Metabolite");	/* origin.md §9.3 */
	expect("PIPES [M-H]-", NORM_OK, "PIPES");	/* MTBLS263 */
	expect("PS 40:1; [M-H]-@7.48", NORM_OK, "PS 40:1");	/* RefMet list */
	expect("SM 34:2; [M]+@5.65", NORM_OK, "SM 34:2");
	expect("PC 35:2; [M-Ac-H]-", NORM_OK, "PC 35:2");
	expect("PE-pmg(40:6)-13C0[+NH4]+", NORM_OK, "PE-pmg(40:6)-13C0");
	expect("[M+H]+", NORM_INVALID, "");

	NOTE("isomer counters and low-confidence markers: removed, flagged");
	expect("N,N,N-Trimethyllysine_R2", NORM_AMBIGUOUS, "N,N,N-Trimethyllysine");
	expect("Glucose_1", NORM_AMBIGUOUS, "Glucose");
	expect("Glucose (2)", NORM_AMBIGUOUS, "Glucose");
	expect("Glucose isomer 2", NORM_AMBIGUOUS, "Glucose");
	expect("w/o MS2: Glucose", NORM_AMBIGUOUS, "Glucose");
	expect("low score: Taurine", NORM_AMBIGUOUS, "Taurine");
	expect("mhppa sulphate?", NORM_AMBIGUOUS, "Mhppa sulphate");	/* MTBLS1 */

	NOTE("hazards 1, 2, 10, 23: bytes, missing values, unknowns");
	expect("  taurine  ", NORM_OK, "Taurine");
	expect("\xEF\xBB\xBFGlucose", NORM_OK, "Glucose");
	expect("\xE2\x80\x9CGlucose\xE2\x80\x9D", NORM_OK, "Glucose");
	expect("Glucose\xC2\xA0", NORM_OK, "Glucose");
	expect("Glycocholic\xC2\xA0\xC2\xA0 acid", NORM_OK, "Glycocholic acid");
	expect("3\xE2\x80\xB2,5\xE2\x80\xB2-cyclic AMP", NORM_OK, "cAMP");
	expect("2\xE2\x80\x93hydroxyglutarate", NORM_OK, "2-Hydroxyglutaric acid");	/* en dash */
	expect("NA", NORM_INVALID, "");
	expect("n.d.", NORM_INVALID, "");
	expect("<LOD", NORM_INVALID, "");
	expect("", NORM_INVALID, "");
	expect("   ", NORM_INVALID, "");
	expect("unknown", NORM_INVALID, "");
	expect("Unknown_d_5.11", NORM_INVALID, "");	/* MTBLS1 */
	expect("unknown_s_2.05_NA-group", NORM_INVALID, "");
	expect("12.5", NORM_INVALID, "");
	expect("Glu\xC3", NORM_INVALID, "");
	expect("Glu\x01", NORM_INVALID, "");
	expect("Creatinine | Creatine", NORM_AMBIGUOUS, "Creatinine");
	expect("CHEBI:16737 | CHEBI:16737", NORM_OK, "CHEBI:16737");
}

/* The names of the real sample files, with what they should give. */
static void
test_sample_files(void)
{
	static const char *const refmet[][2] = {
		/* shared/data/omics-samples/metabolomics/refmet_met_list.txt */
		{"2'-Deoxyuridine", "Deoxyuridine"},
		{"4-hydroxyphenylpyruvate", "4-Hydroxyphenylpyruvic acid"},
		{"acetylcarnitine", "Acetylcarnitine"},
		{"Acylcarnitine (C10:0) [M+H]+", "Acylcarnitine (C10:0)"},
		{"Adenosine triphosphate", "ATP"},
		{"Asn", "Asparagine"},
		{"Butyrylcarnitine", "Butyrylcarnitine"},
		{"C16:1 SM", "C16:1 SM"},
		{"C32:0 PC", "C32:0 PC"},
		{"PC(56:8) ", "PC(56:8)"},
		{"PC C36:4", "PC C36:4"},
		{"CE(18:2); [M+NH4]+", "CE(18:2)"},
		{"CE(23:0) [M+NH4]+", "CE(23:0)"},
		{"Cer(15:0)", "Cer(15:0)"},
		{"Ceramide d18:0/26:2", "Ceramide d18:0/26:2"},
		{"DAG C36:3", "DAG C36:3"},
		{"DAG(44:7) [M+H]", "DAG(44:7)"},
		{"Decanoic acid", "Decanoic acid"},
		{"D-Mannonate", "D-Mannonic acid"},
		{"Eicosanoic acid", "Eicosanoic acid"},
		{"Erucamide", "Erucamide"},
		{"FA(16:0)", "FA(16:0)"},
		{"test_nomatch", "Test nomatch"},
		{"indolepropionate", "Indolepropionic acid"},
		{"Isovalerylcarnitine", "Isovalerylcarnitine"},
		{"Leucyl-Glycine", "Leucyl-glycine"},
		{"L-Histidine", "Histidine"},
		{"lysoPC 16:0; [M+Na]+", "lysoPC 16:0"},
		{"malate", "Malic acid"},
		{"myristate (14:0)", "Myristic acid (14:0)"},
		{"Octenoyl-L-carnitine", "Octenoylcarnitine"},
		{"PA(34:1)", "PA(34:1)"},
		{"palmitoyl sphingomyelin", "Palmitoyl sphingomyelin"},
		{"PE 38:5 [M-H]-", "PE 38:5"},
		{"PE(26:0e)", "PE(26:0e)"},
		{"PE(39:4) [M-H]-", "PE(39:4)"},
		{"PE(aa-40:4)", "PE(aa-40:4)"},
		{"Petroselinic acid", "Petroselinic acid"},
		{"Phosphatidylcholine acyl-alkyl C36:0", "Phosphatidylcholine acyl-alkyl C36:0"},
		{"Plasmanyl-PC(O-16:0/22:4)", "Plasmanyl-PC(O-16:0/22:4)"},
		{"PS 37:4; [M-H]-", "PS 37:4"},
		{"Sphingomyelin d18:0/24:0 [M+Na]", "Sphingomyelin d18:0/24:0"},
		{"SQDG 43:1", "SQDG 43:1"},
		{"stearidonate (18:4n3)", "Stearidonic acid (18:4n3)"},
		{"TAG(50:8)-13C30[M+Na]", "TAG(50:8)-13C30"},
		{"TAG(54:3)-13C1[M+Na]", "TAG(54:3)-13C1"},
		{"taurine", "Taurine"},
		{"taurocholate", "Taurocholic acid"},
		{"TG(16:1_17:0_18:1)", "TG(16:1_17:0_18:1)"},
		{"TG(aaa-52:7)", "TG(aaa-52:7)"},
		{"Trilauroyl-glycerol", "Trilauroyl-glycerol"},
		{"urate", "Uric acid"},
		{"xanthine", "Xanthine"},
		{"xylonate", "Xylonic acid"},
		{"HMDB0000012", "HMDB0000012"},
		{"C00152", "C00152"},
		{"C00422", "C00422"},
		{"LMFA03010001", "LMFA03010001"},
		{"CHEBI:23966", "CHEBI:23966"},
		/* MTBLS1 NMR MAF (lower-case, Latin a-/b- for Greek) */
		{"acetoacetate", "Acetoacetic acid"},
		{"b-aminoisobutyrate", "beta-Aminoisobutyric acid"},
		{"b-hydroxy-n-butyrate", "3-Hydroxybutyric acid"},
		{"3,4-dihydroxymandelate", "3,4-Dihydroxymandelic acid"},
		{"ketoglutarate", "2-Oxoglutaric acid"},
		{"oxalacetate", "Oxaloacetic acid"},
		{"n-methylnicotinate", "n-Methylnicotinic acid"},
		{"N-acetylglutamate", "N-Acetylglutamic acid"},
		{"dimethylglycine", "N,N-Dimethylglycine"},
		{"indoxyl sulphate", "Indoxyl sulphate"},
		{"Uridine", "Uridine"},
		{"uridine", "Uridine"},
		/* ST000122 mwTab steroid panel */
		{"17-hydroxypregnenolone", "17-Hydroxypregnenolone"},
		{"Androstenolone (DHEA)", "Androstenolone (DHEA)"},
		{"Corticosterone_ DOC", "Corticosterone DOC"},
		{"Corticosterone, DOC", "Corticosterone, DOC"},
		{"Estradiol", "Estradiol"},
		/* MTBLS263 mzTab-M */
		{"Urate", "Uric acid"},
		{"Glycerol-2-phosphate", "Glycerol-2-phosphate"},
		{"UMP", "UMP"},
		{"GDP", "GDP"},
		{"myo-Inositol", "myo-Inositol"},
		/* MTBLS664 Biocrates */
		{"C3-DC (C4-OH)", "C3-DC (C4-OH)"},
		{"lysoPC a C16:0", "lysoPC a C16:0"},
		{"PC aa C36:2", "PC aa C36:2"},
		{"SM (OH) C22:1", "SM (OH) C22:1"},
	};
	size_t		i;

	NOTE("real names from shared/data/omics-samples/metabolomics/");
	for (i = 0; i < sizeof(refmet) / sizeof(refmet[0]); i++)
		expect(refmet[i][0], NORM_OK, refmet[i][1]);
}

static void
test_table(void)
{
	const met_entry *e;
	size_t		i;
	char		out[NORM_OUT_MAX];
	int			bad_canon = 0;
	int			bad_key = 0;

	NOTE("synonym table: every canonical name and every key maps to the canonical");
	for (i = 0; (e = met_table_entry(i)) != NULL; i++)
	{
		metabolite_normalize(e->canonical, strlen(e->canonical), out, sizeof(out), NULL);
		if (strcmp(out, e->canonical) != 0)
		{
			NOTE("canonical %s -> %s", e->canonical, out);
			bad_canon++;
		}
		metabolite_normalize(e->key, strlen(e->key), out, sizeof(out), NULL);
		if (strcmp(out, e->canonical) != 0)
		{
			NOTE("key %s -> %s (want %s)", e->key, out, e->canonical);
			bad_key++;
		}
	}
	CHECK(i > 100, "the table has %zu entries", i);
	CHECK(bad_canon == 0, "canonical names are fixed points (%d bad)", bad_canon);
	CHECK(bad_key == 0, "keys normalize to their canonical name (%d bad)", bad_key);
}

static void
test_contract(void)
{
	char		out[NORM_OUT_MAX];
	char		small[5];
	char		big[NORM_OUT_MAX * 3];
	const char *why;
	norm_status st;

	st = metabolite_normalize("GlucoseXYZ", 7, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "Glucose") == 0, "reads only len bytes");
	st = metabolite_normalize("Glucose", 7, small, sizeof(small), &why);
	CHECK(st == NORM_INVALID && small[0] == '\0', "small buffer");
	st = metabolite_normalize(NULL, 0, out, sizeof(out), NULL);
	CHECK(st == NORM_INVALID && out[0] == '\0', "NULL name");
	memset(big, 'a', sizeof(big));
	st = metabolite_normalize(big, sizeof(big), out, sizeof(out), &why);
	CHECK(st == NORM_INVALID, "over-long name");
	/* Greek letters grow: 250 alphas are 500 bytes in, 1250 out */
	for (size_t i = 0; i < 250; i++)
		memcpy(big + 2 * i, "\xCE\xB1", 2);
	st = metabolite_normalize(big, 500, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0', "a name that grows past NORM_OUT_MAX");
}

/* Only the invariants: accepted, and normalizing again changes nothing. */
static void
stable(const char *in)
{
	char		out[NORM_OUT_MAX];
	char		again[NORM_OUT_MAX];
	norm_status st;

	st = metabolite_normalize(in, strlen(in), out, sizeof(out), NULL);
	metabolite_normalize(out, strlen(out), again, sizeof(again), NULL);
	CHECK(st != NORM_INVALID && strcmp(out, again) == 0, "stable: \"%s\" -> \"%s\" -> \"%s\"",
		  in, out, again);
}

/* Inputs the fuzzer (test/fuzz/fuzz_identifiers.c) once broke. */
static void
test_fuzz_regressions(void)
{
	char		longer[200];

	NOTE("fuzz regressions: quotes and decorations that surface late");
	expect("\"TP\xE2\x80\x9D", NORM_OK, "TP");	/* a quote that is one after mapping */
	expect("\"Glucose\" [M+H]+", NORM_OK, "Glucose");
	expect("REVB3-__P49626;P10664", NORM_OK, "REVB3- P49626;P10664");	/* underscore runs */
	expect("HMDB00000,", NORM_INVALID, "");	/* HMDB0000000 is no accession */
	expect("CHEBI:16737 (16:1_1:16737", NORM_OK, "Chebi:16737 (16:1_1:16737");	/* no name after the id */
	expect("PS 40:1; [1rev_1M-H48", NORM_OK, "PS 40:1; [1rev");	/* an adduct word after '_' */
	expect(",:dL-MMMMMMMMM((M:)", NORM_OK, ",:DL-Mmmmmmmmm((M:)");	/* dL- made the name all caps */
	expect("cid3_CAS:HWM1icid3_HWMA", NORM_OK, "Cid3 CAS:HWM1icid3 HWMA");	/* a malformed id after an id */
	expect("HMDB:1 HMDB:2 Glutamine", NORM_OK, "Glutamine");	/* ids before a name, twice */
	expect("G +na", NORM_OK, "G");
	stable("CHEBI168 w/o MS2:   ! CI336");	/* an id before a quality prefix */	/* capitalisation would make +na an adduct */
	snprintf(longer, sizeof(longer), "PS 40:1;40:1; [%s%s%s", "111111111111111111111111111111111111111111111111111111111111",
			 "rev_", "1111111111111111M-H48");
	stable(longer);
}

int
main(void)
{
	test_ids();
	test_names();
	test_decorations();
	test_sample_files();
	test_table();
	test_contract();
	test_fuzz_regressions();

	CHECK(metabolite_evidence("HMDB0000122", 11) == IDENT_STRONG, "id: strong evidence");
	CHECK(metabolite_evidence("Taurine", 7) == IDENT_NAME, "Taurine: a name");
	CHECK(metabolite_evidence("GLU", 3) == IDENT_NAME, "GLU: a name (no gene is called GLU)");
	CHECK(metabolite_evidence("MET", 3) == IDENT_NONE, "MET: the gene symbol wins in capitals");
	CHECK(metabolite_evidence("Met", 3) == IDENT_NAME, "Met: the amino acid");
	CHECK(metabolite_evidence("TP53", 4) == IDENT_NONE, "TP53: nothing chemical");
	CHECK(metabolite_evidence("Actb", 4) == IDENT_NONE, "Actb: nothing chemical");
	CHECK(metabolite_evidence("Serpine1", 8) == IDENT_NONE, "Serpine1: a mouse gene");
	CHECK(metabolite_evidence("99463", 5) == IDENT_NONE, "a bare number: no evidence");
	return unit_done();
}
