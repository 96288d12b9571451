/*
 * columns.c - layout detection and column roles of omics tables.
 *
 * Header names are compared by their "key" (lower case, letters and digits
 * only), so the many spellings of one statistic (log2FoldChange, logFC,
 * log2_fc ...) are one list entry.  Numeric columns are recognised from the
 * first data rows, with the same number parser the ingestion uses.
 */
#include "columns.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tabular.h"

#define KEY_MAX 128

/* Identity columns, most specific first. */
static const char *const id_keys[] = {
	"majorityproteinids", "proteinids", "metaboliteidentification",
	"chemicalname", "lipidspecies", "lipid", "lipids", "lipidname", "species",
	"moleculename", "molecule", "metabolitename", "metabolite", "compoundname",
	"compound", "biochemical", "name", "featurename", "featureid", "feature",
	"genesymbol", "genename", "gene", "symbol", "hgncsymbol", "geneid",
	"ensemblgeneid", "ensemblid", "ensembl", "proteinid", "protein",
	"accession", "uniprotid", "uniprot", "peptide", "id", "rownames", "x",
	"samples", NULL
};
/* Long exports (Skyline) name the molecule "Peptide" and its group "Protein". */
static const char *const long_id_keys[] = {
	"peptide", "moleculename", "molecule", "peptidemodifiedsequence", NULL
};
static const char *const log2fc_keys[] = {
	"log2foldchange", "log2fc", "logfc", "log2fold", "lfc", "log2ratio",
	"logfoldchange", "log2fchange", "log2diff", NULL
};
static const char *const stat_keys[] = {
	"stat", "t", "tstat", "tvalue", "tstatistic", "statistic", "waldstat",
	"zscore", "z", NULL
};
static const char *const p_keys[] = {
	"pvalue", "pval", "p", "pvalues", "rawp", "praw", "nominalp", NULL
};
static const char *const padj_keys[] = {
	"padj", "fdr", "qvalue", "qval", "adjpval", "adjpvalue", "padjust",
	"pvaladj", "fdrbh", "bh", "adjp", "q", "padjusted", NULL
};
static const char *const abundance_keys[] = {
	"basemean", "aveexpr", "logcpm", "meanexpr", "avgexpr", "averageexpression", NULL
};
static const char *const long_sample_keys[] = {
	"replicate", "replicatename", "sample", "samplename", "sampleid", "run",
	"rawfile", "filename", NULL
};
static const char *const long_value_keys[] = {
	"area", "totalarea", "peakarea", "normalizedarea", "value", "intensity",
	"abundance", "height", "concentration", NULL
};
/* The fixed leading columns of a MetaboLights MAF (MS and NMR flavours). */
static const char *const maf_fixed_keys[] = {
	"databaseidentifier", "chemicalformula", "smiles", "inchi",
	"metaboliteidentification", "masstocharge", "fragmentation",
	"modifications", "charge", "retentiontime", "chemicalshift",
	"multiplicity", "taxid", "species", "database", "databaseversion",
	"reliability", "uri", "searchengine", "searchenginescore",
	"smallmoleculeabundancesub", "smallmoleculeabundancestdevsub",
	"smallmoleculeabundancestderrorsub", "featid", NULL
};
/* MaxQuant rows with a non-empty cell in one of these are dropped. */
static const char *const maxquant_flag_keys[] = {
	"reverse", "potentialcontaminant", "contaminant", "onlyidentifiedbysite", NULL
};

void
columns_key(const char *name, char *out, size_t outsz)
{
	size_t		n = 0;

	if (outsz == 0)
		return;
	for (; *name && n + 1 < outsz; name++)
	{
		unsigned char c = (unsigned char) *name;

		if (isalnum(c) && c < 128)
			out[n++] = (char) tolower(c);
	}
	out[n] = '\0';
}

static int
key_in(const char *key, const char *const *list)
{
	for (int i = 0; list[i]; i++)
		if (strcmp(key, list[i]) == 0)
			return i;
	return -1;
}

/*
 * First column whose key is in list, in the list's order of preference.
 * Keys are recomputed on the fly: this runs once per file.
 */
static int
find_column(const char *const *names, int ncols, const char *const *list, int skip)
{
	char		k[KEY_MAX];

	for (int l = 0; list[l]; l++)
		for (int c = 0; c < ncols; c++)
		{
			if (c == skip)
				continue;
			columns_key(names[c], k, sizeof(k));
			if (strcmp(k, list[l]) == 0)
				return c;
		}
	return -1;
}

