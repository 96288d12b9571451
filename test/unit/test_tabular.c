/*
 * test_tabular.c - unit tests of the tabular reader (src/core/tabular*.c).
 *
 * Every reader test feeds its input at chunk sizes 1, 2, 3, 7 and whole
 * and checks that the same records (and metadata lines, and the same
 * result and error line) come out each time.  Records are serialised as
 *	<line><H|F|D>:field|field|...\n      (H header, F mwTab Factors, D data)
 *	<line>M:key=value\n                  (on_meta)
 * with '|', '\\', CR and LF inside fields escaped as \|, \\, \r, \n.
 */
#include "tabular.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * A counting allocator: leaks and peak memory
 * ------------------------------------------------------------------------
 */
typedef struct counting
{
	long		live;			/* blocks not freed */
	size_t		bytes;			/* bytes in use */
	size_t		peak;
} counting;

typedef union chead
{
	size_t		size;
	max_align_t align;
} chead;

static void *
count_realloc(void *ctx, void *ptr, size_t size)
{
	counting   *c = ctx;
	chead	   *h = ptr ? (chead *) ptr - 1 : NULL;
	size_t		old = h ? h->size : 0;
	chead	   *n = realloc(h, size + sizeof(chead));

	if (n == NULL)
		return NULL;
	if (h == NULL)
		c->live++;
	c->bytes += size - old;
	if (c->bytes > c->peak)
		c->peak = c->bytes;
	n->size = size;
	return n + 1;
}

static void
count_free(void *ctx, void *ptr)
{
	counting   *c = ctx;
	chead	   *h;

	if (ptr == NULL)
		return;
	h = (chead *) ptr - 1;
	c->live--;
	c->bytes -= h->size;
	free(h);
}

/* ------------------------------------------------------------------------
 * Collecting records
 * ------------------------------------------------------------------------
 */
typedef struct sink
{
	char	   *buf;
	size_t		len;
	size_t		cap;
	int			stop_after;		/* stop at this record (1-based), 0 never */
	int			nrec;
	long		last_line;
	int			problems;		/* invariant violations */
	int			width;			/* header width */
	tab_reader *reader;			/* to check tab_reader_line() */
} sink;

static void
put(sink *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap)
	{
		s->cap = (s->len + n + 1) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void
put_escaped(sink *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		switch (p[i])
		{
			case '|':
				put(s, "\\|", 2);
				break;
			case '\\':
				put(s, "\\\\", 2);
				break;
			case '\n':
				put(s, "\\n", 2);
				break;
			case '\r':
				put(s, "\\r", 2);
				break;
			default:
				put(s, p + i, 1);
		}
	}
}

static int
on_rec(void *ctx, const tab_record *r)
{
	sink	   *s = ctx;
	char		head[64];

	if (r->line < s->last_line || r->line < 1)
		s->problems++;
	if (s->reader != NULL && tab_reader_line(s->reader) != r->line)
		s->problems++;
	s->last_line = r->line;
	if (r->is_header)
		s->width = r->nfields;
	else if (r->nfields != s->width)
		s->problems++;
	snprintf(head, sizeof(head), "%ld%c:", r->line,
			 r->is_header ? 'H' : r->is_factors ? 'F' : 'D');
	put(s, head, strlen(head));
	for (int i = 0; i < r->nfields; i++)
	{
		if (strlen(r->fields[i]) != r->lens[i])
			s->problems++;
		if (i > 0)
			put(s, "|", 1);
		put_escaped(s, r->fields[i], r->lens[i]);
	}
	put(s, "\n", 1);
	s->nrec++;
	return s->stop_after && s->nrec >= s->stop_after;
}

static int
on_meta(void *ctx, const char *key, const char *value, long line)
{
	sink	   *s = ctx;
	char		head[64];

	snprintf(head, sizeof(head), "%ldM:", line);
	put(s, head, strlen(head));
	put_escaped(s, key, strlen(key));
	put(s, "=", 1);
	put_escaped(s, value, strlen(value));
	put(s, "\n", 1);
	return 0;
}

typedef struct result
{
	int			rc;
	tab_error	err;
	char	   *text;
	long		rows;
	int			problems;
	size_t		peak;
	long		leaked;
} result;

static void
run_reader(const tab_dialect *d, const char *in, size_t len, size_t chunk,
		   size_t max_record, int with_meta, int stop_after, result *out)
{
	counting	cnt = {0, 0, 0};
	tab_alloc	a = {count_realloc, count_free, &cnt};
	sink		s;
	tab_reader *r;
	tab_reader_options o = {with_meta ? on_meta : NULL, max_record};
	int			rc = TAB_OK;

	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	s.stop_after = stop_after;
	s.last_line = 0;
	put(&s, "", 0);
	r = tab_reader_create(d, &a, on_rec, &s);
	if (r == NULL)
	{
		out->rc = -1;
		out->text = s.buf;
		return;
	}
	s.reader = r;
	tab_reader_set_options(r, &o);
	if (chunk == 0)
		chunk = len ? len : 1;
	for (size_t i = 0; i < len && rc == TAB_OK; i += chunk)
		rc = tab_reader_feed(r, in + i, len - i < chunk ? len - i : chunk, &out->err);
	if (rc == TAB_OK)
		rc = tab_reader_finish(r, &out->err);
	out->rc = rc;
	out->rows = tab_reader_rows(r);
	tab_reader_destroy(r);
	out->text = s.buf;
	out->problems = s.problems;
	out->peak = cnt.peak;
	out->leaked = cnt.live;
}

/*
 * Read `in` with dialect d at every chunk size and compare with want
 * (NULL: do not compare the text), want_rc and, for errors, want_line.
 */
static void
expect_read_opts(const char *name, const tab_dialect *d, const char *in,
				 size_t len, const char *want, int want_rc, long want_line,
				 size_t max_record)
{
	static const size_t chunks[] = {1, 2, 3, 7, 0};
	char	   *first = NULL;

	for (int i = 0; i < 5; i++)
	{
		result		res;
		int			ok;

		run_reader(d, in, len, chunks[i], max_record, 1, 0, &res);
		ok = res.rc == want_rc && res.problems == 0 && res.leaked == 0 &&
			(want_rc == TAB_OK || res.err.line == want_line) &&
			(want == NULL || strcmp(res.text, want) == 0) &&
			(first == NULL || strcmp(res.text, first) == 0);
		CHECK(ok, "%s: chunk %zu", name, chunks[i] ? chunks[i] : len);
		if (!ok)
		{
			NOTE("rc %s (want %s), line %ld (want %ld), problems %d, leaked %ld",
				 tab_status_name(res.rc), tab_status_name(want_rc),
				 res.err.line, want_line, res.problems, res.leaked);
			NOTE("error: %s | %s | %s", res.err.message, res.err.detail, res.err.hint);
			printf("# got:\n%s# want:\n%s", res.text, want ? want : "(any)\n");
		}
		if (first == NULL)
			first = res.text;
		else
			free(res.text);
	}
	free(first);
}

static void
expect_read(const char *name, const tab_dialect *d, const char *in,
			const char *want, int want_rc, long want_line)
{
	expect_read_opts(name, d, in, strlen(in), want, want_rc, want_line, 0);
}

/* Sniff the whole input (complete), then read it. */
static tab_dialect
sniff_ok(const char *name, const char *in, size_t len, char forced)
{
	tab_dialect d;
	tab_error	e;
	int			rc = tab_sniff(in, len, 1, forced, &d, &e);

	CHECK(rc == TAB_OK, "%s: sniff ok", name);
	if (rc != TAB_OK)
		NOTE("%s: %s | %s", tab_status_name(rc), e.message, e.detail);
	return d;
}

