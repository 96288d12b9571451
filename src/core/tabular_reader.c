/*
 * tabular_reader.c - the streaming reader: chunks in, records out.
 *
 * Three layers:
 *
 *  1. Lines.  tabular_lines.c cuts the chunks into physical lines (LF,
 *     CRLF or CR), counting them exactly.  Each complete line is checked
 *     for UTF-8 as a whole, so chunk boundaries inside a character do not
 *     matter.  The BOM is dropped from line 1.
 *  2. Routing.  A line that continues a record (open quoted field) goes to
 *     libcsv directly; any other line is classified by the router
 *     (tabular_sections.c): table, metadata (on_meta) or skipped.
 *  3. Records.  libcsv returns fields; when a record ends we check and
 *     deliver it.  The header is held back until the first data row
 *     arrives, so that a header with one field fewer than the rows (R's
 *     write.table with row names) can be recognised even when the caller
 *     moved header_line; it then gets an empty first name.
 *
 * Rules for data rows (w = header width): exactly w fields; or more than
 * w when every extra field is empty (spreadsheets pad rows with
 * delimiters; the extras are dropped); anything else is TAB_ERR_RAGGED.
 * A row whose fields are all empty is skipped like a blank line.  Header
 * width: the header's fields without trailing empty names, unless the
 * sniffer saw data under those columns (tab_dialect.ncolumns).
 *
 * Memory: the pending line, two record buffers (the held header and the
 * current record) and libcsv's field buffer, all grown geometrically
 * through the caller's tab_alloc and bounded by max_record_bytes.
 */
#include "tabular_int.h"

#include <limits.h>
#include <string.h>

/* One record's fields, stored back to back with NUL terminators. */
typedef struct recbuf
{
	char	   *bytes;
	size_t		len;
	size_t		cap;
	size_t	   *offs;			/* field i is bytes + offs[i] */
	size_t		fcap;
	int			nf;
	long		line;			/* where the record started */
	long		last_line;		/* where it ended */
} recbuf;

struct tab_reader
{
	tab_alloc	alloc;
	tab_dialect d;
	tab_record_fn on_record;
	void	   *ctx;
	tab_meta_fn on_meta;
	size_t		max_record;

	tab_csv		csv;
	tab_router	rt;

	tab_lines	lines;
	long		cur_line;		/* line being processed */
	long		ctx_line;		/* for tab_reader_line(): record or line */
	long		nonblank;		/* lines with something besides white space */

	/* records */
	recbuf		rec;			/* being assembled */
	recbuf		hdr;			/* held header */
	bool		oom;
	bool		header_seen;
	bool		header_sent;
	bool		header_short;
	int			hraw;			/* header fields as read */
	int			width;			/* fields per delivered record */
	long		rows;
	bool		factors_done;

	/* delivery scratch */
	const char **ptrs;
	size_t	   *plens;
	size_t		pcap;
	size_t		plcap;
	char	   *meta;
	size_t		metacap;

	int			status;			/* sticky result once not TAB_OK */
	tab_error	saved;
	bool		started;
};

static const char empty_name[] = "";

/* ------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------
 */
/*
 * Make room for need elements of elem bytes in p (capacity *cap), doubling.
 * Returns the (possibly moved) block, or NULL with p untouched.
 */
static void *
grow(tab_reader *r, void *p, size_t *cap, size_t need, size_t elem)
{
	size_t		ncap = *cap ? *cap : 16;
	void	   *np;

	if (need == 0)
		need = 1;
	if (need <= *cap)
		return p;
	while (ncap < need)
	{
		if (ncap > SIZE_MAX / 2 / elem)
			return NULL;
		ncap *= 2;
	}
	np = r->alloc.realloc_fn(r->alloc.ctx, p, ncap * elem);
	if (np != NULL)
		*cap = ncap;
	return np;
}

static void
recbuf_free(tab_reader *r, recbuf *b)
{
	r->alloc.free_fn(r->alloc.ctx, b->bytes);
	r->alloc.free_fn(r->alloc.ctx, b->offs);
	memset(b, 0, sizeof(*b));
}

