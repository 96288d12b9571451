/*
 * columns.h - what the columns of an omics table mean.
 *
 * Given the header and the first data rows of a table, decide the layout
 * (results table, sample matrix, long format, MaxQuant proteinGroups,
 * MetaboLights MAF, mwTab data block, mzTab-M SML section) and the role of
 * every column: the identity column, the statistics, the sample columns.
 * Plain C, no PostgreSQL headers; the ingestion glue acts on the plan.
 */
#ifndef AMPRENTA_COLUMNS_H
#define AMPRENTA_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ingest_layout
{
	LAYOUT_AUTO = 0,
	LAYOUT_RESULTS,				/* DESeq2/edgeR/limma: id + log2FC/stat/p/padj */
	LAYOUT_MATRIX,				/* id + one numeric column per sample */
	LAYOUT_LONG,				/* id, sample, value (Skyline-like) */
	LAYOUT_MAXQUANT,			/* proteinGroups.txt */
	LAYOUT_MAF,					/* MetaboLights metabolite assignment file */
	LAYOUT_MWTAB,				/* mwTab MS_METABOLITE_DATA block */
	LAYOUT_MZTAB				/* mzTab-M SML section */
} ingest_layout;

typedef enum col_role
{
	ROLE_NONE = 0,				/* kept nowhere */
	ROLE_ID,					/* the feature identifier */
	ROLE_ID_FALLBACK,			/* identifier used when ROLE_ID is empty */
	ROLE_LOG2FC,
	ROLE_STAT,
	ROLE_PVALUE,
	ROLE_PADJ,
	ROLE_ABUNDANCE,				/* baseMean, AveExpr, logCPM */
	ROLE_SAMPLE,				/* one sample's value (matrix layouts) */
	ROLE_LONG_SAMPLE,			/* long layout: the sample name */
	ROLE_LONG_VALUE,			/* long layout: the value */
	ROLE_DROP_FLAG				/* a non-empty cell drops the row (MaxQuant) */
} col_role;

typedef struct col_plan
{
	ingest_layout layout;
	int			ncols;
	col_role   *roles;			/* caller-allocated, ncols entries */
	int			id_col;
	int			id_fallback_col;	/* -1 when none */
	int			log2fc_col;		/* -1 when absent, same for the others */
	int			stat_col;
	int			p_col;
	int			padj_col;
	int			abundance_col;
	int			long_sample_col;
	int			long_value_col;
	int			nsamples;		/* number of ROLE_SAMPLE columns */
	const char *sample_prefix;	/* stripped from sample column names, or "" */
	bool		zero_is_missing;	/* MaxQuant: 0 means not quantified */
} col_plan;

/* A sample of the first data rows, row-major, nrows * ncols cells. */
typedef struct col_sample
{
	int			nrows;
	const char *const *cells;
	bool		decimal_comma;
} col_sample;

#define COLUMNS_ERR_MAX 512

typedef enum columns_status
{
	COLUMNS_OK = 0,
	COLUMNS_NO_IDENTITY,		/* no identity column found */
	COLUMNS_BAD_FEATURE_COLUMN, /* options.feature_column names no column */
	COLUMNS_NO_VALUES,			/* an identity column but nothing numeric */
	COLUMNS_LAYOUT_MISMATCH		/* forced layout impossible for this header */
} columns_status;

/*
 * Plan the columns.  `format_layout` is LAYOUT_MWTAB / LAYOUT_MZTAB when
 * the reader found such a block, else LAYOUT_AUTO; `forced` is the user's
 * layout option (LAYOUT_AUTO = detect); `feature_column` the user's
 * identity column name or NULL.  On failure, err says what was seen.
 */
extern columns_status columns_plan(const char *const *names, int ncols,
								   const col_sample *sample,
								   ingest_layout format_layout,
								   ingest_layout forced,
								   const char *feature_column,
								   col_plan *plan,
								   char *err, size_t errsz);

/* "results", "matrix", ... and back; -1 when unknown. */
extern const char *layout_name(ingest_layout layout);
extern int	layout_from_name(const char *name);

/*
 * Lower-case the header name and drop everything but letters and digits,
 * so "log2FoldChange", "log2 fold change" and "log2_fold_change" compare
 * equal.  Writes at most outsz - 1 bytes.
 */
extern void columns_key(const char *name, char *out, size_t outsz);

#endif
