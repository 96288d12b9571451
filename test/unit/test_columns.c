/*
 * test_columns.c - layout detection, column roles and omics inference.
 */
#include "columns.h"
#include "omics_infer.h"
#include "unit.h"

#define MAXC 16

static columns_status
plan(const char *const *names, int ncols, const char *const *cells, int nrows,
	 ingest_layout forced, const char *feature_column, col_plan *p, col_role *roles,
	 char *err)
{
	col_sample	s = {nrows, cells, false};

	p->roles = roles;
	return columns_plan(names, ncols, &s, LAYOUT_AUTO, forced, feature_column, p, err, COLUMNS_ERR_MAX);
}

static void
test_deseq2(void)
{
	const char *names[] = {"", "baseMean", "log2FoldChange", "lfcSE", "stat", "pvalue", "padj"};
	const char *cells[] = {"ENSG00000141510", "10.5", "1.2", "0.1", "12", "1e-5", "NA",
	"ENSG00000012048", "3", "-0.5", "0.2", "-2.5", "0.01", "0.04"};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(names, 7, cells, 2, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "DESeq2 results plan");
	CHECK(p.layout == LAYOUT_RESULTS, "DESeq2: results layout");
	CHECK(p.id_col == 0, "DESeq2: R's empty first header is the identity");
	CHECK(p.log2fc_col == 2 && p.stat_col == 4 && p.p_col == 5 && p.padj_col == 6 && p.abundance_col == 1,
		  "DESeq2: statistic columns");
	CHECK(roles[3] == ROLE_NONE, "DESeq2: lfcSE is not stored");
}