static void
expect_sniff_error(const char *name, const char *in, size_t len, char forced,
				   int want_rc, long want_line, const char *detail_part)
{
	tab_dialect d;
	tab_error	e;
	int			rc;

	memset(&e, 0, sizeof(e));
	rc = tab_sniff(in, len, 1, forced, &d, &e);
	CHECK(rc == want_rc && e.code == want_rc && e.line == want_line &&
		  (detail_part == NULL || strstr(e.detail, detail_part) != NULL) &&
		  e.message[0] != '\0',
		  "%s: sniff %s at line %ld", name, tab_status_name(want_rc), want_line);
	if (rc != want_rc || e.line != want_line ||
		(detail_part && strstr(e.detail, detail_part) == NULL))
		NOTE("got %s line %ld: %s | %s | %s", tab_status_name(rc), e.line,
			 e.message, e.detail, e.hint);
}

/* ------------------------------------------------------------------------
 * Hand-written inputs
 * ------------------------------------------------------------------------
 */
static void
test_basic(void)
{
	const char *in = "a,b,c\n1,2,3\n4,5,6\n";
	tab_dialect d = sniff_ok("csv", in, strlen(in), 0);

	CHECK(d.format == TAB_FORMAT_DELIMITED && d.delimiter == ',' &&
		  d.header_line == 1 && d.ncolumns == 3 && d.eol == TAB_EOL_LF &&
		  !d.bom && !d.first_header_empty && !d.decimal_comma &&
		  d.sampled_rows == 2 && d.quote == '"',
		  "csv: dialect");
	expect_read("csv", &d, in, "1H:a|b|c\n2D:1|2|3\n3D:4|5|6\n", TAB_OK, 0);

	/* no final line break */
	in = "a,b\n1,2";
	d = sniff_ok("no final newline", in, strlen(in), 0);
	expect_read("no final newline", &d, in, "1H:a|b\n2D:1|2\n", TAB_OK, 0);

	/* tab wins over the commas inside cells */
	in = "name\tdesc\tv\nA\tx, y\t1\nB\tp, q, r\t2\n";
	d = sniff_ok("tsv with commas", in, strlen(in), 0);
	CHECK(d.delimiter == '\t' && d.ncolumns == 3, "tsv with commas: tab");
	expect_read("tsv with commas", &d, in,
				"1H:name|desc|v\n2D:A|x, y|1\n3D:B|p, q, r|2\n", TAB_OK, 0);

	/* tie: a line split equally by tab and comma goes to tab */
	in = "a\tb,c\n1\t2,3\n";
	d = sniff_ok("tie", in, strlen(in), 0);
	CHECK(d.delimiter == '\t', "tie: tab > comma > semicolon");

	/* spaces around unquoted cells are trimmed by libcsv, kept in quotes */
	in = "a , b\n 1 ,\" 2 \"\n";
	d = sniff_ok("spaces", in, strlen(in), 0);
	expect_read("spaces", &d, in, "1H:a|b\n2D:1| 2 \n", TAB_OK, 0);

	/* a single column is a table too (a list of names) */
	in = "NAME\nleucine\n11,12-DHET\nPC 34:1\n";
	d = sniff_ok("single column", in, strlen(in), 0);
	CHECK(d.delimiter == '\t' && d.ncolumns == 1, "single column: tab, 1 column");
	expect_read("single column", &d, in,
				"1H:NAME\n2D:leucine\n3D:11,12-DHET\n4D:PC 34:1\n", TAB_OK, 0);
}

static void
test_line_ends(void)
{
	const char *in;
	tab_dialect d;

	in = "\xEF\xBB\xBFname,val\r\nA,1\r\n";
	d = sniff_ok("bom crlf", in, strlen(in), 0);
	CHECK(d.bom == 1 && d.eol == TAB_EOL_CRLF && !d.mixed_eol,
		  "bom crlf: dialect");
	expect_read("bom crlf", &d, in, "1H:name|val\n2D:A|1\n", TAB_OK, 0);

	in = "a,b\r1,2\r3,4";
	d = sniff_ok("cr only", in, strlen(in), 0);
	CHECK(d.eol == TAB_EOL_CR, "cr only: eol");
	expect_read("cr only", &d, in, "1H:a|b\n2D:1|2\n3D:3|4\n", TAB_OK, 0);

	in = "a,b\n1,2\r\n3,4\r5,6\n";
	d = sniff_ok("mixed", in, strlen(in), 0);
	CHECK(d.eol == TAB_EOL_LF && d.mixed_eol, "mixed: eol LF, mixed");
	expect_read("mixed", &d, in, "1H:a|b\n2D:1|2\n3D:3|4\n4D:5|6\n", TAB_OK, 0);

	/* blank lines, whitespace lines and all-empty rows are skipped */
	in = "a,b\n\n1,2\n   \n,\n\r\n3,4\n\n";
	d = sniff_ok("blank", in, strlen(in), 0);
	expect_read("blank", &d, in, "1H:a|b\n3D:1|2\n7D:3|4\n", TAB_OK, 0);
}

static void
test_quotes(void)
{
	const char *in;
	tab_dialect d;

	in = "a,b\n\"x,y\",\"say \"\"hi\"\"\"\n";
	d = sniff_ok("quoted", in, strlen(in), 0);
	expect_read("quoted", &d, in, "1H:a|b\n2D:x,y|say \"hi\"\n", TAB_OK, 0);

	/* line numbers inside and after quoted line breaks, LF / CRLF / CR */
	in = "id,desc,v\n1,\"line one\nline two\",5\n2,x,6\n3,\"a\n\nb\",7\n4,y,8\n";
	d = sniff_ok("quoted newline", in, strlen(in), 0);
	CHECK(d.ncolumns == 3 && d.sampled_rows == 4, "quoted newline: dialect");
	expect_read("quoted newline", &d, in,
				"1H:id|desc|v\n2D:1|line one\\nline two|5\n4D:2|x|6\n"
				"5D:3|a\\n\\nb|7\n8D:4|y|8\n", TAB_OK, 0);

	in = "id,desc\r\n1,\"one\r\ntwo\"\r\n2,x\r\n";
	d = sniff_ok("quoted crlf", in, strlen(in), 0);
	expect_read("quoted crlf", &d, in,
				"1H:id|desc\n2D:1|one\\r\\ntwo\n4D:2|x\n", TAB_OK, 0);

	in = "id,desc\r1,\"one\rtwo\"\r2,x\r";
	d = sniff_ok("quoted cr", in, strlen(in), 0);
	expect_read("quoted cr", &d, in,
				"1H:id|desc\n2D:1|one\\rtwo\n4D:2|x\n", TAB_OK, 0);

	/* a comment-looking line inside quotes is data */
	in = "id,desc\n1,\"x\n# not a comment\"\n2,y\n";
	d = sniff_ok("quoted hash", in, strlen(in), 0);
	expect_read("quoted hash", &d, in,
				"1H:id|desc\n2D:1|x\\n# not a comment\n4D:2|y\n", TAB_OK, 0);

	/* a quote inside an unquoted cell is an ordinary character */
	in = "a\tb\n5\" end\tx\"y\n";
	d = sniff_ok("inner quote", in, strlen(in), 0);
	expect_read("inner quote", &d, in, "1H:a|b\n2D:5\" end|x\"y\n", TAB_OK, 0);

	/* unterminated quote: the line where it opened */
	in = "a,b\n1,2\n3,\"oops\n4,5\n6,7\n";
	expect_sniff_error("unterminated", in, strlen(in), 0, TAB_ERR_QUOTE, 3, "line 3");
	d.delimiter = ',';
	expect_read("unterminated", &d, in, "1H:a|b\n2D:1|2\n", TAB_ERR_QUOTE, 3);

	/* the second quote of a multi-line record opened on line 3 */
	in = "a,b\n\"x\ny\",\"open\nz\n";
	expect_read("unterminated later", &d, in, "", TAB_ERR_QUOTE, 3);

	/* a quote that never closes hits max_record_bytes, not memory */
	{
		char		big[4096];

		strcpy(big, "a,b\n1,\"");
		for (int i = 0; i < 300; i++)
			strcat(big, "xxxxxxxxx\n");
		expect_read_opts("runaway quote", &d, big, strlen(big), "",
						 TAB_ERR_TOO_LONG, 2, 1000);
	}
}

