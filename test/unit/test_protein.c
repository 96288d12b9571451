/*
 * test_protein.c - unit tests of protein_normalize() (src/core/protein.c).
 *
 * Expected outputs are written by hand from the UniProt accession rules
 * (omics.md §3.1: the official pattern, 6 or 10 characters, isoforms,
 * entry names, FASTA headers) and the MaxQuant conventions (CON__, REV__,
 * ';' groups).  Identifiers marked "sample" are copied from the MaxQuant
 * proteinGroups.txt of shared/data/omics-samples/proteomics/.
 */
#include <stdlib.h>

#include "protein.h"
#include "unit_norm.h"


static const char *
expect(const char *in, norm_status want_status, const char *want)
{
	return unit_expect_norm("protein", protein_normalize, in, want_status, want);
}

static void
expect_dropped(const char *in, const char *reason_prefix)
{
	const char *why = expect(in, NORM_INVALID, "");

	CHECK(why != NULL && strncmp(why, reason_prefix, strlen(reason_prefix)) == 0,
		  "\"%s\": reason starts with \"%s\"", in, reason_prefix);
}

static void
test_accessions(void)
{
	NOTE("UniProt accession pattern, 6 and 10 characters");
	expect("P04637", NORM_OK, "P04637");
	expect("p04637", NORM_OK, "P04637");	/* hazard 17: lower case */
	expect("Q9Y6K9", NORM_OK, "Q9Y6K9");
	expect("O00762", NORM_OK, "O00762");
	expect("A0A023GPI8", NORM_OK, "A0A023GPI8");
	expect("a0a023gpi8", NORM_OK, "A0A023GPI8");
	expect("D6VTK4", NORM_OK, "D6VTK4");	/* sample */
	expect("Q9XXX1", NORM_OK, "Q9XXX1");
	CHECK(protein_is_accession("P04637", 6), "P04637 is an accession");
	CHECK(protein_is_accession("A0A023GPI8", 10), "A0A023GPI8 is an accession");
	CHECK(!protein_is_accession("P0463", 5), "5 characters are not");
	CHECK(!protein_is_accession("O0A023GPI8", 10), "[OPQ] accessions have 6 characters");
	CHECK(!protein_is_accession("A0A02", 5), "truncated");
	CHECK(!protein_is_accession("1P0463", 6), "starts with a letter");
	CHECK(!protein_is_accession("C00031", 6), "a KEGG compound is not an accession");
	CHECK(!protein_is_accession("AAA023GPI8", 10), "the second character must be a digit");
	CHECK(!protein_is_accession("A0A0230PI8", 10), "each block starts with a letter");

	NOTE("decision: isoforms are kept (each is its own entity); versions dropped");
	expect("P04637-2", NORM_OK, "P04637-2");
	expect("Q9Y6K9-2", NORM_OK, "Q9Y6K9-2");	/* original: stripped */
	expect("P02768-1", NORM_OK, "P02768-1");	/* -1 is not always canonical */
	expect("P04637.3", NORM_OK, "P04637");
	expect("P04637-2.1", NORM_OK, "P04637-2");
	expect("P02768ups", NORM_OK, "P02768");	/* sample: UPS1 spike-in */
	expect("O00762ups", NORM_OK, "O00762");	/* sample */
	expect("UniProtKB:P04637", NORM_OK, "P04637");
	expect("P04637 Cellular tumor antigen p53", NORM_OK, "P04637");
}