typedef enum col_kind
{
	KIND_EMPTY,					/* nothing but missing values in the sample */
	KIND_NUMERIC,
	KIND_TEXT
} col_kind;

static col_kind
column_kind(const col_sample *sample, int ncols, int col)
{
	int			ok = 0,
				bad = 0;

	for (int r = 0; r < sample->nrows; r++)
	{
		const char *cell = sample->cells[(size_t) r * ncols + col];
		double		v;

		if (cell == NULL)
			continue;
		switch (tab_parse_double(cell, strlen(cell), sample->decimal_comma, &v))
		{
			case TAB_NUM_OK:
				ok++;
				break;
			case TAB_NUM_MISSING:
				break;
			default:
				bad++;
				break;
		}
	}
	if (ok == 0 && bad == 0)
		return KIND_EMPTY;
	/* A stray text cell ("<LOD", "n.d.") does not make a column text. */
	return (ok >= 4 * bad) ? KIND_NUMERIC : KIND_TEXT;
}

static bool
has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0 && s[strlen(prefix)] != '\0';
}

static void
list_headers(const char *const *names, int ncols, char *out, size_t outsz)
{
	size_t		n = 0;

	out[0] = '\0';
	for (int c = 0; c < ncols && n + 8 < outsz; c++)
	{
		int			w = snprintf(out + n, outsz - n, "%s\"%s\"", c ? ", " : "", names[c]);

		if (w < 0 || (size_t) w >= outsz - n)
		{
			snprintf(out + n, outsz - n, ", ...");
			break;
		}
		n += (size_t) w;
	}
}

static void
plan_init(col_plan *plan, int ncols)
{
	plan->layout = LAYOUT_AUTO;
	plan->ncols = ncols;
	for (int c = 0; c < ncols; c++)
		plan->roles[c] = ROLE_NONE;
	plan->id_col = plan->id_fallback_col = -1;
	plan->log2fc_col = plan->stat_col = plan->p_col = plan->padj_col = -1;
	plan->abundance_col = plan->long_sample_col = plan->long_value_col = -1;
	plan->nsamples = 0;
	plan->sample_prefix = "";
	plan->zero_is_missing = false;
}

static void
set_role(col_plan *plan, int col, col_role role, int *slot)
{
	if (col < 0)
		return;
	plan->roles[col] = role;
	if (slot)
		*slot = col;
	if (role == ROLE_SAMPLE)
		plan->nsamples++;
}

static ingest_layout
detect_layout(const char *const *names, int ncols)
{
	bool		maf_id = false,
				maf_db = false,
				mq_ids = false,
				mq_quant = false;
	char		k[KEY_MAX];

	for (int c = 0; c < ncols; c++)
	{
		columns_key(names[c], k, sizeof(k));
		if (strcmp(k, "metaboliteidentification") == 0)
			maf_id = true;
		else if (strcmp(k, "databaseidentifier") == 0)
			maf_db = true;
		else if (strcmp(k, "majorityproteinids") == 0 ||
				 strcmp(k, "proteinids") == 0)
			mq_ids = true;
		else if (has_prefix_ci(names[c], "LFQ intensity ") ||
				 has_prefix_ci(names[c], "Intensity "))
			mq_quant = true;
	}
	if (mq_ids && mq_quant)
		return LAYOUT_MAXQUANT;
	if (maf_id && maf_db)
		return LAYOUT_MAF;
	if (find_column(names, ncols, long_sample_keys, -1) >= 0 &&
		find_column(names, ncols, long_value_keys, -1) >= 0)
		return LAYOUT_LONG;
	if (find_column(names, ncols, log2fc_keys, -1) >= 0 ||
		find_column(names, ncols, stat_keys, -1) >= 0 ||
		find_column(names, ncols, p_keys, -1) >= 0 ||
		find_column(names, ncols, padj_keys, -1) >= 0)
		return LAYOUT_RESULTS;
	return LAYOUT_MATRIX;
}