static void
test_headers(void)
{
	const char *in;
	tab_dialect d;

	/* R write.csv: empty quoted first name */
	in = "\"\",\"baseMean\",\"log2FoldChange\",\"padj\"\n"
		"\"ENSG00000000003\",708.6,-0.38,NA\n\"ENSG00000000005\",0,NA,NA\n";
	d = sniff_ok("write.csv", in, strlen(in), 0);
	CHECK(d.first_header_empty && !d.header_short && d.ncolumns == 4,
		  "write.csv: first header empty");
	expect_read("write.csv", &d, in,
				"1H:|baseMean|log2FoldChange|padj\n"
				"2D:ENSG00000000003|708.6|-0.38|NA\n3D:ENSG00000000005|0|NA|NA\n",
				TAB_OK, 0);

	/* R write.table(sep = "\t"): header one field short */
	in = "baseMean\tlog2FC\nENSG1\t1.5\t-2\nENSG2\t3\t4\n";
	d = sniff_ok("write.table", in, strlen(in), 0);
	CHECK(d.first_header_empty && d.header_short && d.ncolumns == 3 &&
		  d.header_line == 1, "write.table: header short");
	expect_read("write.table", &d, in,
				"1H:|baseMean|log2FC\n2D:ENSG1|1.5|-2\n3D:ENSG2|3|4\n", TAB_OK, 0);
	/* the reader finds it by itself too */
	d.header_short = 0;
	d.first_header_empty = 0;
	expect_read("write.table, reader alone", &d, in,
				"1H:|baseMean|log2FC\n2D:ENSG1|1.5|-2\n3D:ENSG2|3|4\n", TAB_OK, 0);

	/* sample names that are numbers */
	in = "2416461\t2416462\ng1\t5\t6\ng2\t7\t8\n";
	d = sniff_ok("numeric names", in, strlen(in), 0);
	CHECK(d.header_short && d.header_line == 1, "numeric names: header short");

	/* trailing empty header cells (Excel padding) */
	in = "a,b,c,,\n1,2,3,,\n4,5,6,,\n";
	d = sniff_ok("padding", in, strlen(in), 0);
	CHECK(d.ncolumns == 3, "padding: 3 columns");
	expect_read("padding", &d, in, "1H:a|b|c\n2D:1|2|3\n3D:4|5|6\n", TAB_OK, 0);

	/* an empty trailing name over real data is kept */
	in = "a,b,\n1,2,3\n4,5,6\n";
	d = sniff_ok("empty last name", in, strlen(in), 0);
	CHECK(d.ncolumns == 3, "empty last name: 3 columns");
	expect_read("empty last name", &d, in, "1H:a|b|\n2D:1|2|3\n3D:4|5|6\n", TAB_OK, 0);

	/* rows with extra empty fields are fine, extra values are not */
	in = "a,b\n1,2,,\n3,4\n";
	d = sniff_ok("extra empties", in, strlen(in), 0);
	expect_read("extra empties", &d, in, "1H:a|b\n2D:1|2\n3D:3|4\n", TAB_OK, 0);
}

static void
test_preamble(void)
{
	const char *in;
	tab_dialect d;

	in = "# exported by X\n# date: 2024-01-02\nTitle: My study\nOperator\tme\n\n"
		"id\tv1\tv2\nA\t1\t2\n# a comment\nB\t3\t4\n#N/A\t5\t6\n!end\n";
	d = sniff_ok("preamble", in, strlen(in), 0);
	CHECK(d.header_line == 6 && d.delimiter == '\t' && d.ncolumns == 3 &&
		  d.sampled_rows == 3, "preamble: header on line 6");
	expect_read("preamble", &d, in,
				"1M:=exported by X\n2M:date=2024-01-02\n3M:Title=My study\n"
				"4M:Operator=me\n6H:id|v1|v2\n7D:A|1|2\n8M:=a comment\n"
				"9D:B|3|4\n10D:#N/A|5|6\n11M:=end\n", TAB_OK, 0);

	/* GEO-like '!' metadata above a header */
	in = "!Series_title\t\"x\"\n!Series_type\ty\nID_REF\tGSM1\tGSM2\n1007_s_at\t5.1\t6.2\n";
	d = sniff_ok("bang", in, strlen(in), 0);
	CHECK(d.header_line == 3, "bang: header on line 3");

	/* only comments */
	in = "# nothing\n# here\n";
	expect_sniff_error("only comments", in, strlen(in), 0, TAB_ERR_NO_TABLE, 0, NULL);
	d.delimiter = ',';
	d.header_line = 1;
	expect_read("only comments", &d, in, "1M:=nothing\n2M:=here\n",
				TAB_ERR_NO_TABLE, 0);
}

static void
test_decimal_comma(void)
{
	const char *in = "Lipid;S1;S2\nPC 34:1;0,75;1.234,5\nPC 36:2;2,5;3\n";
	tab_dialect d = sniff_ok("decimal comma", in, strlen(in), 0);
	double		v;

	CHECK(d.delimiter == ';' && d.decimal_comma == 1 && d.ncolumns == 3,
		  "decimal comma: dialect");
	expect_read("decimal comma", &d, in,
				"1H:Lipid|S1|S2\n2D:PC 34:1|0,75|1.234,5\n3D:PC 36:2|2,5|3\n",
				TAB_OK, 0);
	CHECK(tab_parse_double("1.234,5", 7, d.decimal_comma, &v) == TAB_NUM_OK &&
		  v == 1234.5, "decimal comma: 1.234,5");

	in = "a;b\nx;1,234\ny;2,5\n";
	d = sniff_ok("semicolon 1,234", in, strlen(in), 0);
	CHECK(d.decimal_comma == 1, "semicolon: 1,234 reads as a decimal comma");

	in = "a;b\nx;1.5\ny;2.25\n";
	d = sniff_ok("semicolon point", in, strlen(in), 0);
	CHECK(d.delimiter == ';' && d.decimal_comma == 0, "semicolon with points");

	in = "a\tb\nx\t1.5\ny\t2\n";
	d = sniff_ok("tsv point", in, strlen(in), 0);
	CHECK(d.decimal_comma == 0, "tsv with points");
}

