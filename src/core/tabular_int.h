/*
 * tabular_int.h - private declarations shared by the tabular*.c files.
 *
 * Not part of the API: only tabular_*.c include it.  The pieces are
 *	tabular_text.c      allocator, errors, UTF-8 check, line helpers
 *	tabular_lines.c     chunks to physical lines
 *	tabular_csv.c       libcsv glue (one physical line at a time)
 *	tabular_sections.c  which lines are table, metadata or noise
 *	                    (delimited preamble/comments, mwTab, mzTab-M)
 *	tabular_number.c    number shapes for the decimal-comma vote
 *	tabular_probe.c     one candidate reading of a sniffing sample
 * used by tabular_sniff.c and tabular_reader.c.
 */
#ifndef AMPRENTA_TABULAR_INT_H
#define AMPRENTA_TABULAR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <csv.h>

#include "tabular.h"

/* ------------------------------------------------------------------------
 * tabular_text.c
 * ------------------------------------------------------------------------
 */
extern int	tab_fail(tab_error *err, int code, long line, const char *message,
					 const char *hint, const char *detail_fmt,...)
			__attribute__((format(printf, 6, 7)));

/* Index of the first byte that is not valid UTF-8 (NUL counts), or len. */
extern size_t tab_utf8_check(const unsigned char *s, size_t len);

/* Fill err for an invalid byte at s[bad] on a line starting at offset. */
extern int	tab_fail_utf8(tab_error *err, const unsigned char *s, size_t len,
						  size_t bad, long line, uint64_t line_offset);

/* Index of the first CR or LF in s[0..len), or len. */
extern size_t tab_find_eol(const char *s, size_t len);

/* Only spaces and tabs (or nothing). */
extern bool tab_is_blank(const char *s, size_t n);

/* A '#' or '!' comment line (Excel error values like #N/A are not). */
extern bool tab_is_comment(const char *s, size_t n, char delim);

/* Starts with the UTF-8 byte order mark. */
static inline bool
tab_has_bom(const char *s, size_t n)
{
	return n >= 3 && (unsigned char) s[0] == 0xEF &&
		(unsigned char) s[1] == 0xBB && (unsigned char) s[2] == 0xBF;
}

/* Trim ASCII spaces and tabs on both sides of a span. */
extern void tab_trim(const char **s, size_t *n);

/* ------------------------------------------------------------------------
 * tabular_lines.c
 * ------------------------------------------------------------------------
 */

/*
 * One physical line: s[0..n) is its content, followed in the same buffer
 * by tlen terminator bytes (0 for a last line without one).  Returns
 * TAB_OK to go on, anything else to stop.
 */
typedef int (*tab_line_fn) (void *ctx, const char *s, size_t n, size_t tlen,
							long line, uint64_t offset, tab_error *err);

typedef struct tab_lines
{
	const tab_alloc *alloc;		/* must outlive the splitter */
	size_t		max_line;
	tab_line_fn on_line;
	void	   *ctx;
	char	   *pend;			/* a line that straddles chunks */
	size_t		pendlen;
	size_t		pendcap;
	bool		pend_cr;		/* pend ends in CR; next byte decides CRLF */
	long		line;			/* number of the next line */
	uint64_t	offset;			/* byte offset of the next line */
} tab_lines;

extern void tab_lines_init(tab_lines *ls, const tab_alloc *a, size_t max_line,
						   tab_line_fn on_line, void *ctx);
extern int	tab_lines_feed(tab_lines *ls, const char *buf, size_t len,
						   tab_error *err);
extern int	tab_lines_finish(tab_lines *ls, tab_error *err);
extern void tab_lines_free(tab_lines *ls);

/* ------------------------------------------------------------------------
 * tabular_csv.c
 * ------------------------------------------------------------------------
 */
typedef void (*tab_field_fn) (void *ctx, const char *s, size_t len);

typedef struct tab_csv
{
	struct csv_parser p;
	tab_field_fn on_field;
	void	   *ctx;
	bool		heap;			/* entry buffer from a tab_alloc */
	bool		in_record;		/* a record started and has not ended */
	bool		ended;			/* set by the row callback */
	long		nfields;		/* fields completed, ever */
	long		quote_line;		/* line where the open quoted field began */
} tab_csv;

/* The field buffer grows through *a (a must outlive c). */
extern int	tab_csv_init(tab_csv *c, char delim, char quote, const tab_alloc *a,
						 tab_field_fn on_field, void *ctx);

/* The field buffer is buf[0..size); a longer field fails with NOMEM. */
extern void tab_csv_init_fixed(tab_csv *c, char delim, char quote,
							   char *buf, size_t size,
							   tab_field_fn on_field, void *ctx);

/*
 * Parse one physical line including its terminator (the last line of a
 * file may have none).  *ended tells whether a record ended on it.
 * Returns TAB_OK or TAB_ERR_NOMEM.
 */
extern int	tab_csv_line(tab_csv *c, const char *s, size_t n, long line,
						 bool *ended);

/*
 * End of input.  Ends a record left open by a last line without
 * terminator (*ended = true).  Returns TAB_ERR_QUOTE when a quoted field
 * is still open (c->quote_line says where it began), else TAB_OK.
 */
extern int	tab_csv_finish(tab_csv *c, bool *ended);

/* Bytes of the field being accumulated. */
extern size_t tab_csv_field_bytes(const tab_csv *c);

extern void tab_csv_free(tab_csv *c);

/* ------------------------------------------------------------------------
 * tabular_sections.c
 * ------------------------------------------------------------------------
 */