static void
test_fasta_and_names(void)
{
	NOTE("FASTA headers keep the accession, not the entry name");
	expect("sp|P04637|P53_HUMAN", NORM_OK, "P04637");
	expect("sp|P04637|TP53_HUMAN", NORM_OK, "P04637");	/* original: TP53 */
	expect("sp|P02768|ALBU_HUMAN", NORM_OK, "P02768");	/* original: ALBU */
	expect("sp|O15269|SPTLC1_HUMAN", NORM_OK, "O15269");	/* original: HUMAN */
	expect("tr|A0A024R161|A0A024R161_HUMAN", NORM_OK, "A0A024R161");
	expect(">sp|P04637-2|P53_HUMAN Isoform 2 of Cellular tumor antigen p53 OS=Homo sapiens",
		   NORM_OK, "P04637-2");
	expect("SP|p04637|p53_human", NORM_OK, "P04637");
	expect("sp|P04637", NORM_OK, "P04637");
	expect("sp|XYZ|FOO_HUMAN", NORM_INVALID, "");
	expect("ref|NP_000537.3|", NORM_OK, "NP_000537");
	expect("gi|120407068|ref|NP_000537.3|", NORM_OK, "NP_000537");

	NOTE("entry names: kept in upper case; TrEMBL ones give the accession");
	expect("P53_HUMAN", NORM_OK, "P53_HUMAN");
	expect("p53_human", NORM_OK, "P53_HUMAN");
	expect("SPTLC1_HUMAN", NORM_OK, "SPTLC1_HUMAN");	/* original: HUMAN */
	expect("MAPK10_HUMAN", NORM_OK, "MAPK10_HUMAN");
	expect("1433B_HUMAN", NORM_OK, "1433B_HUMAN");
	expect("A0A023GPJ1_DROME", NORM_OK, "A0A023GPJ1");
	expect("REV_HV1H2", NORM_OK, "REV_HV1H2");	/* HIV Rev, not a decoy */

	NOTE("other protein ids");
	expect("ENSP00000269305", NORM_OK, "ENSP00000269305");
	expect("ENSP00000269305.4", NORM_OK, "ENSP00000269305");
	expect("ENSEMBL:ENSBTAP00000007350", NORM_OK, "ENSBTAP00000007350");
	expect("NP_000537.3", NORM_OK, "NP_000537");
	expect("xp_011523456", NORM_OK, "XP_011523456");
	expect("ENSG00000141510", NORM_INVALID, "");
	expect("NM_000546", NORM_INVALID, "");

	NOTE("gene names used as protein keys (proteomics tables)");
	expect("TP53", NORM_OK, "TP53");
	expect("actb", NORM_OK, "ACTB");
	expect("TP53 (Human)", NORM_OK, "TP53");
	expect("HLA-A", NORM_OK, "HLA-A");
	expect("NKX2-1", NORM_OK, "NKX2-1");	/* original: NKX2 */
	expect("YPR010C-A", NORM_OK, "YPR010C-A");	/* sample gene name */
	expect("SEPT7", NORM_REPAIRED, "SEPTIN7");
	expect("Cellular tumor antigen p53", NORM_INVALID, "");
	expect("7157", NORM_INVALID, "");
}

static void
test_groups_and_decoys(void)
{
	NOTE("decoys and contaminants: NORM_INVALID, reason says which");
	expect_dropped("REV__P32599", "decoy");	/* sample */
	expect_dropped("rev_sp|P04637|P53_HUMAN", "decoy");
	expect_dropped("DECOY_P04637", "decoy");
	expect_dropped("XXX_P04637", "decoy");
	expect_dropped("CON__P02769", "contaminant");	/* sample */
	expect_dropped("CON__P02535-1", "contaminant");	/* sample */
	expect_dropped("CON__ENSEMBL:ENSBTAP00000007350", "contaminant");	/* sample */
	expect_dropped("contam_sp|P00761|TRYP_PIG", "contaminant");
	expect_dropped("REV__P49626;REV__P10664", "decoy");	/* sample */
	expect_dropped("CON__ENSEMBL:ENSBTAP00000007350;CON__P01030", "contaminant");	/* sample */
	expect_dropped("CON__P04264;CON__ENSEMBL:ENSBTAP00000038253;CON__Q8BGZ7", "contaminant");
	CHECK(protein_evidence("REV__P32599", 11) == IDENT_STRONG,
		  "a decoy is still evidence of a protein");

	NOTE("groups: leading target kept; flagged when it holds several proteins");
	expect("P04637;P04637-2", NORM_OK, "P04637");
	expect("P04637-2;P04637", NORM_OK, "P04637-2");
	expect("P04637;P04637-2;Q9XXX1", NORM_AMBIGUOUS, "P04637");
	expect("P00330;P00331;P38113", NORM_AMBIGUOUS, "P00330");	/* sample */
	expect("P32599;REV__P32599", NORM_AMBIGUOUS, "P32599");	/* sample */
	expect("P40055;REV__P69850", NORM_AMBIGUOUS, "P40055");	/* sample */
	expect("P02768ups;CON__P02768-1", NORM_AMBIGUOUS, "P02768");	/* sample */
	expect("P01008ups;CON__P41361", NORM_AMBIGUOUS, "P01008");	/* sample */
	expect("REV__P49626;P10664", NORM_AMBIGUOUS, "P10664");
	expect(" P04637 ; P04637 ", NORM_OK, "P04637");
	expect("P04637;", NORM_OK, "P04637");
	expect(";", NORM_INVALID, "");
	expect("P04637;garbage here", NORM_AMBIGUOUS, "P04637");
	expect("TP53;MDM2", NORM_AMBIGUOUS, "TP53");
}