static void
test_errors(void)
{
	const char *in;
	tab_dialect d;
	tab_error	e;

	expect_sniff_error("empty", "", 0, 0, TAB_ERR_EMPTY, 0, NULL);
	expect_sniff_error("white space", " \n\t\r\n", 5, 0, TAB_ERR_EMPTY, 0, NULL);
	expect_sniff_error("bom only", "\xEF\xBB\xBF\n", 4, 0, TAB_ERR_EMPTY, 0, NULL);
	memset(&d, 0, sizeof(d));
	d.delimiter = ',';
	d.header_line = 1;
	d.quote = '"';
	expect_read("empty", &d, "", "", TAB_ERR_EMPTY, 0);
	expect_read("white space", &d, "\xEF\xBB\xBF \n\n", "", TAB_ERR_EMPTY, 0);

	/* header only */
	in = "a,b,c\n";
	expect_sniff_error("header only", in, strlen(in), 0, TAB_ERR_HEADER_ONLY, 1, NULL);
	expect_read("header only", &d, in, "1H:a|b|c\n", TAB_ERR_HEADER_ONLY, 1);
	in = "# c\n\na,b,c\n\n";
	expect_sniff_error("header only 2", in, strlen(in), 0, TAB_ERR_HEADER_ONLY, 3, NULL);

	/* not UTF-8: Windows-1252 micro sign on line 3, byte offset 10 */
	in = "a,b\n1,2\n3,\xB5g\n4,5\n";
	expect_sniff_error("latin1", in, strlen(in), 0, TAB_ERR_NOT_UTF8, 3, "offset 10");
	expect_read("latin1", &d, in, "1H:a|b\n2D:1|2\n", TAB_ERR_NOT_UTF8, 3);
	in = "a,b\n1,2\r\n3,4\r5,\xC3\x28\n";
	expect_read("bad sequence after CR", &d, in, "1H:a|b\n2D:1|2\n3D:3|4\n",
				TAB_ERR_NOT_UTF8, 4);
	/* ... while a UTF-8 character split by any chunking is fine */
	in = "name,unit\nx,\xC2\xB5g/ml\ny,\xE2\x80\xB0\nz,\xF0\x9F\xA7\xAA\n";
	expect_read("utf8 split", &d, in,
				"1H:name|unit\n2D:x|\xC2\xB5g/ml\n3D:y|\xE2\x80\xB0\n4D:z|\xF0\x9F\xA7\xAA\n",
				TAB_OK, 0);
	/* overlong, surrogate, NUL */
	expect_read("overlong", &d, "a,b\n\xC0\xAF,1\n", "", TAB_ERR_NOT_UTF8, 2);
	expect_read("surrogate", &d, "a,b\n\xED\xA0\x80,1\n", "", TAB_ERR_NOT_UTF8, 2);
	expect_read_opts("nul", &d, "a,b\nx\0,1\n", 9, "", TAB_ERR_NOT_UTF8, 2, 0);
	expect_sniff_error("utf16", "\xFF\xFE" "a\0,\0b\0", 8, 0, TAB_ERR_NOT_UTF8, 1, "UTF-16");
	expect_sniff_error("nul", "a,b\nx\0,1\n", 9, 0, TAB_ERR_NOT_UTF8, 2, "NUL");

	/* ragged: sniff and reader agree on the line */
	in = "a,b,c\n1,2,3\n4,5\n6,7,8\n";
	expect_sniff_error("ragged short", in, strlen(in), 0, TAB_ERR_RAGGED, 3,
					   "expected 3 fields, found 2");
	d.ncolumns = 3;
	expect_read("ragged short", &d, in, "1H:a|b|c\n2D:1|2|3\n", TAB_ERR_RAGGED, 3);
	memset(&e, 0, sizeof(e));
	{
		result		res;

		run_reader(&d, in, strlen(in), 0, 0, 0, 0, &res);
		CHECK(strstr(res.err.detail, "expected 3 fields, found 2") != NULL &&
			  res.rows == 1, "ragged: detail and rows");
		free(res.text);
	}
	in = "a,b,c\n1,2,3\n4,5,6,7\n6,7,8\n";
	expect_read("ragged long", &d, in, "1H:a|b|c\n2D:1|2|3\n", TAB_ERR_RAGGED, 3);
	in = "a,b\n1,2\n\"x\ny,z\",1,5\n";
	d.ncolumns = 2;
	expect_read("ragged multi-line", &d, in, "1H:a|b\n2D:1|2\n", TAB_ERR_RAGGED, 3);

	/* text that is not a table */
	in = "This is a README file, not a table of values.\n"
		"It has sentences, commas, and words in it.\n"
		"Nobody should ingest it as data, really; it is prose.\n"
		"Even when the lines are short and plain text only.\n";
	expect_sniff_error("prose", in, strlen(in), 0, TAB_ERR_NO_TABLE, 0, NULL);

	/* forced delimiters */
	in = "a;b\n1;2\n";
	expect_sniff_error("forced wrong", in, strlen(in), ',', TAB_ERR_NO_TABLE, 0,
					   "semicolon");
	d = sniff_ok("forced right", in, strlen(in), ';');
	CHECK(d.delimiter == ';', "forced ';'");
	in = "a|b\n1|2\n";
	d = sniff_ok("forced pipe", in, strlen(in), '|');
	expect_read("forced pipe", &d, in, "1H:a|b\n2D:1|2\n", TAB_OK, 0);
	expect_sniff_error("forced x", in, strlen(in), 'x', TAB_ERR_USAGE, 0, NULL);
	in = "a,b\n1,2\n3,4,5\n";
	expect_sniff_error("forced ragged", in, strlen(in), ',', TAB_ERR_RAGGED, 3, NULL);

	/* too long a line */
	d = sniff_ok("long", "a,b\n1,2\n", 8, 0);
	expect_read_opts("long line", &d, "a,b\n1,2\n3,45678901234567890\n", 29,
					 "1H:a|b\n2D:1|2\n", TAB_ERR_TOO_LONG, 3, 12);
}

static void
test_stop_and_api(void)
{
	const char *in = "a,b\n1,2\n3,4\n5,6\n";
	tab_dialect d = sniff_ok("stop", in, strlen(in), 0);
	result		res;
	tab_reader *r;
	tab_error	e;
	sink		s;
	counting	cnt = {0, 0, 0};
	tab_alloc	a = {count_realloc, count_free, &cnt};
	tab_reader_options o = {NULL, 0};

	run_reader(&d, in, strlen(in), 0, 0, 0, 2, &res);
	CHECK(res.rc == TAB_STOPPED && strcmp(res.text, "1H:a|b\n2D:1|2\n") == 0 &&
		  res.leaked == 0, "stop after the first row");
	free(res.text);

	memset(&s, 0, sizeof(s));
	put(&s, "", 0);
	r = tab_reader_create(&d, &a, on_rec, &s);
	CHECK(tab_reader_feed(r, in, 6, &e) == TAB_OK, "feed part");
	CHECK(tab_reader_set_options(r, &o) == TAB_ERR_USAGE, "options after feed refused");
	CHECK(tab_reader_line(r) == 1, "last line processed");
	CHECK(tab_reader_feed(r, in + 6, strlen(in) - 6, &e) == TAB_OK &&
		  tab_reader_finish(r, &e) == TAB_OK && tab_reader_rows(r) == 3,
		  "rows counted");
	CHECK(tab_reader_feed(r, "x", 1, &e) == TAB_ERR_USAGE, "feed after finish refused");
	tab_reader_destroy(r);
	tab_reader_destroy(NULL);
	CHECK(cnt.live == 0, "no leak");
	free(s.buf);

	d.delimiter = 'x';
	CHECK(tab_reader_create(&d, &a, on_rec, &s) == NULL, "bad delimiter refused");
	CHECK(cnt.live == 0, "no leak after refusal");
	CHECK(strcmp(tab_status_name(TAB_ERR_RAGGED), "TAB_ERR_RAGGED") == 0, "status name");
}

/*
 * Memory stays bounded by the longest record: 40 MB of rows fed in 64 KB
 * chunks never use more than a few hundred KB.
 */
typedef struct countrows
{
	long		rows;
	double		sum;
} countrows;

static int
count_cb(void *ctx, const tab_record *r)
{
	countrows  *c = ctx;
	double		v;

	if (!r->is_header)
	{
		c->rows++;
		if (tab_parse_double(r->fields[2], r->lens[2], 0, &v) == TAB_NUM_OK)
			c->sum += v;
	}
	return 0;
}

