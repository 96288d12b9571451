/*
 * signature_file.h - read signature definition files.
 *
 * A signature file is a delimited table (TSV, CSV or semicolon; the
 * dialect is sniffed by tab_sniff and read by the tabular reader, so a
 * BOM, CRLF/CR line ends, quotes, comment lines and a preamble are
 * handled there) with a header row and one component per data row:
 *
 *	feature_type  feature_name     direction  weight
 *	gene          TP53             up         1.0
 *	lipid         Cer(d18:1/16:0)  down       0.8
 *
 * Header names are compared like the ingestion layer does (columns_key:
 * case, spaces, underscores and punctuation do not matter, so "Feature
 * Name" is feature_name).  Per role, the first name of its list that some
 * column has wins; other columns are ignored:
 *
 *	signature  signature_name, signature                       optional
 *	feature    feature_name, feature, name, species, metabolite,
 *	           lipid, gene, protein, compound                  required
 *	type       feature_type, type, featuretype                 optional
 *	direction  direction, dir, change, regulation              optional
 *	weight     weight, w, importance                           optional
 *
 * Cells (all trimmed of ASCII white space and U+00A0):
 *	feature    empty: the row is skipped and counted (summary.skipped)
 *	type       gene|g|genes|transcript, protein|p|proteins|prot,
 *	           metabolite|m|metabolites|met, lipid|l|lipids (any case);
 *	           empty or no column: FEATURE_UNKNOWN (the caller infers)
 *	direction  see sig_direction_parse(); empty or no column: SIG_DIR_NONE
 *	weight     tab_parse_double, finite and >= 0; empty or no column: 1.0
 *	signature  non-empty when the column exists; NULL without the column
 *
 * Plain C, no PostgreSQL headers, no global mutable state; memory only
 * through the caller's tab_alloc.  Error texts are ASCII: values quoted
 * from the file are cut to 60 bytes at a character boundary and non-ASCII
 * characters are written as \uXXXX.
 */
#ifndef AMPRENTA_SIGNATURE_FILE_H
#define AMPRENTA_SIGNATURE_FILE_H

#include <stddef.h>

#include "normalize.h"
#include "tabular.h"

/* The values of the SQL enum amprenta.signature_direction, plus NONE. */
typedef enum sig_direction
{
	SIG_DIR_NONE = 0,			/* no direction given (SQL NULL) */
	SIG_DIR_UP,
	SIG_DIR_DOWN,
	SIG_DIR_NEUTRAL,
	SIG_DIR_COMPLEX
} sig_direction;

typedef enum sigfile_status
{
	SIGFILE_OK = 0,
	SIGFILE_STOPPED,			/* on_row returned non-zero */
	SIGFILE_ERR_TABLE,			/* the reader failed: tab_error.code is its
								 * tab_status (TAB_ERR_EMPTY, _RAGGED ...) */
	SIGFILE_ERR_NO_FEATURE_COLUMN,	/* no header names the feature */
	SIGFILE_ERR_TYPE,			/* unknown feature type */
	SIGFILE_ERR_DIRECTION,		/* unknown direction */
	SIGFILE_ERR_WEIGHT,			/* not a number, not finite, or negative */
	SIGFILE_ERR_SIGNATURE_NAME, /* empty cell in the signature column */
	SIGFILE_ERR_NO_COMPONENTS	/* header only, or every row skipped */
} sigfile_status;

/* One component.  The strings are valid only during the callback. */
typedef struct sigfile_row
{
	const char *signature;		/* NULL when the file has no such column */
	const char *feature;		/* trimmed, never empty */
	int			feature_type;	/* a feature_kind; FEATURE_UNKNOWN: infer */
	sig_direction direction;
	double		weight;			/* finite, >= 0 */
	long		line;			/* physical 1-based line of the row */
} sigfile_row;

typedef struct sigfile_summary
{
	long		rows;			/* data rows read (blank lines excluded) */
	long		components;		/* rows given to on_row */
	long		skipped;		/* rows with an empty feature name */
	int			has_signature_column;
	int			has_type_column;
	int			has_direction_column;
	int			has_weight_column;
} sigfile_summary;

typedef int (*sigfile_row_fn) (void *arg, const sigfile_row *row);

/*
 * Read the whole file buf[0..len), calling on_row (may be NULL: validate
 * only) for every component in file order; a non-zero return stops the
 * reading with SIGFILE_STOPPED.  sum (may be NULL) is filled as far as
 * the reading went.  Rows are delivered as they are read, so on an error
 * on_row may already have seen the rows before it: treat any result but
 * SIGFILE_OK as the failure of the whole file.
 *
 * On anything but SIGFILE_OK, *err (may be NULL) is filled: message,
 * detail and hint in short ASCII English, line = the physical 1-based
 * line concerned (the header's for NO_FEATURE_COLUMN and NO_COMPONENTS),
 * and code = the returned status, except for SIGFILE_ERR_TABLE, where
 * code is the reader's tab_status.  An empty file is SIGFILE_ERR_TABLE
 * with TAB_ERR_EMPTY; a header without rows is SIGFILE_ERR_NO_COMPONENTS.
 */
extern sigfile_status sigfile_read(const char *buf, size_t len,
								   const tab_alloc *alloc,
								   sigfile_row_fn on_row, void *arg,
								   sigfile_summary *sum, tab_error *err);

/*
 * Parse a direction (trimmed; ASCII words in any case):
 *	up       U+2191 (up arrow), up, increased, increase, +, upregulated
 *	down     U+2193 (down arrow), down, decreased, decrease, -, downregulated
 *	neutral  neutral, none, 0, unchanged
 *	complex  complex, mixed
 * Empty or blank: SIG_DIR_NONE.  Anything else: -1.
 */
extern int	sig_direction_parse(const char *s, size_t len);

/* "up", "down", "neutral", "complex"; NULL for SIG_DIR_NONE or junk. */
extern const char *sig_direction_name(sig_direction d);

/* "SIGFILE_ERR_WEIGHT" etc., for logs and tests. */
extern const char *sigfile_status_name(int status);

#endif							/* AMPRENTA_SIGNATURE_FILE_H */
