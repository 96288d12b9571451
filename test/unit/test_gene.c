/*
 * test_gene.c - unit tests of gene_normalize() (src/core/gene.c).
 *
 * Expected outputs are written by hand from the published rules: HGNC
 * symbol guidelines (upper case, C#orf#), the 2020 HGNC renames of the
 * symbols spreadsheets turn into dates, the Ensembl/GENCODE id syntax and
 * the NCBI Gene id form (omics.md §3); the hazards are those of omics.md
 * §6 that apply to genes.  Where the original system's tests (origin.md
 * §2.5.4, §9.3) were right they are repeated; where this module decided
 * otherwise the case is marked "decision".
 */
#include <stdlib.h>

#include "gene.h"
#include "unit_norm.h"


static void
expect(const char *in, norm_status want_status, const char *want)
{
	(void) unit_expect_norm("gene", gene_normalize, in, want_status, want);
}

static void
test_symbols(void)
{
	NOTE("HGNC case: upper case, except the orf of C#orf#");
	expect("TP53", NORM_OK, "TP53");
	expect("tp53", NORM_OK, "TP53");
	expect("SOD1", NORM_OK, "SOD1");
	expect("HLA-A", NORM_OK, "HLA-A");
	expect("NKX2-1", NORM_OK, "NKX2-1");	/* the original cut it to NKX2 */
	expect("MT-CO1", NORM_OK, "MT-CO1");
	expect("GPR75-ASB3", NORM_OK, "GPR75-ASB3");
	expect("C9orf72", NORM_OK, "C9orf72");
	expect("c9orf72", NORM_OK, "C9orf72");	/* the original left it lower */
	expect("C1ORF112", NORM_OK, "C1orf112");
	expect("C1orf112", NORM_OK, "C1orf112");
	expect("CXORF38", NORM_OK, "CXorf38");
	expect("c22orf39", NORM_OK, "C22orf39");
	expect("ENSA", NORM_OK, "ENSA");	/* a symbol, not an Ensembl id */

	NOTE("decision: mixed case (mouse, rat) is kept; species are not merged");
	expect("Actb", NORM_OK, "Actb");
	expect("Trp53", NORM_OK, "Trp53");
	expect("Tp53", NORM_OK, "Tp53");	/* original: TP53 */
	expect("4930481A15Rik", NORM_OK, "4930481A15Rik");
	expect("2310009E13", NORM_OK, "2310009E13");	/* RIKEN clone, not a number */
	expect("NfL", NORM_OK, "NfL");
	expect("mt-Co1", NORM_OK, "mt-Co1");
	expect("l(2)gl", NORM_OK, "l(2)gl");	/* fly: not an HGNC shape, case kept */
	expect("YPR010C-A", NORM_OK, "YPR010C-A");	/* yeast ORF */
	expect("ADE5,7", NORM_OK, "ADE5,7");	/* yeast, from the MaxQuant sample */

	NOTE("decorations");
	expect("TP53 (Human)", NORM_OK, "TP53");
	expect("TP53 [Homo sapiens]", NORM_OK, "TP53");
	expect("TP53_HUMAN", NORM_AMBIGUOUS, "TP53");
	expect("TP53_HSA", NORM_AMBIGUOUS, "TP53");
	expect("Tp53_mouse", NORM_AMBIGUOUS, "Tp53");
	expect("TP53.1", NORM_AMBIGUOUS, "TP53.1");	/* decision: kept, flagged */
	expect("AC004947.2", NORM_OK, "AC004947.2");	/* clone-based name */
	expect("RP11-357D18.1", NORM_OK, "RP11-357D18.1");

	NOTE("not gene symbols");
	expect("tumor protein p53", NORM_INVALID, "");
	expect("p53 \xCE\xB1", NORM_INVALID, "");
	expect("TP53#", NORM_INVALID, "");
	expect("-TP53", NORM_INVALID, "");
	expect("12.5", NORM_INVALID, "");
	expect("sp|P04637|P53_HUMAN", NORM_INVALID, "");
}