static void
test_bounded_memory(void)
{
	counting	cnt = {0, 0, 0};
	tab_alloc	a = {count_realloc, count_free, &cnt};
	tab_dialect d;
	countrows	c = {0, 0};
	tab_reader *r;
	tab_error	e;
	char	   *chunk = malloc(65536 + 256);
	size_t		fill = 0;
	long		row = 0;
	int			rc = TAB_OK;
	const long	nrows = 600000;

	memset(&d, 0, sizeof(d));
	d.delimiter = '\t';
	d.quote = '"';
	d.header_line = 1;
	r = tab_reader_create(&d, &a, count_cb, &c);
	fill = (size_t) sprintf(chunk, "id\tname\tvalue\tnote\n");
	while (row < nrows && rc == TAB_OK)
	{
		while (fill < 65536 && row < nrows)
		{
			fill += (size_t) sprintf(chunk + fill,
									 "%ld\tgene_%ld\t%ld.5\t\"a quoted, \"\"long\"\" note\nover two lines\"\r\n",
									 row, row, row % 100);
			row++;
		}
		rc = tab_reader_feed(r, chunk, fill < 65536 ? fill : 65536, &e);
		if (fill > 65536)
			memmove(chunk, chunk + 65536, fill - 65536);
		fill = fill > 65536 ? fill - 65536 : 0;
	}
	if (rc == TAB_OK && fill > 0)
		rc = tab_reader_feed(r, chunk, fill, &e);
	if (rc == TAB_OK)
		rc = tab_reader_finish(r, &e);
	CHECK(rc == TAB_OK && c.rows == nrows, "bounded: %ld rows read", c.rows);
	CHECK_NEAR(c.sum, (double) (nrows / 100) * (4950 + 50), 1e-6, "bounded: values");
	CHECK(cnt.peak < 256 * 1024, "bounded: peak %zu bytes for ~45 MB", cnt.peak);
	tab_reader_destroy(r);
	CHECK(cnt.live == 0, "bounded: no leak");
	free(chunk);
}

/* ------------------------------------------------------------------------
 * mwTab and mzTab-M, hand-written
 * ------------------------------------------------------------------------
 */
static void
test_mwtab(void)
{
	const char *in =
		"#METABOLOMICS WORKBENCH STUDY_ID:ST000001 ANALYSIS_ID:AN000001\r\n"
		"VERSION             \t1\r\n"
		"#STUDY\r\n"
		"ST:STUDY_TITLE                   \tA study, with commas\r\n"
		"#MS_METABOLITE_DATA\r\n"
		"MS_METABOLITE_DATA:UNITS         \tpg/ml\r\n"
		"MS_METABOLITE_DATA_START\r\n"
		"Samples\tS1\tS2\r\n"
		"Factors\tTissue:Serum\tTissue:Serum\r\n"
		"Cortisol\t1.5\t2.5\r\n"
		"\"Estrone\t3\t\r\n"
		"MS_METABOLITE_DATA_END\r\n"
		"#METABOLITES\r\n"
		"METABOLITES_START\r\n"
		"metabolite_name\tpubchem_id\r\n"
		"Cortisol\t5754\r\n"
		"METABOLITES_END\r\n"
		"#END\r\n";
	tab_dialect d = sniff_ok("mwtab", in, strlen(in), 0);

	CHECK(d.format == TAB_FORMAT_MWTAB && d.delimiter == '\t' && d.quote == 0 &&
		  d.header_line == 8 && d.ncolumns == 3 && d.eol == TAB_EOL_CRLF &&
		  d.sampled_rows == 2 &&
		  d.blocks_found == (TAB_FOUND_DATA | TAB_FOUND_METABOLITES),
		  "mwtab: dialect");
	expect_read("mwtab data", &d, in,
				"1M:#METABOLOMICS WORKBENCH STUDY_ID:ST000001 ANALYSIS_ID:AN000001=\n"
				"2M:VERSION=1\n3M:#STUDY=\n4M:ST:STUDY_TITLE=A study, with commas\n"
				"5M:#MS_METABOLITE_DATA=\n6M:MS_METABOLITE_DATA:UNITS=pg/ml\n"
				"8H:Samples|S1|S2\n9F:Factors|Tissue:Serum|Tissue:Serum\n"
				"10D:Cortisol|1.5|2.5\n11D:\"Estrone|3|\n"
				"13M:#METABOLITES=\n18M:#END=\n", TAB_OK, 0);
	d.block = TAB_BLOCK_METABOLITES;
	expect_read("mwtab metabolites", &d, in,
				"1M:#METABOLOMICS WORKBENCH STUDY_ID:ST000001 ANALYSIS_ID:AN000001=\n"
				"2M:VERSION=1\n3M:#STUDY=\n4M:ST:STUDY_TITLE=A study, with commas\n"
				"5M:#MS_METABOLITE_DATA=\n6M:MS_METABOLITE_DATA:UNITS=pg/ml\n"
				"13M:#METABOLITES=\n15H:metabolite_name|pubchem_id\n16D:Cortisol|5754\n"
				"18M:#END=\n", TAB_OK, 0);

	/* no data block; a results file instead */
	in = "#METABOLOMICS WORKBENCH STUDY_ID:ST1\nMS:MS_RESULTS_FILE\tST1_results.txt\n#END\n";
	expect_sniff_error("mwtab results file", in, strlen(in), 0, TAB_ERR_FORMAT, 0,
					   "results file");
	d.block = TAB_BLOCK_DATA;
	expect_read("mwtab results file", &d, in,
				"1M:#METABOLOMICS WORKBENCH STUDY_ID:ST1=\n2M:MS:MS_RESULTS_FILE=ST1_results.txt\n"
				"3M:#END=\n", TAB_ERR_FORMAT, 0);
	/* block without END */
	in = "#METABOLOMICS WORKBENCH\nMS_METABOLITE_DATA_START\nSamples\tA\nx\t1\n";
	expect_read("mwtab unclosed", &d, in, NULL, TAB_ERR_FORMAT, 2);
	/* header only */
	in = "#METABOLOMICS WORKBENCH\nMS_METABOLITE_DATA_START\nSamples\tA\nFactors\tB\nMS_METABOLITE_DATA_END\n";
	expect_sniff_error("mwtab header only", in, strlen(in), 0, TAB_ERR_HEADER_ONLY, 3, NULL);
	expect_read("mwtab header only", &d, in,
				"1M:#METABOLOMICS WORKBENCH=\n3H:Samples|A\n4F:Factors|B\n",
				TAB_ERR_HEADER_ONLY, 3);
	/* ragged inside the block */
	in = "#METABOLOMICS WORKBENCH\nMS_METABOLITE_DATA_START\nSamples\tA\tB\nx\t1\n"
		"MS_METABOLITE_DATA_END\n";
	expect_sniff_error("mwtab ragged", in, strlen(in), 0, TAB_ERR_RAGGED, 4, NULL);
	expect_sniff_error("mwtab forced comma", in, strlen(in), ',', TAB_ERR_USAGE, 0, NULL);
}