static void
test_hazards(void)
{
	char		out[NORM_OUT_MAX];
	char		small[6];
	const char *why;
	norm_status st;

	NOTE("bytes, missing values, buffer contract");
	expect("\xEF\xBB\xBFP04637", NORM_OK, "P04637");
	expect("\"P04637\"\r", NORM_OK, "P04637");
	expect("P04637\xC2\xA0", NORM_OK, "P04637");
	expect("NA", NORM_INVALID, "");
	expect("", NORM_INVALID, "");
	expect("#N/A", NORM_INVALID, "");
	expect("P04637\x7F", NORM_INVALID, "");
	expect("P0463\xC3", NORM_INVALID, "");

	st = protein_normalize("P04637-2XYZ", 8, out, sizeof(out), &why);
	CHECK(st == NORM_OK && strcmp(out, "P04637-2") == 0, "reads only len bytes");
	st = protein_normalize("A0A023GPI8", 10, small, sizeof(small), &why);
	CHECK(st == NORM_INVALID && small[0] == '\0', "small buffer");
	st = protein_normalize(NULL, 0, out, sizeof(out), NULL);
	CHECK(st == NORM_INVALID, "NULL name, NULL reason");

	CHECK(protein_evidence("P53_HUMAN", 9) == IDENT_WEAK, "entry name: weak evidence");
	CHECK(protein_evidence("P04637", 6) == IDENT_STRONG, "accession: strong evidence");
	CHECK(protein_evidence("TP53", 4) == IDENT_NONE, "a gene name is no protein evidence");
}

/* Inputs the fuzzer (test/fuzz/fuzz_identifiers.c) once broke. */
static void
test_fuzz_regressions(void)
{
	NOTE("fuzz regressions: what the gene-name fallback may not produce");
	expect("_PAR_Yref|NP_000537.3|", NORM_INVALID, "");	/* '|' is FASTA syntax */
	expect("NP_000537.3|", NORM_INVALID, "");
	expect(" /// DECOY__L-L-A-CA-A", NORM_INVALID, "");	/* a decoy behind a separator */
	expect("ENSEMBL:ENSEMBL:ENSG0TANSG0TACDPD", NORM_OK, "ENSG0TANSG0TACDPD");	/* prefixes twice */
	expect("UniProtKB:UniProtKB:P04637", NORM_OK, "P04637");
	expect("gi||UniProtKB:2201-01-000", NORM_INVALID, "");	/* prefixes in any order */
	expect("gi|1|UniProtKB:P04637", NORM_OK, "P04637");
	expect("np_000537.3 (human)", NORM_OK, "NP_000537");	/* an id under an annotation */
}

int
main(void)
{
	test_accessions();
	test_fasta_and_names();
	test_groups_and_decoys();
	test_hazards();
	test_fuzz_regressions();
	return unit_done();
}