static void
test_ids(void)
{
	NOTE("Ensembl and GENCODE: version dropped, case fixed, _PAR_Y kept apart");
	expect("ENSG00000141510", NORM_OK, "ENSG00000141510");
	expect("ENSG00000141510.17", NORM_OK, "ENSG00000141510");
	expect("ensg00000141510.11", NORM_OK, "ENSG00000141510");
	expect("ENST00000269305.9", NORM_OK, "ENST00000269305");
	expect("ENSMUSG00000059552", NORM_OK, "ENSMUSG00000059552");
	expect("ENSMUSG00000059552.3", NORM_OK, "ENSMUSG00000059552");
	expect("ENSG00000002586.20_PAR_Y", NORM_OK, "ENSG00000002586_PAR_Y");
	expect("ENSG00000002586_PAR_Y", NORM_OK, "ENSG00000002586_PAR_Y");
	expect("ENSP00000269305", NORM_INVALID, "");
	expect("ENSE00001146308", NORM_INVALID, "");
	expect("ENSG0000014151", NORM_OK, "ENSG0000014151");	/* 10 digits: only a symbol shape */

	NOTE("RefSeq");
	expect("NM_000546.5", NORM_OK, "NM_000546");
	expect("nr_024540", NORM_OK, "NR_024540");
	expect("XM_011523456.2", NORM_OK, "XM_011523456");
	expect("NP_000537.3", NORM_INVALID, "");

	NOTE("NCBI Gene and HGNC ids");
	expect("7157", NORM_OK, "7157");
	expect("007157", NORM_OK, "7157");
	expect("7157.0", NORM_REPAIRED, "7157");	/* hazard 12: float id column */
	expect("GeneID:7157", NORM_OK, "7157");
	expect("NCBIGene:7157", NORM_OK, "7157");
	expect("HGNC:11998", NORM_OK, "HGNC:11998");
	expect("hgnc:011998", NORM_OK, "HGNC:11998");
	expect("0", NORM_INVALID, "");
	expect("HGNC:x", NORM_INVALID, "");
	expect("2.31E+13", NORM_INVALID, "");	/* hazard 14: RIKEN id as a float */
	expect("12345678901", NORM_INVALID, "");
}