typedef enum tab_route
{
	TAB_ROUTE_SKIP = 0,			/* blank, comment without use, other block */
	TAB_ROUTE_META,				/* key/value in rt->key / rt->value */
	TAB_ROUTE_TABLE,			/* a line of the table: give it to the parser */
	TAB_ROUTE_ERROR				/* err filled (format error) */
} tab_route;

typedef struct tab_router
{
	tab_format	format;
	char		delim;
	tab_block	block;
	long		header_line;	/* delimited: first line of the table */
	int			mw_state;		/* mwTab: outside / in selected / in other */
	long		block_line;		/* mwTab: line of the selected _START */
	bool		block_done;		/* mwTab: selected block closed by _END */
	bool		mz_header;		/* mzTab: header line of the section seen */
	unsigned	found;			/* TAB_FOUND_* bits */
	bool		results_file;	/* mwTab: a *_RESULTS_FILE line was seen */
	/* output of TAB_ROUTE_META, spans into the routed line */
	const char *key;
	size_t		keylen;
	const char *value;
	size_t		valuelen;
} tab_router;

extern void tab_router_init(tab_router *rt, const tab_dialect *d);

/* Classify one physical line (without terminator, not inside a record). */
extern tab_route tab_route_line(tab_router *rt, const char *s, size_t n,
								long line, tab_error *err);

/* End of input: TAB_ERR_FORMAT when the selected block is missing. */
extern int	tab_router_finish(tab_router *rt, tab_error *err);

/* Does the file start like mwTab / mzTab-M?  (first lines of a sample) */
extern tab_format tab_detect_format(const char *s, size_t n);

/* Number of leading fields a mzTab-M table line loses (the prefix). */
static inline int
tab_prefix_fields(tab_format f)
{
	return f == TAB_FORMAT_MZTAB ? 1 : 0;
}

/* ------------------------------------------------------------------------
 * tabular_probe.c (used by tabular_sniff.c)
 * ------------------------------------------------------------------------
 */
#define TAB_SNIFF_MAX_RECORDS	1000	/* records sampled per candidate */
#define TAB_SNIFF_FIELD_BYTES	65536	/* libcsv scratch: longest field */
#define TAB_SNIFF_MAX_PREAMBLE	64	/* records above the header, at most */
#define TAB_SNIFF_SHAPE_BYTES	64	/* longer cells are not numbers */
#define TAB_SNIFF_PROSE_SPACES	4	/* more spaces per line: running text */

/* Statistics of one record of the sample. */
typedef struct tab_srec
{
	long		line;
	int			nf;				/* fields (after an mzTab prefix) */
	int			sig;			/* fields up to the last non-empty one */
	int			numeric;		/* cells that parse as numbers */
	int			vc;				/* decimal-comma cells (0,75) */
	int			vp;				/* decimal-point cells (0.75) */
	int			vc3;			/* 1,234 cells */
	int			spaces;			/* spaces in the cells (running text?) */
	bool		first_empty;
	bool		factors;		/* first cell is "Factors" */
} tab_srec;

/* One reading of the sample (one delimiter). */
typedef struct tab_probe
{
	tab_format	format;
	char		delim;
	int			skip;			/* prefix fields not counted (mzTab) */
	tab_srec   *recs;
	int			nrec;
	tab_srec	cur;
	int			rawfield;		/* raw field index within cur */
	bool		cut;			/* the sample ended early */
	long		quote_line;		/* unterminated quote at end of file */
	tab_router	rt;
} tab_probe;

/* What that reading makes of the sample. */
typedef struct tab_verdict
{
	int			klass;			/* a TAB_K_* */
	int			h;				/* header record */
	long		header_line;
	int			ncolumns;
	bool		header_short;
	bool		first_empty;
	int			data_rows;
	int			bad_rows;
	long		bad_line;
	int			bad_found;
	int			covered;
	int			multi;			/* records with two fields or more */
	long		spaces;			/* spaces in all cells */
	bool		prose;			/* one column of running text */
	int			decimal_comma;
	int			minnf;
	int			maxnf;
	long		quote_line;
	bool		cut;
} tab_verdict;

/* Classes of verdicts, best first. */
enum
{
	TAB_K_NONE = 0,				/* no records */
	TAB_K_TABLE,				/* consistent, >= 2 columns */
	TAB_K_RAGGED,				/* >= 2 columns, some rows do not fit */
	TAB_K_SINGLE,				/* consistent single column */
	TAB_K_JUNK					/* nothing usable */
};

/* Read the sample with pb->format / pb->delim / pb->skip / pb->recs set. */
extern int	tab_probe_run(tab_probe *pb, const char *buf, size_t len,
						  bool complete, char *scratch, tab_error *err);

/* What table that reading makes. */
extern void tab_probe_judge(const tab_probe *pb, tab_verdict *v);

/* ------------------------------------------------------------------------
 * tabular_number.c
 * ------------------------------------------------------------------------
 */
typedef enum tab_shape
{
	TAB_SHAPE_NONE = 0,			/* not a number */
	TAB_SHAPE_PLAIN,			/* integer, exponent form, or Inf */
	TAB_SHAPE_POINT,			/* decimal point, unambiguous: 0.75, 1,234.5 */
	TAB_SHAPE_COMMA,			/* decimal comma, unambiguous: 0,75, 1.234,5 */
	TAB_SHAPE_POINT3,			/* 1.234: decimal point or grouping */
	TAB_SHAPE_COMMA3			/* 1,234: decimal comma or grouping */
} tab_shape;

extern tab_shape tab_number_shape(const char *s, size_t len);

#endif							/* AMPRENTA_TABULAR_INT_H */