static void
test_mztab(void)
{
	const char *in =
		"COM\tcomment line\t\t\n"
		"MTD\tmzTab-version\t2.0.0-M\t\t\n"
		"MTD\tdescription\t a, b \n"
		"\t\t\t\t\n"
		"SMH\tSML_ID\tchemical_name\tabundance_assay[1]\n"
		"SML\t1\tCer(d18:1/24:0)\t4.4E-05\t\t\n"
		"SML\t2\t\"PC 34:1\tnull\n"
		"SFH\tSMF_ID\tadduct_ion\n"
		"SMF\t1\t[M+H]1+\n"
		"SMF\t2\tnull\n";
	tab_dialect d = sniff_ok("mztab", in, strlen(in), 0);

	CHECK(d.format == TAB_FORMAT_MZTAB && d.delimiter == '\t' && d.quote == 0 &&
		  d.header_line == 5 && d.ncolumns == 3 && d.sampled_rows == 2 &&
		  d.blocks_found == (TAB_FOUND_DATA | TAB_FOUND_FEATURES),
		  "mztab: dialect");
	expect_read("mztab SML", &d, in,
				"2M:mzTab-version=2.0.0-M\n3M:description=a, b\n"
				"5H:SML_ID|chemical_name|abundance_assay[1]\n"
				"6D:1|Cer(d18:1/24:0)|4.4E-05\n7D:2|\"PC 34:1|null\n", TAB_OK, 0);
	d.block = TAB_BLOCK_FEATURES;
	expect_read("mztab SMF", &d, in,
				"2M:mzTab-version=2.0.0-M\n3M:description=a, b\n"
				"8H:SMF_ID|adduct_ion\n9D:1|[M+H]1+\n10D:2|null\n", TAB_OK, 0);
	d.block = TAB_BLOCK_EVIDENCE;
	expect_read("mztab no SEH", &d, in, NULL, TAB_ERR_FORMAT, 0);

	d.block = TAB_BLOCK_DATA;
	in = "MTD\tmzTab-version\t2.0.0-M\nSML\t1\tx\nSMH\tSML_ID\tname\n";
	expect_sniff_error("mztab SML first", in, strlen(in), 0, TAB_ERR_FORMAT, 2, NULL);
	expect_read("mztab SML first", &d, in, "1M:mzTab-version=2.0.0-M\n", TAB_ERR_FORMAT, 2);
	in = "MTD\tmzTab-version\t2.0.0-M\nSMH\tSML_ID\tname\nSML\t1\tx\nSMH\tSML_ID\tname\n";
	expect_read("mztab two SMH", &d, in, NULL, TAB_ERR_FORMAT, 4);
}

/* ------------------------------------------------------------------------
 * Numbers
 * ------------------------------------------------------------------------
 */
static void
num_ok(const char *s, int dc, double want)
{
	double		v = 0;
	int			rc = tab_parse_double(s, strlen(s), dc, &v);

	CHECK(rc == TAB_NUM_OK && (v == want || (isinf(v) && v == want)),
		  "number \"%s\" (dc=%d) = %.17g", s, dc, want);
	if (rc != TAB_NUM_OK || v != want)
		NOTE("got rc %d value %.17g", rc, v);
}

static void
num_is(const char *s, int dc, int want)
{
	double		v = 0;
	int			rc = tab_parse_double(s, strlen(s), dc, &v);

	CHECK(rc == want && isnan(v), "number \"%s\" (dc=%d) is %s", s, dc,
		  want == TAB_NUM_MISSING ? "missing" : "invalid");
	if (rc != want)
		NOTE("got rc %d value %.17g", rc, v);
}

static void
test_numbers(void)
{
	static const char *const missing[] = {
		"", "  ", "NA", "na", "N/A", "#N/A", "NaN", "nan", "-nan", "null", "NULL",
		"None", "-", ".", "ND", "n.d.", "n/d", "#DIV/0!", "#VALUE!", "<LOD",
		"< LOQ", " NA ", NULL
	};
	static const char *const invalid[] = {
		"abc", "1.2.3", "1,2", "0x10", "1e", "e5", "12%", "< 0.5", "1 2", "+",
		"--1", "1,234", "1,23,456", ",5", "1e999", "-1e400000", "1..2",
		"1,234.5.6", "4 ", NULL
	};
	double		v;

	num_ok("0", 0, 0);
	num_ok("946.2500", 0, 946.25);
	num_ok("  -3.5  ", 0, -3.5);
	num_ok("+3.2", 0, 3.2);
	num_ok("\xC2\xA0" "7\xC2\xA0", 0, 7);
	num_ok("1e-05", 0, 1e-05);
	num_ok("1E-05", 0, 1e-05);
	num_ok("5.61E-147", 0, 5.61e-147);
	num_ok("7157.0", 0, 7157.0);
	num_ok(".5", 0, 0.5);
	num_ok("5.", 0, 5.0);
	num_ok("-0.0", 0, -0.0);
	num_ok("1,234.5", 0, 1234.5);
	num_ok("1,234,567", 0, 1234567);
	num_ok("1 234 567", 0, 1234567);
	num_ok("1 234.5", 0, 1234.5);
	num_ok("\xE2\x88\x92" "2.5", 0, -2.5);	/* U+2212 minus */
	num_ok("Inf", 0, INFINITY);
	num_ok("-Inf", 0, -INFINITY);
	num_ok("-infinity", 0, -INFINITY);
	num_ok("15.54984244", 0, 15.54984244);
	num_ok("4.448784E-05", 0, 4.448784e-05);
	num_ok("59809754.62", 0, 59809754.62);
	num_ok("0.1", 0, 0.1);
	num_ok("123456789012345678901234567890", 0, 1.2345678901234568e29);
	num_ok("0.000000000000000000000000000001", 0, 1e-30);
	num_ok("1.7976931348623157e308", 0, 1.7976931348623157e308);
	num_ok("2.2250738585072011e-308", 0, 2.2250738585072011e-308);
	num_ok("1e-400", 0, 0.0);	/* underflow: zero */
	num_ok("9007199254740993", 0, 9007199254740992.0);	/* 2^53+1 rounds */
	num_ok("0,75", 1, 0.75);
	num_ok("1.234,56", 1, 1234.56);
	num_ok("1 234,56", 1, 1234.56);
	num_ok("1\xE2\x80\xAF" "234,56", 1, 1234.56);	/* narrow NBSP grouping */
	num_ok("1,234", 1, 1.234);
	num_ok("-1,5e3", 1, -1500);
	num_ok("0.75", 1, 0.75);	/* a point that cannot be grouping */
	num_ok("1234.5", 1, 1234.5);
	num_ok("0.123", 1, 0.123);
	num_ok("1.234.567", 1, 1234567);
	for (int i = 0; missing[i] != NULL; i++)
		num_is(missing[i], 0, TAB_NUM_MISSING);
	for (int i = 0; invalid[i] != NULL; i++)
		if (strcmp(invalid[i], "4 ") != 0)
			num_is(invalid[i], 0, TAB_NUM_INVALID);
	num_ok("4 ", 0, 4);
	num_is("1.234", 1, TAB_NUM_INVALID);	/* ambiguous in comma mode */
	num_is("1,234.5", 1, TAB_NUM_INVALID);
	num_is("0,75", 0, TAB_NUM_INVALID);		/* decimal comma only when asked */
	/* not NUL-terminated: only len bytes are read */
	CHECK(tab_parse_double("12345", 2, 0, &v) == TAB_NUM_OK && v == 12,
		  "number: length respected");
}

/* ------------------------------------------------------------------------
 * Real files
 * ------------------------------------------------------------------------
 */
typedef struct spot
{
	long		line;			/* record line, or 0 for the header */
	int			field;
	const char *want;
} spot;

typedef struct filecheck
{
	long		nrec;
	long		header_line;
	int			width;
	int			found;			/* spots found with the right value */
	const spot *spots;
	int			nspots;
	long		factors_line;
	long		nmeta;
} filecheck;

static int
file_rec(void *ctx, const tab_record *r)
{
	filecheck  *fc = ctx;

	if (r->is_header)
	{
		fc->header_line = r->line;
		fc->width = r->nfields;
	}
	else if (r->is_factors)
		fc->factors_line = r->line;
	else
		fc->nrec++;
	for (int i = 0; i < fc->nspots; i++)
	{
		const spot *sp = &fc->spots[i];

		if (((sp->line == 0 && r->is_header) || (sp->line == r->line && !r->is_header)) &&
			sp->field < r->nfields && strcmp(r->fields[sp->field], sp->want) == 0)
			fc->found++;
	}
	return 0;
}