static void
test_limma_edger(void)
{
	const char *limma[] = {"ID", "logFC", "AveExpr", "t", "P.Value", "adj.P.Val", "B"};
	const char *edger[] = {"genes", "logFC", "logCPM", "LR", "PValue", "FDR"};
	const char *cells[] = {"TP53", "1", "2", "3", "0.1", "0.2", "0"};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(limma, 7, cells, 1, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "limma plan");
	CHECK(p.id_col == 0 && p.log2fc_col == 1 && p.abundance_col == 2 && p.stat_col == 3 &&
		  p.p_col == 4 && p.padj_col == 5, "limma columns");
	CHECK(plan(edger, 6, cells, 1, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "edgeR plan");
	CHECK(p.log2fc_col == 1 && p.abundance_col == 2 && p.stat_col < 0 && p.p_col == 4 && p.padj_col == 5,
		  "edgeR columns (LR is unsigned, not a statistic with a direction)");
}

static void
test_matrix(void)
{
	const char *names[] = {"Lipid Species", "ALS_1", "ALS_2", "note"};
	const char *cells[] = {"PC 34:1", "1.5", "NA", "ok", "PC 36:2", "2", "3", "checked"};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(names, 4, cells, 2, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "matrix plan");
	CHECK(p.layout == LAYOUT_MATRIX, "matrix layout");
	CHECK(p.id_col == 0 && p.nsamples == 2 && roles[1] == ROLE_SAMPLE && roles[2] == ROLE_SAMPLE,
		  "matrix: identity and two numeric samples");
	CHECK(roles[3] == ROLE_NONE, "matrix: a text column is not a sample");

	/* feature_column wins, case-insensitively; a wrong one lists the headers */
	CHECK(plan(names, 4, cells, 2, LAYOUT_AUTO, "lipid species", &p, roles, err) == COLUMNS_OK &&
		  p.id_col == 0, "feature_column matches ignoring case");
	CHECK(plan(names, 4, cells, 2, LAYOUT_AUTO, "Compound", &p, roles, err) == COLUMNS_BAD_FEATURE_COLUMN,
		  "unknown feature_column");
	CHECK(strstr(err, "\"Lipid Species\"") != NULL, "the error lists the headers");
}

static void
test_no_identity(void)
{
	const char *names[] = {"a", "b"};
	const char *cells[] = {"1", "2", "3", "4"};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(names, 2, cells, 2, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_NO_IDENTITY,
		  "all-numeric table has no identity column");
	CHECK(strstr(err, "\"a\", \"b\"") != NULL, "the error lists the headers");
}

static void
test_long(void)
{
	const char *names[] = {"Protein", "Peptide", "Replicate", "Area"};
	const char *cells[] = {"PE", "PE 34:1", "S1", "100"};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(names, 4, cells, 1, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "long plan");
	CHECK(p.layout == LAYOUT_LONG, "long layout");
	CHECK(p.id_col == 1, "long: Skyline's Peptide is the molecule, not Protein");
	CHECK(p.long_sample_col == 2 && p.long_value_col == 3, "long: sample and value columns");
}

static void
test_maxquant(void)
{
	const char *names[] = {"Protein IDs", "Majority protein IDs", "Gene names", "Intensity",
		"Intensity A", "Intensity B", "LFQ intensity A", "LFQ intensity B", "Reverse",
	"Potential contaminant"};
	const char *cells[] = {"P1;P2", "P1", "G", "10", "4", "6", "5", "5", "", ""};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(names, 10, cells, 1, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "MaxQuant plan");
	CHECK(p.layout == LAYOUT_MAXQUANT, "MaxQuant layout");
	CHECK(p.id_col == 1, "MaxQuant: Majority protein IDs");
	CHECK(p.nsamples == 2 && roles[6] == ROLE_SAMPLE && roles[7] == ROLE_SAMPLE && roles[4] == ROLE_NONE,
		  "MaxQuant: LFQ intensities preferred over intensities");
	CHECK(roles[8] == ROLE_DROP_FLAG && roles[9] == ROLE_DROP_FLAG, "MaxQuant: flag columns");
	CHECK(p.zero_is_missing && strcmp(p.sample_prefix, "LFQ intensity ") == 0, "MaxQuant: zeros are missing");
}

static void
test_maf(void)
{
	const char *names[] = {"database_identifier", "chemical_formula", "metabolite_identification",
	"mass_to_charge", "retention_time", "smallmolecule_abundance_sub", "S1", "S2"};
	const char *cells[] = {"CHEBI:17126", "C7H15NO3", "C0", "162.1", "1.2", "", "36.6", "21.4"};
	col_plan	p;
	col_role	roles[MAXC];
	char		err[COLUMNS_ERR_MAX];

	CHECK(plan(names, 8, cells, 1, LAYOUT_AUTO, NULL, &p, roles, err) == COLUMNS_OK, "MAF plan");
	CHECK(p.layout == LAYOUT_MAF && p.id_col == 2 && p.id_fallback_col == 0, "MAF: name with id fallback");
	CHECK(p.nsamples == 2 && roles[3] == ROLE_NONE && roles[4] == ROLE_NONE, "MAF: fixed numeric columns are not samples");
}

static void
test_omics(void)
{
	const char *names[] = {"", "baseMean", "log2FoldChange", "lfcSE", "stat", "pvalue", "padj"};
	const char *genes[] = {"ENSG00000141510", "ENSG00000012048", "TP53"};
	const char *lipids[] = {"PC 34:1", "Cer 18:1;O2/16:0", "TG 52:2"};
	const char *mixed[] = {"P04637", "TP53"};
	const char *numbers[] = {"1", "2"};
	const char *mnames[] = {"id", "S1"};
	col_plan	p = {0};
	int			s[OMICS_KINDS];
	bool		tied;

	p.layout = LAYOUT_RESULTS;
	omics_infer_scores(names, 7, &p, genes, 3, s);
	CHECK(omics_infer_best(s, &tied) == 3 && !tied, "DESeq2 with Ensembl ids: transcriptomics");
	p.layout = LAYOUT_MATRIX;
	omics_infer_scores(mnames, 2, &p, lipids, 3, s);
	CHECK(omics_infer_best(s, &tied) == 0 && !tied, "lipid names: lipidomics");
	omics_infer_scores(mnames, 2, &p, mixed, 2, s);
	(void) omics_infer_best(s, &tied);
	CHECK(tied, "half accessions, half symbols: tied");
	omics_infer_scores(mnames, 2, &p, numbers, 2, s);
	CHECK(omics_infer_best(s, &tied) == -1, "bare numbers: no evidence");
	p.layout = LAYOUT_MAXQUANT;
	omics_infer_scores(mnames, 2, &p, numbers, 2, s);
	CHECK(omics_infer_best(s, &tied) == 2, "MaxQuant layout: proteomics");
}

int
main(void)
{
	char		k[64];

	columns_key("log2 Fold_Change", k, sizeof(k));
	CHECK_STR(k, "log2foldchange", "columns_key drops case and punctuation");
	CHECK(layout_from_name("MaxQuant") == LAYOUT_MAXQUANT && layout_from_name("pivot") == -1, "layout names");
	test_deseq2();
	test_limma_edger();
	test_matrix();
	test_no_identity();
	test_long();
	test_maxquant();
	test_maf();
	test_omics();
	return unit_done();
}