static void
test_excel(void)
{
	NOTE("hazard 14: spreadsheet dates repaired to the current HGNC symbols");
	expect("1-Sep", NORM_REPAIRED, "SEPTIN1");
	expect("Sep-1", NORM_REPAIRED, "SEPTIN1");
	expect("01-Sep", NORM_REPAIRED, "SEPTIN1");
	expect("1-SEP", NORM_REPAIRED, "SEPTIN1");
	expect("1-Sept", NORM_REPAIRED, "SEPTIN1");
	expect("Sept. 1", NORM_REPAIRED, "SEPTIN1");
	expect("1 Sep", NORM_REPAIRED, "SEPTIN1");
	expect("2001-09-01", NORM_REPAIRED, "SEPTIN1");
	expect("2001-09-01 00:00:00", NORM_REPAIRED, "SEPTIN1");
	expect("2023/09/07", NORM_REPAIRED, "SEPTIN7");
	expect("1-Sep-2001", NORM_REPAIRED, "SEPTIN1");
	expect("07-Sep-20", NORM_REPAIRED, "SEPTIN7");
	expect("14-Sep", NORM_REPAIRED, "SEPTIN14");
	expect("13-Sep", NORM_REPAIRED, "SEPTIN7P2");	/* SEPT13 became a pseudogene */
	expect("3-Mar", NORM_REPAIRED, "MARCHF3");
	expect("Mar-11", NORM_REPAIRED, "MARCHF11");
	expect("10-Mar", NORM_REPAIRED, "MARCHF10");
	expect("9/1/2001", NORM_REPAIRED, "SEPTIN1");	/* US month/day/year */
	expect("1/9/2001", NORM_REPAIRED, "SEPTIN1");	/* day/month/year */
	expect("01.09.2001", NORM_REPAIRED, "SEPTIN1");	/* European */

	NOTE("dates two genes read as: flagged, best reading written");
	expect("1-Mar", NORM_AMBIGUOUS, "MARCHF1");	/* or MARC1 -> MTARC1 */
	expect("2-Mar", NORM_AMBIGUOUS, "MARCHF2");	/* or MARC2 -> MTARC2 */
	expect("1-Dec", NORM_AMBIGUOUS, "DELEC1");	/* DEC1 is also BHLHE40 */
	expect("2-Sep", NORM_AMBIGUOUS, "SEPTIN2");	/* SEPT2 is also SEPTIN6 */
	expect("3/9/2001", NORM_AMBIGUOUS, "MARCHF9");	/* Mar 9 or 3 Sep */

	NOTE("dates no renamed symbol reads as");
	expect("15-Sep", NORM_INVALID, "");
	expect("12-Mar", NORM_INVALID, "");
	expect("2-Dec", NORM_INVALID, "");
	expect("4-Oct", NORM_INVALID, "");	/* OCT4 (POU5F1 alias) is lost */
	expect("2001-01-05", NORM_INVALID, "");

	NOTE("previous symbols of the renamed families");
	expect("SEPT7", NORM_REPAIRED, "SEPTIN7");
	expect("sept7", NORM_REPAIRED, "SEPTIN7");
	expect("SEPT1", NORM_REPAIRED, "SEPTIN1");
	expect("SEPT14", NORM_REPAIRED, "SEPTIN14");
	expect("SEPT13", NORM_REPAIRED, "SEPTIN7P2");
	expect("SEPT7P2", NORM_REPAIRED, "SEPTIN7P2");
	expect("SEPT14P12", NORM_REPAIRED, "SEPTIN14P12");
	expect("SEPT4-AS1", NORM_REPAIRED, "SEPTIN4-AS1");
	expect("SEPT7-AS1", NORM_REPAIRED, "SEPTIN7-DT");
	expect("SEPT2", NORM_AMBIGUOUS, "SEPTIN2");
	expect("MARCH5", NORM_REPAIRED, "MARCHF5");
	expect("MARCH10", NORM_REPAIRED, "MARCHF10");	/* hazard 15 */
	expect("MARCH11-AS1", NORM_REPAIRED, "MARCHF11-AS1");
	expect("MARC1", NORM_REPAIRED, "MTARC1");
	expect("MARC2", NORM_REPAIRED, "MTARC2");
	expect("DEC1", NORM_AMBIGUOUS, "DELEC1");
	expect("Sept7", NORM_REPAIRED, "Septin7");	/* mouse (MGI) */
	expect("March5", NORM_REPAIRED, "Marchf5");
	expect("Marc1", NORM_REPAIRED, "Mtarc1");
	expect("SEPT15", NORM_OK, "SEPT15");	/* not a renamed symbol */
	expect("MARCH12", NORM_OK, "MARCH12");
	expect("SEPTIN7", NORM_OK, "SEPTIN7");
	expect("MARCHF5", NORM_OK, "MARCHF5");
	expect("FAM46B", NORM_OK, "FAM46B");	/* other renames need a mapping table */
}

static void
test_hazards(void)
{
	NOTE("hazards 1-3, 10, 16: bytes, missing values, several genes per cell");
	expect("\xEF\xBB\xBFTP53", NORM_OK, "TP53");	/* UTF-8 BOM */
	expect("TP53\xC2\xA0", NORM_OK, "TP53");	/* no-break space */
	expect("\xE2\x80\x8BTP53", NORM_OK, "TP53");	/* zero-width space */
	expect("TP53\r", NORM_OK, "TP53");	/* CRLF leftover */
	expect("  TP53\t", NORM_OK, "TP53");
	expect("\"TP53\"", NORM_OK, "TP53");
	expect("'TP53'", NORM_OK, "TP53");
	expect("\xE2\x80\x9CTP53\xE2\x80\x9D", NORM_OK, "TP53");
	expect("\" 'TP53' \"", NORM_OK, "TP53");
	expect("", NORM_INVALID, "");
	expect("   ", NORM_INVALID, "");
	expect("NA", NORM_INVALID, "");
	expect("N/A", NORM_INVALID, "");
	expect("#N/A", NORM_INVALID, "");
	expect("NaN", NORM_INVALID, "");
	expect("null", NORM_INVALID, "");
	expect("-", NORM_INVALID, "");
	expect("#VALUE!", NORM_INVALID, "");
	expect("TP\x01" "53", NORM_INVALID, "");
	expect("TP53\xFF", NORM_INVALID, "");
	expect("TP53 /// MDM2", NORM_AMBIGUOUS, "TP53");
	expect("TP53;MDM2", NORM_AMBIGUOUS, "TP53");
	expect("TP53|tp53", NORM_OK, "TP53");
	expect("SEPT7;SEPTIN7", NORM_REPAIRED, "SEPTIN7");
	expect("TP53;", NORM_OK, "TP53");
	expect(";;", NORM_INVALID, "");
	expect("NA;TP53", NORM_OK, "TP53");
	expect("bad gene;TP53", NORM_AMBIGUOUS, "TP53");
	expect("Lpin;CG8709-RH", NORM_AMBIGUOUS, "Lpin");
}

