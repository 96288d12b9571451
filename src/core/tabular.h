/*
 * tabular.h - sniffing and streaming of delimited text tables.
 *
 * The inner-ring reader behind file ingestion.  It turns the bytes of a
 * CSV/TSV/semicolon file, or of the table embedded in an mwTab or mzTab-M
 * file, into records (arrays of NUL-terminated fields) delivered to a
 * callback, one at a time, with the physical line each record starts on.
 *
 *	tab_sniff()          looks at the first bytes (up to 1 MB) and returns
 *	                     a tab_dialect: format, delimiter, BOM, line ends,
 *	                     header line, column count, decimal comma ...
 *	tab_reader_*()       stream the whole file in chunks of any size with
 *	                     that dialect; memory stays bounded by the longest
 *	                     record, never by the file.
 *	tab_parse_double()   the number parser used for every numeric cell.
 *
 * Plain C, no PostgreSQL headers, no global mutable state.  Every byte of
 * memory the reader keeps comes from the caller's tab_alloc (the backend
 * passes palloc-based hooks, so an ERROR raised inside a callback cannot
 * leak).  tab_sniff() allocates nothing: it works in a fixed scratch area
 * on its own stack frame.
 *
 * Field and quote parsing is done by libcsv (link with -lcsv).
 * doc/file-formats.md is the user-facing description of the rules below.
 */
#ifndef AMPRENTA_TABULAR_H
#define AMPRENTA_TABULAR_H

#include <stddef.h>

/* ------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------
 * realloc_fn(ctx, NULL, n) allocates, realloc_fn(ctx, p, n) resizes (n > 0
 * always); it may return NULL (the reader then fails with TAB_ERR_NOMEM)
 * or not return at all (palloc's ERROR).  free_fn(ctx, NULL) must be
 * harmless.
 */
typedef struct tab_alloc
{
	void	   *(*realloc_fn) (void *ctx, void *ptr, size_t size);
	void		(*free_fn) (void *ctx, void *ptr);
	void	   *ctx;
} tab_alloc;

/* A ready allocator on libc malloc/realloc/free, for tests and fuzzing. */
extern const tab_alloc tab_alloc_malloc;

/* ------------------------------------------------------------------------
 * Status codes (function results and tab_error.code)
 * ------------------------------------------------------------------------
 */
typedef enum tab_status
{
	TAB_OK = 0,
	TAB_STOPPED,				/* a callback returned non-zero */
	TAB_ERR_EMPTY,				/* no bytes, or only white space / BOM */
	TAB_ERR_NOT_UTF8,			/* invalid UTF-8, NUL byte, UTF-16/32 */
	TAB_ERR_HEADER_ONLY,		/* a header and no data row */
	TAB_ERR_NO_TABLE,			/* no consistent delimited table */
	TAB_ERR_RAGGED,				/* a row's field count differs from the header's */
	TAB_ERR_FORMAT,				/* mwTab / mzTab-M without the expected block */
	TAB_ERR_QUOTE,				/* a quoted field is never closed */
	TAB_ERR_TOO_LONG,			/* a line or record exceeds max_record_bytes */
	TAB_ERR_NOMEM,				/* the allocator returned NULL */
	TAB_ERR_USAGE				/* bad argument or call sequence */
} tab_status;

#define TAB_ERROR_TEXT 256

/*
 * What went wrong, in short English sentences (ASCII, never bytes copied
 * from the file, so they can go straight into ereport).  line is the
 * 1-based physical line, 0 when not tied to a line.
 */
typedef struct tab_error
{
	int			code;			/* a tab_status */
	long		line;
	char		message[TAB_ERROR_TEXT];
	char		detail[TAB_ERROR_TEXT];
	char		hint[TAB_ERROR_TEXT];
} tab_error;

/* "TAB_ERR_RAGGED" etc., for logs and tests. */
extern const char *tab_status_name(int code);

/* ------------------------------------------------------------------------
 * Dialect
 * ------------------------------------------------------------------------
 */
typedef enum tab_format
{
	TAB_FORMAT_DELIMITED = 0,	/* CSV, TSV, semicolon: one table */
	TAB_FORMAT_MWTAB,			/* Metabolomics Workbench mwTab text */
	TAB_FORMAT_MZTAB			/* HUPO-PSI mzTab-M */
} tab_format;

typedef enum tab_eol
{
	TAB_EOL_LF = 0,				/* also a one-line file without terminator */
	TAB_EOL_CRLF,
	TAB_EOL_CR					/* classic Mac */
} tab_eol;

/*
 * Which embedded table to read.
 *	mwTab:   DATA = MS_METABOLITE_DATA, NMR_METABOLITE_DATA or
 *	         NMR_BINNED_DATA block; METABOLITES = METABOLITES block.
 *	mzTab-M: DATA = SMH/SML (small molecule summary); FEATURES = SFH/SMF;
 *	         EVIDENCE = SEH/SME.
 * Ignored for TAB_FORMAT_DELIMITED.
 */
typedef enum tab_block
{
	TAB_BLOCK_DATA = 0,
	TAB_BLOCK_METABOLITES,
	TAB_BLOCK_FEATURES,
	TAB_BLOCK_EVIDENCE
} tab_block;

/* tab_dialect.blocks_found bits: which blocks the sniffed sample holds */
#define TAB_FOUND_DATA			(1u << TAB_BLOCK_DATA)
#define TAB_FOUND_METABOLITES	(1u << TAB_BLOCK_METABOLITES)
#define TAB_FOUND_FEATURES		(1u << TAB_BLOCK_FEATURES)
#define TAB_FOUND_EVIDENCE		(1u << TAB_BLOCK_EVIDENCE)

