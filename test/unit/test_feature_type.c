/*
 * test_feature_type.c - unit tests of feature_type_infer() and
 * feature_normalize() (src/core/feature_type.c).
 *
 * The precedence is the one documented in feature_type.h.  Lipid cases are
 * names any parser of the 2020 shorthand and LIPID MAPS common names must
 * accept (omics.md §1), so the tests hold whatever lipid.c adds later.
 * The original system's observed inferences (origin.md §3.2) are repeated
 * where they were right; its mistakes are marked "original:".
 */
#include <stdlib.h>

#include "feature_type.h"
#include "unit.h"

static const char *
kind_name(feature_kind k)
{
	switch (k)
	{
		case FEATURE_GENE:
			return "gene";
		case FEATURE_PROTEIN:
			return "protein";
		case FEATURE_METABOLITE:
			return "metabolite";
		case FEATURE_LIPID:
			return "lipid";
		case FEATURE_UNKNOWN:
			break;
	}
	return "unknown";
}

/*
 * Check the inferred kind, and that the normalizer of that kind accepts
 * the name (the promise of feature_type.h).
 */
static void
expect(const char *in, feature_kind want)
{
	feature_kind got = feature_type_infer(in, strlen(in));
	char		out[NORM_OUT_MAX];
	const char *why = NULL;

	unit_report(got == want, __FILE__, __LINE__, "\"%s\" is a %s (got %s)",
				in, kind_name(want), kind_name(got));
	if (got != FEATURE_UNKNOWN && got != FEATURE_LIPID)
	{
		norm_status st = feature_normalize(got, in, strlen(in), out, sizeof(out), &why);

		unit_report(st != NORM_INVALID ||
					(why != NULL && (strncmp(why, "decoy", 5) == 0 ||
									 strncmp(why, "contaminant", 11) == 0)),
					__FILE__, __LINE__, "\"%s\" normalizes as a %s%s%s", in,
					kind_name(got), why ? ": " : "", why ? why : "");
	}
}