/* libcsv field callback: append to the record being assembled. */
static void
on_field(void *ctx, const char *s, size_t len)
{
	tab_reader *r = ctx;
	recbuf	   *b = &r->rec;
	char	   *bytes;
	size_t	   *offs;

	if (r->oom)
		return;

	if (b->nf >= INT_MAX - 2 ||
		(bytes = grow(r, b->bytes, &b->cap, b->len + len + 1, 1)) == NULL)
	{
		r->oom = true;
		return;
	}
	b->bytes = bytes;
	if ((offs = grow(r, b->offs, &b->fcap, (size_t) b->nf + 1,
					 sizeof(size_t))) == NULL)
	{
		r->oom = true;
		return;
	}
	b->offs = offs;
	memcpy(b->bytes + b->len, s, len);
	b->bytes[b->len + len] = '\0';
	b->offs[b->nf] = b->len;
	b->len += len + 1;
	b->nf++;
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */
/* Record the end of reading (once: the first cause wins). */
static int
stop(tab_reader *r, int code, tab_error *err)
{
	if (r->status != TAB_OK)
		return r->status;
	r->status = code;
	if (code == TAB_STOPPED)
		tab_fail(err, TAB_STOPPED, r->cur_line, "reading stopped by the caller",
				 NULL, NULL);
	if (err != NULL)
		r->saved = *err;
	return code;
}

static int
nomem(tab_reader *r, tab_error *err)
{
	tab_fail(err, TAB_ERR_NOMEM, r->cur_line, "out of memory while reading the file",
			 NULL, NULL);
	return stop(r, TAB_ERR_NOMEM, err);
}

/* ------------------------------------------------------------------------
 * Records
 * ------------------------------------------------------------------------
 */
static int
sig_width(const recbuf *b, int skip, int n)
{
	int			sig = 0;

	for (int i = 0; i < n; i++)
		if (b->bytes[b->offs[skip + i]] != '\0')
			sig = i + 1;
	return sig;
}

/*
 * Call on_record with n fields of b starting at field skip, optionally
 * preceded by the empty identity column name.
 */
static int
deliver(tab_reader *r, const recbuf *b, int skip, int n, bool prefix_empty,
		bool is_header, bool is_factors, tab_error *err)
{
	int			total = n + (prefix_empty ? 1 : 0);
	int			k = 0;
	tab_record	rec;
	const char **ptrs;
	size_t	   *plens;

	ptrs = grow(r, (void *) r->ptrs, &r->pcap, (size_t) total, sizeof(char *));
	if (ptrs == NULL)
		return nomem(r, err);
	r->ptrs = ptrs;
	plens = grow(r, r->plens, &r->plcap, (size_t) total, sizeof(size_t));
	if (plens == NULL)
		return nomem(r, err);
	r->plens = plens;
	if (prefix_empty)
	{
		r->ptrs[k] = empty_name;
		r->plens[k] = 0;
		k++;
	}
	for (int i = 0; i < n; i++, k++)
	{
		int			f = skip + i;
		size_t		o = b->offs[f];
		size_t		next = f + 1 < b->nf ? b->offs[f + 1] : b->len;

		r->ptrs[k] = b->bytes + o;
		r->plens[k] = next - o - 1;
	}
	rec.line = b->line;
	r->ctx_line = b->line;
	rec.nfields = total;
	rec.fields = r->ptrs;
	rec.lens = r->plens;
	rec.is_header = is_header;
	rec.is_factors = is_factors;
	if (r->on_record(r->ctx, &rec) != 0)
		return stop(r, TAB_STOPPED, err);
	return TAB_OK;
}

/* Decide the header width (at the first data row or at the end) and send it. */
static int
send_header(tab_reader *r, const recbuf *first_row, int first_n,
			tab_error *err)
{
	int			skip = tab_prefix_fields(r->d.format);
	int			hsig = sig_width(&r->hdr, skip, r->hraw);

	r->header_short = r->d.header_short != 0;
	if (!r->header_short && first_row != NULL &&
		r->d.format == TAB_FORMAT_DELIMITED &&
		first_n == r->hraw + 1 && hsig == r->hraw &&
		first_row->bytes[first_row->offs[first_row->nf - 1]] != '\0')
		r->header_short = true; /* R's write.table: no name for row names */

	if (r->header_short)
		r->width = r->hraw + 1;
	else
	{
		r->width = hsig;
		if (r->d.format == TAB_FORMAT_DELIMITED && r->d.ncolumns > r->width)
			r->width = r->d.ncolumns < r->hraw ? r->d.ncolumns : r->hraw;
	}
	r->header_sent = true;
	return deliver(r, &r->hdr, skip, r->width - (r->header_short ? 1 : 0),
				   r->header_short, true, false, err);
}

static int
ragged(tab_reader *r, const recbuf *b, int n, tab_error *err)
{
	if (b->last_line > b->line)
		tab_fail(err, TAB_ERR_RAGGED, b->line,
				 "row has the wrong number of fields",
				 "The record spans several lines: a quote is probably not balanced.",
				 "Line %ld: expected %d fields, found %d (record spans lines %ld to %ld).",
				 b->line, r->width, n, b->line, b->last_line);
	else
		tab_fail(err, TAB_ERR_RAGGED, b->line,
				 "row has the wrong number of fields",
				 "Quote values that contain the delimiter, and give every row one value per column (an empty one if missing).",
				 "Line %ld: expected %d fields, found %d.", b->line, r->width, n);
	return stop(r, TAB_ERR_RAGGED, err);
}

static int
end_record(tab_reader *r, tab_error *err)
{
	recbuf	   *b = &r->rec;
	int			skip = tab_prefix_fields(r->d.format);
	int			n = b->nf - skip;
	int			sig;
	bool		factors;

	if (r->oom)
		return nomem(r, err);
	b->last_line = r->cur_line;
	if (n <= 0 || (sig = sig_width(b, skip, n)) == 0)
		return TAB_OK;			/* only empty fields: a blank row */

	if (!r->header_seen)
	{
		recbuf		t = r->hdr;

		/* keep the header; assemble the next record in its old buffer */
		r->hdr = r->rec;
		r->rec = t;
		r->rec.nf = 0;
		r->rec.len = 0;
		r->header_seen = true;
		r->hraw = n;
		return TAB_OK;
	}
	if (!r->header_sent)
	{
		int			rc = send_header(r, b, n, err);

		if (rc != TAB_OK)
			return rc;
	}

	if (n > r->width && sig <= r->width)
		n = r->width;			/* trailing empty fields: padding */
	if (n != r->width)
		return ragged(r, b, n, err);

	factors = false;
	if (r->d.format == TAB_FORMAT_MWTAB && r->d.block == TAB_BLOCK_DATA &&
		!r->factors_done && r->rows == 0)
	{
		factors = strcmp(b->bytes + b->offs[0], "Factors") == 0;
		r->factors_done = true;
	}
	if (!factors)
		r->rows++;
	return deliver(r, b, skip, n, false, false, factors, err);
}

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------
 */
static int
table_line(tab_reader *r, const char *s, size_t n, tab_error *err)
{
	bool		ended;
	int			rc;

	rc = tab_csv_line(&r->csv, s, n, r->cur_line, &ended);
	if (rc != TAB_OK || r->oom)
		return nomem(r, err);
	if (r->rec.len + tab_csv_field_bytes(&r->csv) > r->max_record)
	{
		tab_fail(err, TAB_ERR_TOO_LONG, r->rec.line,
				 "record is too long",
				 "A quoted field whose closing quote is missing swallows the lines after it; check the quotes from that line on.",
				 "The record starting on line %ld exceeds %zu bytes.",
				 r->rec.line, r->max_record);
		return stop(r, TAB_ERR_TOO_LONG, err);
	}
	if (ended)
		return end_record(r, err);
	return TAB_OK;
}

static int
meta_line(tab_reader *r, tab_error *err)
{
	const tab_router *rt = &r->rt;
	size_t		need = rt->keylen + rt->valuelen + 2;
	char	   *meta;

	if (r->on_meta == NULL)
		return TAB_OK;
	meta = grow(r, r->meta, &r->metacap, need, 1);
	if (meta == NULL)
		return nomem(r, err);
	r->meta = meta;
	memcpy(r->meta, rt->key, rt->keylen);
	r->meta[rt->keylen] = '\0';
	memcpy(r->meta + rt->keylen + 1, rt->value, rt->valuelen);
	r->meta[rt->keylen + 1 + rt->valuelen] = '\0';
	if (r->on_meta(r->ctx, r->meta, r->meta + rt->keylen + 1, r->cur_line) != 0)
		return stop(r, TAB_STOPPED, err);
	return TAB_OK;
}

/* One physical line from the splitter (see tab_line_fn). */
static int
on_line(void *ctx, const char *s, size_t n, size_t tlen, long line,
		uint64_t offset, tab_error *err)
{
	tab_reader *r = ctx;
	size_t		bad;

	r->cur_line = line;
	r->ctx_line = r->csv.in_record ? r->rec.line : line;
	if (line == 1 && tab_has_bom(s, n))
	{
		s += 3;
		n -= 3;
		offset += 3;
	}
	bad = tab_utf8_check((const unsigned char *) s, n);
	if (bad < n)
	{
		tab_fail_utf8(err, (const unsigned char *) s, n, bad, line, offset);
		return stop(r, TAB_ERR_NOT_UTF8, err);
	}
	if (!tab_is_blank(s, n))
		r->nonblank++;
	if (r->csv.in_record)
		return table_line(r, s, n + tlen, err);

	switch (tab_route_line(&r->rt, s, n, line, err))
	{
		case TAB_ROUTE_SKIP:
			return TAB_OK;
		case TAB_ROUTE_META:
			return meta_line(r, err);
		case TAB_ROUTE_ERROR:
			return stop(r, err ? err->code : TAB_ERR_FORMAT, err);
		case TAB_ROUTE_TABLE:
			break;
	}
	r->rec.nf = 0;
	r->rec.len = 0;
	r->rec.line = line;
	return table_line(r, s, n + tlen, err);
}

/* ------------------------------------------------------------------------
 * API
 * ------------------------------------------------------------------------
 */
tab_reader *
tab_reader_create(const tab_dialect *d, const tab_alloc *a,
				  tab_record_fn on_record, void *ctx)
{
	tab_reader *r;
	char		delim;

	if (d == NULL || a == NULL || a->realloc_fn == NULL || a->free_fn == NULL ||
		on_record == NULL)
		return NULL;
	delim = d->format == TAB_FORMAT_DELIMITED ? d->delimiter : '\t';
	if (delim != '\t' && delim != ',' && delim != ';' && delim != '|')
		return NULL;
	if (d->format == TAB_FORMAT_MZTAB && d->block == TAB_BLOCK_METABOLITES)
		return NULL;
	if (d->format == TAB_FORMAT_MWTAB && d->block != TAB_BLOCK_DATA &&
		d->block != TAB_BLOCK_METABOLITES)
		return NULL;

	r = a->realloc_fn(a->ctx, NULL, sizeof(tab_reader));
	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->alloc = *a;
	r->d = *d;
	r->d.delimiter = delim;
	if (r->d.quote != 0 && r->d.quote != '"' && r->d.quote != '\'')
		r->d.quote = '"';
	r->on_record = on_record;
	r->ctx = ctx;
	r->max_record = TAB_DEFAULT_MAX_RECORD;
	tab_lines_init(&r->lines, &r->alloc, r->max_record, on_line, r);
	tab_router_init(&r->rt, &r->d);
	if (tab_csv_init(&r->csv, delim, r->d.quote, &r->alloc, on_field, r) != TAB_OK)
	{
		a->free_fn(a->ctx, r);
		return NULL;
	}
	return r;
}

int
tab_reader_set_options(tab_reader *r, const tab_reader_options *o)
{
	if (r == NULL || o == NULL || r->started)
		return TAB_ERR_USAGE;
	r->on_meta = o->on_meta;
	r->max_record = o->max_record_bytes ? o->max_record_bytes
		: TAB_DEFAULT_MAX_RECORD;
	r->lines.max_line = r->max_record;
	return TAB_OK;
}

int
tab_reader_feed(tab_reader *r, const char *buf, size_t len, tab_error *err)
{
	int			rc;

	if (r == NULL)
		return tab_fail(err, TAB_ERR_USAGE, 0, "no reader", NULL, NULL);
	if (r->status != TAB_OK)
	{
		if (err != NULL)
			*err = r->saved;
		return r->status;
	}
	r->started = true;
	rc = tab_lines_feed(&r->lines, buf, len, err);
	if (rc != TAB_OK)
		return stop(r, rc, err);
	return TAB_OK;
}

int
tab_reader_finish(tab_reader *r, tab_error *err)
{
	int			rc;
	bool		ended;

	if (r == NULL)
		return tab_fail(err, TAB_ERR_USAGE, 0, "no reader", NULL, NULL);
	if (r->status != TAB_OK)
	{
		if (err != NULL)
			*err = r->saved;
		return r->status;
	}
	r->started = true;

	rc = tab_lines_finish(&r->lines, err);
	if (rc != TAB_OK)
		return stop(r, rc, err);

	rc = tab_csv_finish(&r->csv, &ended);
	if (rc == TAB_ERR_QUOTE)
	{
		tab_fail(err, TAB_ERR_QUOTE, r->csv.quote_line,
				 "quoted field is not closed",
				 "Close the quote, or double a quote character that belongs to the value (\"\").",
				 "The quote opened on line %ld has no closing quote before the end of the file.",
				 r->csv.quote_line);
		return stop(r, TAB_ERR_QUOTE, err);
	}
	if (rc != TAB_OK || r->oom)
		return nomem(r, err);
	if (ended)
	{
		rc = end_record(r, err);
		if (rc != TAB_OK)
			return rc;
	}

	rc = tab_router_finish(&r->rt, err);
	if (rc != TAB_OK)
		return stop(r, rc, err);

	if (!r->header_seen)
	{
		if (r->d.format != TAB_FORMAT_DELIMITED)
			tab_fail(err, TAB_ERR_FORMAT, r->rt.block_line,
					 "embedded table is empty",
					 "Check that the file is complete.",
					 "The selected block has no header row.");
		else if (r->nonblank == 0)
			tab_fail(err, TAB_ERR_EMPTY, 0, "file is empty",
					 "Check that the right file was given.",
					 "The file has no bytes other than white space or a byte order mark.");
		else
			tab_fail(err, TAB_ERR_NO_TABLE, 0, "file holds no table",
					 "Check header_line, or that the file is a delimited table.",
					 "Every line is a comment or part of the preamble.");
		return stop(r, err ? err->code : TAB_ERR_NO_TABLE, err);
	}
	if (!r->header_sent)
	{
		rc = send_header(r, NULL, 0, err);
		if (rc != TAB_OK)
			return rc;
	}
	if (r->rows == 0)
	{
		tab_fail(err, TAB_ERR_HEADER_ONLY, r->hdr.line,
				 "file has a header but no data rows",
				 "Check that the file is complete and that the header is on the right line.",
				 "The header is on line %ld and no data row follows it.",
				 r->hdr.line);
		return stop(r, TAB_ERR_HEADER_ONLY, err);
	}
	/* nothing more may be fed */
	tab_fail(&r->saved, TAB_ERR_USAGE, 0, "reader already finished", NULL, NULL);
	r->status = TAB_ERR_USAGE;
	return TAB_OK;
}

void
tab_reader_destroy(tab_reader *r)
{
	tab_alloc	a;

	if (r == NULL)
		return;
	a = r->alloc;
	tab_csv_free(&r->csv);
	recbuf_free(r, &r->rec);
	recbuf_free(r, &r->hdr);
	tab_lines_free(&r->lines);
	a.free_fn(a.ctx, (void *) r->ptrs);
	a.free_fn(a.ctx, r->plens);
	a.free_fn(a.ctx, r->meta);
	a.free_fn(a.ctx, r);
}

long
tab_reader_rows(const tab_reader *r)
{
	return r ? r->rows : 0;
}

long
tab_reader_line(const tab_reader *r)
{
	return r ? r->ctx_line : 0;
}