static int
file_meta(void *ctx, const char *key, const char *value, long line)
{
	filecheck  *fc = ctx;

	(void) key;
	(void) value;
	(void) line;
	fc->nmeta++;
	return 0;
}

static char *
slurp(const char *name, size_t *len)
{
	static const char *const dirs[] = {
		"test/data/omics/", "../../test/data/omics/", "../data/omics/", NULL
	};
	char		path[512];
	const char *slash = strrchr(__FILE__, '/');

	for (int i = -1; dirs[i + 1] != NULL || i < 0; i++)
	{
		FILE	   *f;
		char	   *buf;
		long		n;

		if (i < 0)
		{
			if (slash == NULL)
				continue;
			snprintf(path, sizeof(path), "%.*s/../data/omics/%s",
					 (int) (slash - __FILE__), __FILE__, name);
		}
		else
			snprintf(path, sizeof(path), "%s%s", dirs[i], name);
		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		buf = malloc((size_t) n + 1);
		if (fread(buf, 1, (size_t) n, f) != (size_t) n)
			n = 0;
		fclose(f);
		buf[n] = '\0';
		*len = (size_t) n;
		return buf;
	}
	return NULL;
}

/*
 * Sniff a real file (whole, and its first 16000 bytes as an incomplete
 * sample), read it at every chunking with the same output, and check the
 * header, the row count and the spot values.
 */
static void
check_file(const char *name, tab_block block, tab_format want_format,
		   char want_delim, long want_header_line, int want_width,
		   long want_rows, long want_meta, long want_factors,
		   const spot *spots, int nspots)
{
	size_t		len;
	char	   *buf = slurp(name, &len);
	tab_dialect d,
				dpart;
	tab_error	e;
	int			rc;
	static const size_t chunks[] = {1, 2, 3, 7, 0};

	CHECK(buf != NULL, "%s: present in test/data/omics", name);
	if (buf == NULL)
		return;
	rc = tab_sniff(buf, len, 1, 0, &d, &e);
	CHECK(rc == TAB_OK && d.format == want_format && d.delimiter == want_delim &&
		  (block != TAB_BLOCK_DATA || (d.header_line == want_header_line &&
									   d.ncolumns == want_width)),
		  "%s: sniffed", name);
	if (rc != TAB_OK)
		NOTE("%s %s | %s", tab_status_name(rc), e.message, e.detail);
	else
		NOTE("format %d delimiter %d header %ld columns %d", d.format,
			 d.delimiter, d.header_line, d.ncolumns);
	rc = tab_sniff(buf, len < 16000 ? len : 16000, len < 16000, 0, &dpart, &e);
	CHECK(rc == TAB_OK && dpart.format == d.format &&
		  dpart.delimiter == d.delimiter &&
		  (dpart.ncolumns == d.ncolumns || dpart.ncolumns == 0),
		  "%s: sniffed from the first 16000 bytes", name);

	d.block = block;
	{
		result		res[5];

		for (int i = 0; i < 5; i++)
			run_reader(&d, buf, len, chunks[i], 0, 1, 0, &res[i]);
		for (int i = 0; i < 5; i++)
		{
			CHECK(res[i].rc == TAB_OK && res[i].problems == 0 &&
				  res[i].leaked == 0 && strcmp(res[i].text, res[4].text) == 0,
				  "%s: chunk %zu same records", name, chunks[i] ? chunks[i] : len);
			if (res[i].rc != TAB_OK)
				NOTE("%s %s | %s", tab_status_name(res[i].rc),
					 res[i].err.message, res[i].err.detail);
		}
		for (int i = 0; i < 5; i++)
			free(res[i].text);
	}
	{
		filecheck	fc;
		tab_reader *r;
		tab_reader_options o = {file_meta, 0};

		memset(&fc, 0, sizeof(fc));
		fc.spots = spots;
		fc.nspots = nspots;
		r = tab_reader_create(&d, &tab_alloc_malloc, file_rec, &fc);
		tab_reader_set_options(r, &o);
		rc = tab_reader_feed(r, buf, len, &e);
		if (rc == TAB_OK)
			rc = tab_reader_finish(r, &e);
		CHECK(rc == TAB_OK && fc.header_line == want_header_line &&
			  fc.width == want_width && fc.nrec == want_rows &&
			  tab_reader_rows(r) == want_rows, "%s: header line %ld, %d columns, %ld rows",
			  name, want_header_line, want_width, want_rows);
		if (fc.header_line != want_header_line || fc.width != want_width ||
			fc.nrec != want_rows)
			NOTE("got header line %ld, %d columns, %ld rows", fc.header_line,
				 fc.width, fc.nrec);
		CHECK(fc.nmeta == want_meta, "%s: %ld metadata lines", name, want_meta);
		if (fc.nmeta != want_meta)
			NOTE("got %ld", fc.nmeta);
		CHECK(fc.factors_line == want_factors, "%s: factors line %ld", name, want_factors);
		CHECK(fc.found == nspots, "%s: %d spot values", name, nspots);
		if (fc.found != nspots)
			NOTE("found %d", fc.found);
		tab_reader_destroy(r);
	}
	free(buf);
}