static void
test_inference(void)
{
	NOTE("proteins");
	expect("P04637", FEATURE_PROTEIN);	/* original: gene */
	expect("p04637", FEATURE_PROTEIN);
	expect("Q9Y6K9", FEATURE_PROTEIN);
	expect("P04637-2", FEATURE_PROTEIN);
	expect("A0A023GPI8", FEATURE_PROTEIN);
	expect("sp|P04637|P53_HUMAN", FEATURE_PROTEIN);
	expect("tr|A0A024R161|A0A024R161_HUMAN", FEATURE_PROTEIN);
	expect("P53_HUMAN", FEATURE_PROTEIN);
	expect("TP53_HUMAN", FEATURE_PROTEIN);
	expect("P04637;P04637-2;Q9Y6K9", FEATURE_PROTEIN);
	expect("REV__P32599", FEATURE_PROTEIN);
	expect("CON__P02769", FEATURE_PROTEIN);
	expect("P02768ups;CON__P02768-1", FEATURE_PROTEIN);
	expect("ENSP00000269305", FEATURE_PROTEIN);
	expect("NP_000537.3", FEATURE_PROTEIN);

	NOTE("genes");
	expect("TP53", FEATURE_GENE);
	expect("tp53", FEATURE_GENE);
	expect("SOD1", FEATURE_GENE);
	expect("ALB", FEATURE_GENE);
	expect("TNF", FEATURE_GENE);
	expect("MAPK1", FEATURE_GENE);
	expect("GFAP", FEATURE_GENE);
	expect("TUBB3", FEATURE_GENE);
	expect("APOE", FEATURE_GENE);
	expect("NKX2-1", FEATURE_GENE);
	expect("HLA-A", FEATURE_GENE);
	expect("C9orf72", FEATURE_GENE);	/* original: protein */
	expect("Actb", FEATURE_GENE);
	expect("Trp53", FEATURE_GENE);
	expect("NfL", FEATURE_GENE);
	expect("ENSG00000141510", FEATURE_GENE);
	expect("ENSG00000141510.17", FEATURE_GENE);
	expect("ENST00000269305.9", FEATURE_GENE);
	expect("ENSMUSG00000059552", FEATURE_GENE);
	expect("NM_000546.5", FEATURE_GENE);
	expect("HGNC:11998", FEATURE_GENE);
	expect("GeneID:7157", FEATURE_GENE);
	expect("1-Sep", FEATURE_GENE);
	expect("2001-09-01", FEATURE_GENE);
	expect("1-Mar", FEATURE_GENE);
	expect("SEPT7", FEATURE_GENE);
	expect("RP11-357D18.1", FEATURE_GENE);
	expect("TP53 /// MDM2", FEATURE_GENE);

	NOTE("ambiguous names: documented choices");
	expect("CAT", FEATURE_GENE);	/* catalase; no metabolite is called CAT */
	expect("MET", FEATURE_GENE);	/* the MET gene; "Met" is methionine */
	expect("TYR", FEATURE_GENE);
	expect("CAMP", FEATURE_GENE);	/* cathelicidin; "cAMP" is the metabolite */
	expect("Met", FEATURE_METABOLITE);
	expect("GLU", FEATURE_METABOLITE);	/* no HGNC symbol GLU */
	expect("B3GAT1", FEATURE_PROTEIN);	/* a symbol that fits the accession pattern */
	expect("7157", FEATURE_UNKNOWN);	/* NCBI Gene, PubChem or ChEBI? */
	expect("99463", FEATURE_UNKNOWN);
	expect("4-Oct", FEATURE_UNKNOWN);	/* OCT4 lost to a spreadsheet */

	NOTE("metabolites");
	expect("Glutamate", FEATURE_METABOLITE);
	expect("glucose", FEATURE_METABOLITE);
	expect("Serine", FEATURE_METABOLITE);
	expect("Citrate", FEATURE_METABOLITE);
	expect("Lactate", FEATURE_METABOLITE);
	expect("Taurine", FEATURE_METABOLITE);	/* original: gene */
	expect("TAURINE", FEATURE_METABOLITE);
	expect("HMDB0000148", FEATURE_METABOLITE);
	expect("HMDB00148", FEATURE_METABOLITE);
	expect("C00025", FEATURE_METABOLITE);
	expect("CHEBI:16015", FEATURE_METABOLITE);
	expect("LMFA01010001", FEATURE_METABOLITE);
	expect("InChIKey=WQZGKKKJIJFFOK-GASJEMHNSA-N", FEATURE_METABOLITE);
	expect("CID:5793", FEATURE_METABOLITE);
	expect("50-99-7", FEATURE_METABOLITE);
	expect("ATP", FEATURE_METABOLITE);
	expect("cAMP", FEATURE_METABOLITE);
	expect("NAD+", FEATURE_METABOLITE);
	expect("Asn", FEATURE_METABOLITE);
	expect("Adenosine triphosphate", FEATURE_METABOLITE);
	expect("17-hydroxyprogesterone", FEATURE_METABOLITE);
	expect("2'-Deoxyuridine", FEATURE_METABOLITE);
	expect("N-acetylaspartate", FEATURE_METABOLITE);
	expect("L-Glutamine", FEATURE_METABOLITE);
	expect("alpha-ketoglutarate", FEATURE_METABOLITE);
	expect("\xCE\xB2-alanine", FEATURE_METABOLITE);
	expect("myo-Inositol", FEATURE_METABOLITE);
	expect("Serine [M+H]+", FEATURE_METABOLITE);
	expect("PIPES [M-H]-", FEATURE_METABOLITE);
	expect("xylonate", FEATURE_METABOLITE);
	expect("Decanoic acid", FEATURE_METABOLITE);
	expect("Testosterone", FEATURE_METABOLITE);
	expect("Serpine1", FEATURE_GENE);	/* a mouse gene, however it ends */

	NOTE("lipids (whatever lipid_input_level() accepts)");
	expect("Cer(d18:1/16:0)", FEATURE_LIPID);
	expect("SM(d18:1/24:1)", FEATURE_LIPID);
	expect("LPC(16:0)", FEATURE_LIPID);
	expect("PC 34:1", FEATURE_LIPID);
	expect("PC 16:0/18:1", FEATURE_LIPID);
	expect("PC(16:0/18:1(9Z))", FEATURE_LIPID);
	expect("TG 16:0_18:1_18:2", FEATURE_LIPID);
	expect("FA 16:0", FEATURE_LIPID);
	expect("SM 24:1;O2", FEATURE_LIPID);
	expect("Cer 18:1;O2/16:0", FEATURE_LIPID);

	NOTE("not a kind");
	expect("", FEATURE_UNKNOWN);
	expect("   ", FEATURE_UNKNOWN);
	expect("NA", FEATURE_UNKNOWN);
	expect("#N/A", FEATURE_UNKNOWN);
	expect("Unknown_d_5.11", FEATURE_UNKNOWN);
	expect("test_nomatch", FEATURE_UNKNOWN);
	expect("Cellular tumor antigen p53", FEATURE_UNKNOWN);
	expect("12.5", FEATURE_UNKNOWN);
	expect("TP53\x01", FEATURE_UNKNOWN);
	expect("TP53\xC3", FEATURE_UNKNOWN);

	/* names that are not genes, whatever else they are */
	{
		static const char *const not_genes[] = {
			"Cholesterol", "Sphingosine-1-phosphate", "S1P",
		};
		size_t		i;

		for (i = 0; i < sizeof(not_genes) / sizeof(not_genes[0]); i++)
		{
			feature_kind k = feature_type_infer(not_genes[i], strlen(not_genes[i]));

			CHECK(k == FEATURE_LIPID || k == FEATURE_METABOLITE,
				  "\"%s\" is a lipid or a metabolite (got %s; original: gene)",
				  not_genes[i], kind_name(k));
		}
	}
}

static void
test_dispatch(void)
{
	char		out[NORM_OUT_MAX];
	const char *why = NULL;
	norm_status st;

	st = feature_normalize(FEATURE_GENE, "ENSG00000141510.17", 18, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "ENSG00000141510") == 0, "dispatch to genes");
	st = feature_normalize(FEATURE_PROTEIN, "sp|P04637|P53_HUMAN", 19, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "P04637") == 0, "dispatch to proteins");
	st = feature_normalize(FEATURE_METABOLITE, "L-Lactate", 9, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "Lactic acid") == 0, "dispatch to metabolites");
	st = feature_normalize(FEATURE_LIPID, "PC 34:1", 7, out, sizeof(out), &why);
	CHECK(st != NORM_INVALID && out[0] != '\0', "dispatch to lipids (got \"%s\")", out);
	st = feature_normalize(FEATURE_LIPID, "TP53", 4, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0', "a gene is not a lipid");
	st = feature_normalize(FEATURE_UNKNOWN, "TP53", 4, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0' && why != NULL, "FEATURE_UNKNOWN is rejected");
	st = feature_normalize((feature_kind) 42, "TP53", 4, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0', "an out-of-range kind is rejected");
	CHECK(feature_type_infer(NULL, 0) == FEATURE_UNKNOWN, "NULL name");
	CHECK(feature_type_infer("TP53XXXX", 4) == FEATURE_GENE, "reads only len bytes");
}

int
main(void)
{
	test_inference();
	test_dispatch();
	return unit_done();
}