/*
 * Filled by tab_sniff(); the caller may then override fields (delimiter,
 * header_line, block, decimal_comma, quote) before creating a reader.
 */
typedef struct tab_dialect
{
	tab_format	format;
	char		delimiter;		/* '\t', ',' or ';' ('|' when forced) */
	char		quote;			/* '"', or 0: quotes are ordinary bytes
								 * (mwTab and mzTab-M define no quoting) */
	int			bom;			/* a UTF-8 BOM was present (the reader skips it) */
	tab_eol		eol;			/* the first line terminator seen */
	int			mixed_eol;		/* other terminators occur too */

	/*
	 * Delimited files: 1-based physical line of the header row.  Lines
	 * before it are a preamble, given to on_meta.  mwTab/mzTab-M: the line
	 * of the block's header when it lies in the sample, else 0; the reader
	 * finds the block by its markers and ignores this field.
	 */
	long		header_line;

	/*
	 * Fields per delivered record (header and data), after trailing empty
	 * header cells are dropped and the identity column is added (see
	 * header_short).  0 when unknown (block beyond the sample).
	 */
	int			ncolumns;
	int			first_header_empty; /* the first header cell is "" */

	/*
	 * The header has one field fewer than the data rows (R's write.table
	 * with row names): the reader prepends an empty name "" so that the
	 * header and the rows line up.  first_header_empty is then set too.
	 */
	int			header_short;
	int			decimal_comma;	/* numeric cells use ',' as decimal mark */
	tab_block	block;			/* embedded table to read (default DATA) */
	unsigned	blocks_found;	/* TAB_FOUND_* bits seen in the sample */
	long		sampled_rows;	/* data rows seen by the sniffer */
} tab_dialect;

/*
 * Sniff the first bytes of a file.  buf holds the first len bytes (the
 * whole file when is_complete is non-zero; callers pass up to 1 MB).
 * forced_delimiter is 0 to detect, or '\t', ',', ';' or '|' to impose (it
 * is then validated).  Returns TAB_OK and fills *out, or an error code
 * and fills *err.
 */
extern int	tab_sniff(const char *buf, size_t len, int is_complete,
					  char forced_delimiter, tab_dialect *out, tab_error *err);

/* ------------------------------------------------------------------------
 * Streaming reader
 * ------------------------------------------------------------------------
 */
typedef struct tab_record
{
	long		line;			/* physical line where the record starts */
	int			nfields;
	const char *const *fields;	/* NUL-terminated; valid during the call */
	const size_t *lens;			/* byte length of each field */
	int			is_header;		/* the header row (delivered first) */
	int			is_factors;		/* mwTab's "Factors" row (sample factors,
								 * one per sample column): not a data row */
} tab_record;

/* Non-zero return stops the reader: feed/finish return TAB_STOPPED. */
typedef int (*tab_record_fn) (void *ctx, const tab_record *rec);

/*
 * Metadata lines: mwTab "XX:KEY  <TAB>value" lines and section lines,
 * mzTab-M MTD lines (key = 2nd field, value = 3rd), and for delimited
 * files the preamble and comment lines ("#key: value", "!key<TAB>value";
 * key "" when the line has no separator).  Non-zero return stops.
 */
typedef int (*tab_meta_fn) (void *ctx, const char *key, const char *value,
							long line);

#define TAB_DEFAULT_MAX_RECORD ((size_t) 64 * 1024 * 1024)

typedef struct tab_reader_options
{
	tab_meta_fn on_meta;		/* NULL: metadata lines are skipped */
	size_t		max_record_bytes;	/* longest line/record accepted; 0 =
									 * TAB_DEFAULT_MAX_RECORD */
} tab_reader_options;

typedef struct tab_reader tab_reader;

/*
 * Create a reader.  d and a are copied.  Returns NULL when the allocator
 * returns NULL or the dialect is unusable.
 */
extern tab_reader *tab_reader_create(const tab_dialect *d, const tab_alloc *a,
									 tab_record_fn on_record, void *ctx);

/* Optional; only before the first feed.  Returns TAB_OK or TAB_ERR_USAGE. */
extern int	tab_reader_set_options(tab_reader *r, const tab_reader_options *o);

/*
 * Feed the next chunk (any size, any boundary).  Returns TAB_OK,
 * TAB_STOPPED or an error code (err filled).  After anything but TAB_OK
 * the reader is finished: further calls return the same code.
 */
extern int	tab_reader_feed(tab_reader *r, const char *buf, size_t len,
							tab_error *err);

/* End of input: flushes the last line, checks quotes, blocks, rows. */
extern int	tab_reader_finish(tab_reader *r, tab_error *err);

/* Frees everything the reader allocated.  NULL is allowed. */
extern void tab_reader_destroy(tab_reader *r);

/* Data rows delivered so far (not the header, not the Factors row). */
extern long tab_reader_rows(const tab_reader *r);

/*
 * For error context: inside on_record, the line where that record starts;
 * inside on_meta, that line; between calls, the last line processed.
 */
extern long tab_reader_line(const tab_reader *r);

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------
 */
typedef enum tab_num
{
	TAB_NUM_OK = 0,
	TAB_NUM_MISSING,			/* empty, NA, NaN, null, -, ... (*out = NaN) */
	TAB_NUM_INVALID				/* not a number (*out = NaN) */
} tab_num;

/*
 * Parse one cell as a double, independently of the process locale.
 * See tabular_number.c and doc/file-formats.md for the accepted forms.
 */
extern int	tab_parse_double(const char *s, size_t len, int decimal_comma,
							 double *out);

#endif							/* AMPRENTA_TABULAR_H */