static void
test_real_files(void)
{
	static const spot mwdata[] = {
		{0, 0, "Samples"}, {0, 1, "CER030_294717_ML_1"}, {0, 42, "CER555_251239_ML_42"},
		{126, 1, "Tissue/Fluid:Serum"},
		{127, 0, "17-hydroxypregnenolone"}, {127, 1, "946.2500"}, {127, 3, "676.2500"},
		{140, 0, "Testosterone"}, {140, 42, "79.7500"},
	};
	static const spot mwmet[] = {
		{0, 0, "metabolite_name"}, {0, 4, "pubchem_id"}, {0, 8, "other_id_type"},
		{151, 0, "Cortexone"}, {151, 4, "6166"}, {151, 7, "9Q3460"},
		{152, 0, "Corticosterone, DOC"},
	};
	static const spot mtbls1[] = {
		{0, 0, "database_identifier"}, {0, 4, "metabolite_identification"},
		{0, 18, "ADG10003u_007"}, {0, 149, "ADG19007u_477"},
		{2, 0, "CHEBI:15677"}, {2, 1, "C6H12O6"}, {2, 18, "0.010803"},
		{22, 4, "a-Hydroxy-n-butyrate"}, {22, 5, "[0.85 .. 0.90]"},
		{219, 5, "[9.31 .. 9.35]"},	/* line 220 is only tabs: skipped */
	};
	static const spot mtbls664[] = {
		{0, 4, "metabolite_identification"}, {0, 21, "Blank"}, {0, 48, "2416505"},
		{2, 4, "C0"}, {2, 21, ""}, {2, 22, "36.6"},
		/* the quoted SMILES holds a tab: one field, 49 in all */
		{32, 2, " \tC[N+](C)(C)CC(CC([O-])=O)OC([*])=O"}, {32, 4, "C5-M-DC"},
		{32, 48, "0.019"}, {33, 4, "C5-OH (C3-DC-M)"}, {148, 48, "6.23"},
	};
	static const spot mz263[] = {
		{0, 0, "SML_ID"}, {0, 2, "database_identifier"}, {0, 13, "abundance_assay[1]"},
		{0, 23, "opt_global_Progenesis_identifier"},
		{77, 0, "469"}, {77, 1, "6 | 937"}, {77, 2, "CHEBI:16737"}, {77, 6, "Creatinine"},
		{77, 4, "null"}, {77, 13, "59809754.62"}, {77, 23, "6.90_113.0582n"},
		{93, 6, "Lysine"}, {93, 13, "19440344.69"},
	};
	static const spot mzlip[] = {
		{0, 2, "chemical_name"}, {0, 18, "opt_global_lipid_best_id_level"},
		{71, 2, "Cer(d18:1/24:0)"}, {71, 3, "LM:LMSP02010012"},
		{71, 13, "4.448784E-05"}, {71, 18, "Cer d18:1/24:0"},
	};
	static const spot refmet[] = {
		{0, 0, "NAME"}, {2, 0, "2'-Deoxyuridine"}, {66, 0, "CHEBI:23966"},
	};
	static const spot lipidr[] = {
		{0, 0, "lipids"}, {0, 20, "S20"}, {2, 0, "CE 16:0"}, {2, 1, "15.54984244"},
		{251, 0, "plasmenylPC 16:0/14:0"}, {251, 1, "9.715407524"},
		{414, 0, "TG 20:1/20:4/22:4"}, {414, 20, "12.84042824"},
	};
	static const spot mq[] = {
		{0, 0, "Protein IDs"}, {0, 6, "Gene names"}, {0, 183, "LFQ intensity 6A_1"},
		{0, 239, "Reverse"}, {0, 240, "Potential contaminant"}, {0, 241, "id"},
		{3, 0, "CON__ENSEMBL:ENSBTAP00000007350;CON__P01030"}, {3, 240, "+"},
		{3, 241, "1"}, {41, 0, "P00890"}, {41, 6, "CIT1"}, {41, 183, "0"},
		{41, 241, "39"},
	};
#define N(a) ((int) (sizeof(a) / sizeof((a)[0])))

	check_file("mwtab_ST000122_AN000204.txt", TAB_BLOCK_DATA, TAB_FORMAT_MWTAB,
			   '\t', 125, 43, 14, 125, 126, mwdata, N(mwdata));
	check_file("mwtab_ST000122_AN000204.txt", TAB_BLOCK_METABOLITES, TAB_FORMAT_MWTAB,
			   '\t', 144, 9, 14, 125, 0, mwmet, N(mwmet));
	check_file("m_MTBLS1_metabolite_profiling_NMR_spectroscopy_v2_maf.tsv",
			   TAB_BLOCK_DATA, TAB_FORMAT_DELIMITED, '\t', 1, 150, 218, 0, 0,
			   mtbls1, N(mtbls1));
	check_file("m_MTBLS664_hub_BIOCRATES_fia.tsv", TAB_BLOCK_DATA,
			   TAB_FORMAT_DELIMITED, '\t', 1, 49, 147, 0, 0, mtbls664, N(mtbls664));
	check_file("mztabm_MTBLS263.mztab", TAB_BLOCK_DATA, TAB_FORMAT_MZTAB, '\t',
			   76, 24, 17, 74, 0, mz263, N(mz263));
	check_file("mztabm_lipidomics-example.mzTab", TAB_BLOCK_DATA, TAB_FORMAT_MZTAB,
			   '\t', 70, 19, 1, 61, 0, mzlip, N(mzlip));
	check_file("refmet_met_list.txt", TAB_BLOCK_DATA, TAB_FORMAT_DELIMITED, '\t',
			   1, 1, 65, 0, 0, refmet, N(refmet));
	check_file("lipidr_brca_matrix.csv", TAB_BLOCK_DATA, TAB_FORMAT_DELIMITED, ',',
			   1, 21, 413, 0, 0, lipidr, N(lipidr));
	check_file("maxquant_proteinGroups_head40.txt", TAB_BLOCK_DATA,
			   TAB_FORMAT_DELIMITED, '\t', 1, 250, 40, 0, 0, mq, N(mq));
}

/*
 * Adversarial inputs (boundaries the chunkings above must all survive).
 * The fuzzer (test/fuzz/fuzz_tabular.c) found no crasher to add here.
 */
static void
test_edge_cases(void)
{
	tab_dialect d;
	tab_error	e;
	const char *in;
	char	   *wide;
	size_t		n = 0;

	memset(&d, 0, sizeof(d));
	d.delimiter = ',';
	d.quote = '"';
	d.header_line = 1;

	expect_read("cr at eof", &d, "a,b\r", "1H:a|b\n", TAB_ERR_HEADER_ONLY, 1);
	/* the CR inside the quotes ends physical line 2: "2,3" is on line 4 */
	expect_read("cr inside quotes", &d, "a,b\n\"x\r\",1\n2,3\r",
				"1H:a|b\n2D:x\\r|1\n4D:2|3\n", TAB_OK, 0);
	expect_read("only line ends", &d, "\r\n\r\n\n\r", "", TAB_ERR_EMPTY, 0);
	expect_read("empty quoted header", &d, "\"\"\n1\n", "2H:1\n", TAB_ERR_HEADER_ONLY, 2);
	expect_read("lone quote", &d, "a,b\n\"\n", "", TAB_ERR_QUOTE, 2);
	expect_read("quote at eof", &d, "a,b\n1,\"x\"", "1H:a|b\n2D:1|x\n", TAB_OK, 0);
	expect_read("doubled quote at eof", &d, "a,b\n1,\"x\"\"", "", TAB_ERR_QUOTE, 2);
	expect_read("bom without table", &d, "\xEF\xBB\xBF", "", TAB_ERR_EMPTY, 0);
	expect_read("bom not at start", &d, "a,b\n\xEF\xBB\xBFx,1\n",
				"1H:a|b\n2D:\xEF\xBB\xBFx|1\n", TAB_OK, 0);
	d.delimiter = '|';
	expect_read("pipe quoted", &d, "a|b\n\"x|y\"|1\n", "1H:a|b\n2D:x\\|y|1\n", TAB_OK, 0);

	/* 5000 columns */
	wide = malloc(5000 * 8 * 2 + 16);
	for (int row = 0; row < 2; row++)
		for (int i = 0; i < 5000; i++)
			n += (size_t) sprintf(wide + n, "%s%d%s", row ? "" : "c", i,
								  i == 4999 ? "\n" : ",");
	d = sniff_ok("wide", wide, n, 0);
	CHECK(d.ncolumns == 5000 && d.delimiter == ',', "wide: 5000 columns");
	expect_read_opts("wide", &d, wide, n, NULL, TAB_OK, 0, 0);
	free(wide);

	/* an incomplete sample cut between CR and LF is not "mixed" */
	in = "a,b\r\n1,2\r\n3,4\r\n5,6\r";
	CHECK(tab_sniff(in, strlen(in), 0, 0, &d, &e) == TAB_OK &&
		  d.eol == TAB_EOL_CRLF && !d.mixed_eol && d.sampled_rows == 2,
		  "sample cut after CR: CRLF, not mixed");
	/* an incomplete sample with no line break at all */
	CHECK(tab_sniff("a,b,c", 5, 0, 0, &d, &e) == TAB_ERR_NO_TABLE,
		  "sample without line break");
	/* arguments */
	CHECK(tab_sniff(NULL, 0, 1, 0, &d, &e) == TAB_ERR_EMPTY, "NULL empty buffer");
	CHECK(tab_sniff("a", 1, 1, 0, NULL, &e) == TAB_ERR_USAGE, "NULL dialect");
	CHECK(tab_sniff("a,b\n1,2\n", 8, 1, 0, &d, NULL) == TAB_OK, "NULL error");
	CHECK(tab_sniff("a,b\n", 4, 1, 0, &d, NULL) == TAB_ERR_HEADER_ONLY,
		  "NULL error, failing");
}

int
main(void)
{
	test_basic();
	test_line_ends();
	test_quotes();
	test_headers();
	test_preamble();
	test_decimal_comma();
	test_errors();
	test_stop_and_api();
	test_bounded_memory();
	test_mwtab();
	test_mztab();
	test_numbers();
	test_real_files();
	test_edge_cases();
	return unit_done();
}