columns_status
columns_plan(const char *const *names, int ncols, const col_sample *sample,
			 ingest_layout format_layout, ingest_layout forced,
			 const char *feature_column, col_plan *plan,
			 char *err, size_t errsz)
{
	char		headers[COLUMNS_ERR_MAX];
	ingest_layout layout;
	columns_status status = COLUMNS_OK;

	plan_init(plan, ncols);
	err[0] = '\0';

	layout = format_layout != LAYOUT_AUTO ? format_layout : detect_layout(names, ncols);
	if (forced != LAYOUT_AUTO)
	{
		if ((format_layout == LAYOUT_MWTAB || format_layout == LAYOUT_MZTAB) && forced != format_layout)
		{
			snprintf(err, errsz, "the file is %s, which has a fixed layout", layout_name(format_layout));
			return COLUMNS_LAYOUT_MISMATCH;
		}
		layout = forced;
	}
	plan->layout = layout;

	/* The identity column. */
	if (feature_column)
	{
		char		want[KEY_MAX];

		for (int c = 0; c < ncols && plan->id_col < 0; c++)
			if (strcasecmp(names[c], feature_column) == 0)
				plan->id_col = c;
		columns_key(feature_column, want, sizeof(want));
		for (int c = 0; c < ncols && plan->id_col < 0 && want[0]; c++)
		{
			char		k[KEY_MAX];

			columns_key(names[c], k, sizeof(k));
			if (strcmp(k, want) == 0)
				plan->id_col = c;
		}
		if (plan->id_col < 0)
		{
			list_headers(names, ncols, headers, sizeof(headers));
			snprintf(err, errsz, "no column is named \"%s\"; the header has %d columns: %s",
					 feature_column, ncols, headers);
			return COLUMNS_BAD_FEATURE_COLUMN;
		}
	}
	else
	{
		switch (layout)
		{
			case LAYOUT_MWTAB:
				plan->id_col = 0;
				break;
			case LAYOUT_MZTAB:
				{
					static const char *const l[] = {"chemicalname", NULL};
					static const char *const f[] = {"databaseidentifier", NULL};

					plan->id_col = find_column(names, ncols, l, -1);
					plan->id_fallback_col = find_column(names, ncols, f, -1);
					if (plan->id_col < 0)
					{
						plan->id_col = plan->id_fallback_col;
						plan->id_fallback_col = -1;
					}
				}
				break;
			case LAYOUT_MAF:
				{
					static const char *const l[] = {"metaboliteidentification", NULL};
					static const char *const f[] = {"databaseidentifier", NULL};

					plan->id_col = find_column(names, ncols, l, -1);
					plan->id_fallback_col = find_column(names, ncols, f, -1);
				}
				break;
			case LAYOUT_MAXQUANT:
				{
					static const char *const l[] = {"majorityproteinids", "proteinids", NULL};

					plan->id_col = find_column(names, ncols, l, -1);
				}
				break;
			default:
				if (layout == LAYOUT_LONG)
					plan->id_col = find_column(names, ncols, long_id_keys, -1);
				if (plan->id_col < 0)
					plan->id_col = find_column(names, ncols, id_keys, -1);
				/* R's write.csv: an empty first header over the row names. */
				if (plan->id_col < 0 && ncols > 0 && names[0][0] == '\0')
					plan->id_col = 0;
				/* Otherwise the first text column. */
				for (int c = 0; c < ncols && plan->id_col < 0; c++)
					if (column_kind(sample, ncols, c) == KIND_TEXT)
						plan->id_col = c;
				break;
		}
		if (plan->id_col < 0)
		{
			list_headers(names, ncols, headers, sizeof(headers));
			snprintf(err, errsz, "none of the %d columns looks like a feature identifier: %s",
					 ncols, headers);
			return COLUMNS_NO_IDENTITY;
		}
	}
	set_role(plan, plan->id_col, ROLE_ID, NULL);
	if (plan->id_fallback_col >= 0 && plan->id_fallback_col != plan->id_col)
		set_role(plan, plan->id_fallback_col, ROLE_ID_FALLBACK, NULL);
	else
		plan->id_fallback_col = -1;

	/* The value columns. */
	switch (layout)
	{
		case LAYOUT_RESULTS:
			{
				int			nk = ncols;

				set_role(plan, find_column(names, nk, log2fc_keys, plan->id_col), ROLE_LOG2FC, &plan->log2fc_col);
				set_role(plan, find_column(names, nk, stat_keys, plan->id_col), ROLE_STAT, &plan->stat_col);
				set_role(plan, find_column(names, nk, padj_keys, plan->id_col), ROLE_PADJ, &plan->padj_col);
				set_role(plan, find_column(names, nk, p_keys, plan->id_col), ROLE_PVALUE, &plan->p_col);
				set_role(plan, find_column(names, nk, abundance_keys, plan->id_col), ROLE_ABUNDANCE, &plan->abundance_col);
				if (plan->log2fc_col < 0 && plan->stat_col < 0 && plan->p_col < 0 && plan->padj_col < 0)
					status = COLUMNS_NO_VALUES;
			}
			break;
		case LAYOUT_LONG:
			{
				int			nk = ncols;

				set_role(plan, find_column(names, nk, long_sample_keys, plan->id_col), ROLE_LONG_SAMPLE, &plan->long_sample_col);
				set_role(plan, find_column(names, nk, long_value_keys, plan->id_col), ROLE_LONG_VALUE, &plan->long_value_col);
				if (plan->long_sample_col < 0 || plan->long_value_col < 0)
					status = COLUMNS_NO_VALUES;
			}
			break;
		case LAYOUT_MAXQUANT:
			{
				bool		lfq = false;

				for (int c = 0; c < ncols; c++)
					if (has_prefix_ci(names[c], "LFQ intensity "))
						lfq = true;
				plan->sample_prefix = lfq ? "LFQ intensity " : "Intensity ";
				plan->zero_is_missing = true;
				for (int c = 0; c < ncols; c++)
				{
					char		k[KEY_MAX];

					if (c == plan->id_col)
						continue;
					columns_key(names[c], k, sizeof(k));
					if (key_in(k, maxquant_flag_keys) >= 0)
						set_role(plan, c, ROLE_DROP_FLAG, NULL);
					else if (has_prefix_ci(names[c], plan->sample_prefix))
						set_role(plan, c, ROLE_SAMPLE, NULL);
				}
			}
			break;
		case LAYOUT_MAF:
			for (int c = 0; c < ncols; c++)
			{
				char		k[KEY_MAX];

				if (plan->roles[c] != ROLE_NONE)
					continue;
				columns_key(names[c], k, sizeof(k));
				if (key_in(k, maf_fixed_keys) >= 0 || strncmp(k, "cf", 2) == 0)
					continue;
				if (column_kind(sample, ncols, c) != KIND_TEXT)
					set_role(plan, c, ROLE_SAMPLE, NULL);
			}
			break;
		case LAYOUT_MZTAB:
			{
				const char *prefix = "abundance_assay[";

				for (int c = 0; c < ncols; c++)
					if (strncasecmp(names[c], "abundance_assay[", 16) == 0)
						set_role(plan, c, ROLE_SAMPLE, NULL);
				if (plan->nsamples == 0)
				{
					prefix = "abundance_study_variable[";
					for (int c = 0; c < ncols; c++)
						if (strncasecmp(names[c], prefix, strlen(prefix)) == 0)
							set_role(plan, c, ROLE_SAMPLE, NULL);
				}
			}
			break;
		case LAYOUT_MWTAB:
		case LAYOUT_MATRIX:
		case LAYOUT_AUTO:
			for (int c = 0; c < ncols; c++)
			{
				col_kind	kind;

				if (plan->roles[c] != ROLE_NONE)
					continue;
				/* A column with nothing but missing values in the first
				 * rows is a sample that was not measured there. */
				kind = column_kind(sample, ncols, c);
				if (kind != KIND_TEXT)
					set_role(plan, c, ROLE_SAMPLE, NULL);
			}
			break;
	}
	if (status == COLUMNS_OK && layout != LAYOUT_RESULTS && layout != LAYOUT_LONG && plan->nsamples == 0)
		status = COLUMNS_NO_VALUES;
	if (status == COLUMNS_NO_VALUES)
	{
		list_headers(names, ncols, headers, sizeof(headers));
		snprintf(err, errsz, "identity column \"%s\" found, but no %s columns among: %s",
				 names[plan->id_col],
				 layout == LAYOUT_RESULTS ? "statistic (log2 fold change, statistic, p-value, adjusted p-value)" :
				 layout == LAYOUT_LONG ? "sample and value" : "numeric sample",
				 headers);
	}
	return status;
}

static const char *const layout_names[] = {
	"auto", "results", "matrix", "long", "maxquant", "maf", "mwtab", "mztab", NULL
};

const char *
layout_name(ingest_layout layout)
{
	if ((int) layout < 0 || (int) layout >= (int) (sizeof(layout_names) / sizeof(layout_names[0])) - 1)
		return "unknown";
	return layout_names[layout];
}

int
layout_from_name(const char *name)
{
	for (int i = 0; layout_names[i]; i++)
		if (strcasecmp(name, layout_names[i]) == 0)
			return i;
	return -1;
}