static void
test_contract(void)
{
	char		out[NORM_OUT_MAX];
	char		small[4];
	const char *why = NULL;
	const char	raw[] = "TP53MDM2";
	char		nul[] = "TP53\0MDM2";
	char		big[2 * NORM_OUT_MAX];
	norm_status st;

	NOTE("contract of normalize.h");
	st = gene_normalize(raw, 4, out, sizeof(out), &why);	/* not NUL-terminated */
	CHECK(st == NORM_OK, "reads only len bytes");
	CHECK_STR(out, "TP53", "prefix of a longer buffer");

	st = gene_normalize(nul, sizeof(nul) - 1, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0', "embedded NUL rejected");

	st = gene_normalize("SEPTIN14", 8, small, sizeof(small), &why);
	CHECK(st == NORM_INVALID && small[0] == '\0' && why != NULL,
		  "too small an output buffer is NORM_INVALID with \"\"");

	st = gene_normalize("TP53", 4, out, sizeof(out), NULL);
	CHECK(st == NORM_OK, "reason may be NULL");

	st = gene_normalize(NULL, 0, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0', "NULL name");

	st = gene_normalize("TP53", 4, NULL, 0, &why);
	CHECK(st == NORM_INVALID, "NULL output buffer");

	memset(big, 'A', sizeof(big));
	st = gene_normalize(big, sizeof(big), out, sizeof(out), &why);
	CHECK(st == NORM_INVALID && out[0] == '\0', "over-long input rejected");

	CHECK(gene_evidence("ENSG00000141510", 15) == IDENT_STRONG, "Ensembl is strong evidence");
	CHECK(gene_evidence("TP53", 4) == IDENT_WEAK, "a symbol is weak evidence");
	CHECK(gene_evidence("7157", 4) == IDENT_NONE, "a bare number is no evidence");
	CHECK(gene_evidence("test_nomatch", 12) == IDENT_NONE, "underscored words are no evidence");

	st = gene_symbol_normalize("7157", 4, out, sizeof(out), &why);
	CHECK(st == NORM_INVALID, "symbol rules reject bare numbers");
	st = gene_symbol_normalize("ENSG00000141510", 15, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "ENSG00000141510") == 0,
		  "symbol rules keep an Ensembl-shaped string as a symbol");
}

/* Inputs the fuzzer (test/fuzz/fuzz_identifiers.c) once broke. */
static void
test_fuzz_regressions(void)
{
	NOTE("fuzz regressions: idempotence after decorations");
	expect("P533_HUMAn_HUMAn", NORM_AMBIGUOUS, "P533");	/* repeated species suffix */
	expect("NA_HUMAN", NORM_INVALID, "");	/* a missing value under the suffix */
	expect("/gi|nr_0245026 (C)", NORM_AMBIGUOUS, "NR_0245026");	/* an id under an annotation */
	expect("nr_024502_human", NORM_AMBIGUOUS, "NR_024502");
	expect("NM_000546.5 (human)", NORM_OK, "NM_000546");
	expect("ENSG00000141510_HUMAN", NORM_AMBIGUOUS, "ENSG00000141510");
}

int
main(void)
{
	test_symbols();
	test_ids();
	test_excel();
	test_hazards();
	test_contract();
	test_fuzz_regressions();
	return unit_done();
}
