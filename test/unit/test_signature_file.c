/*
 * test_signature_file.c - unit tests of the signature file reader
 * (src/core/signature_file.c).
 *
 * Every reading runs on a counting allocator (no block may be left
 * behind) and serialises the components it gets as
 *	<line>|<signature or (null)>|<type>|<feature>|<direction or ->|<weight>\n
 * with the weight printed by %.15g, so that one string comparison checks
 * every field of every row.  Error texts are checked to be non-empty (the
 * message) and printable ASCII (all three).
 */
#include "signature_file.h"
#include "unit.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>

/* ------------------------------------------------------------------------
 * A counting allocator that can also fail on purpose
 * ------------------------------------------------------------------------
 */
typedef struct counting
{
	long		live;			/* blocks not freed */
	long		calls;			/* allocations and resizes so far */
	long		fail_at;		/* fail the call with this index, -1 never */
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
	chead	   *n;

	if (c->calls++ == c->fail_at)
		return NULL;
	n = realloc(h, size + sizeof(chead));
	if (n == NULL)
		return NULL;
	if (h == NULL)
		c->live++;
	n->size = size;
	return n + 1;
}

static void
count_free(void *ctx, void *ptr)
{
	counting   *c = ctx;

	if (ptr == NULL)
		return;
	c->live--;
	free((chead *) ptr - 1);
}

/* ------------------------------------------------------------------------
 * Collecting rows
 * ------------------------------------------------------------------------
 */
typedef struct sink
{
	char	   *buf;
	size_t		len;
	size_t		cap;
	long		rows;
	long		last_line;
	int			stop_after;		/* stop at this row (1-based), 0 never */
	int			problems;		/* invariant violations */
} sink;

static void
put(sink *s, const char *p)
{
	size_t		n = strlen(p);

	if (s->len + n + 1 > s->cap)
	{
		s->cap = (s->len + n + 1) * 2;
		s->buf = realloc(s->buf, s->cap);
	}
	memcpy(s->buf + s->len, p, n + 1);
	s->len += n;
}

static const char *
type_text(int t)
{
	switch (t)
	{
		case FEATURE_GENE:
			return "gene";
		case FEATURE_PROTEIN:
			return "protein";
		case FEATURE_METABOLITE:
			return "metabolite";
		case FEATURE_LIPID:
			return "lipid";
		case FEATURE_UNKNOWN:
			return "unknown";
	}
	return "BAD";
}

static bool
is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
on_row(void *arg, const sigfile_row *row)
{
	sink	   *s = arg;
	char		head[64];
	size_t		n = strlen(row->feature);
	const char *dir = sig_direction_name(row->direction);

	if (n == 0 || is_blank_byte(row->feature[0]) ||
		is_blank_byte(row->feature[n - 1]))
		s->problems++;
	if (row->signature != NULL &&
		(row->signature[0] == '\0' || is_blank_byte(row->signature[0])))
		s->problems++;
	if (row->line < 1 || row->line <= s->last_line)
		s->problems++;
	if (!(row->weight >= 0) || isinf(row->weight) || signbit(row->weight))
		s->problems++;
	if ((row->direction == SIG_DIR_NONE) != (dir == NULL))
		s->problems++;
	s->last_line = row->line;
	snprintf(head, sizeof(head), "%ld|", row->line);
	put(s, head);
	put(s, row->signature ? row->signature : "(null)");
	put(s, "|");
	put(s, type_text(row->feature_type));
	put(s, "|");
	put(s, row->feature);
	put(s, "|");
	put(s, dir ? dir : "-");
	snprintf(head, sizeof(head), "|%.15g\n", row->weight);
	put(s, head);
	s->rows++;
	return s->stop_after && s->rows >= s->stop_after;
}

static bool
ascii_text(const char *t)
{
	for (; *t; t++)
		if ((unsigned char) *t < 0x20 || (unsigned char) *t > 0x7E)
			return false;
	return true;
}

typedef struct result
{
	sigfile_status rc;
	tab_error	err;
	sigfile_summary sum;
	char	   *text;
	int			problems;
	long		leaked;
} result;

static void
run(const char *in, size_t len, int stop_after, long fail_at, result *out)
{
	counting	cnt = {0, 0, fail_at};
	tab_alloc	a = {count_realloc, count_free, &cnt};
	sink		s;

	memset(&s, 0, sizeof(s));
	memset(out, 0, sizeof(*out));
	s.stop_after = stop_after;
	put(&s, "");
	out->rc = sigfile_read(in, len, &a, on_row, &s, &out->sum, &out->err);
	out->text = s.buf;
	out->problems = s.problems;
	out->leaked = cnt.live;
	if (s.rows != out->sum.components)
		out->problems++;
	if (out->rc != SIGFILE_OK &&
		(out->err.message[0] == '\0' || !ascii_text(out->err.message) ||
		 !ascii_text(out->err.detail) || !ascii_text(out->err.hint)))
		out->problems++;
	if (out->rc != SIGFILE_OK && out->rc != SIGFILE_ERR_TABLE &&
		out->err.code != (int) out->rc)
		out->problems++;
}

static void
show(const result *r)
{
	NOTE("rc %s, code %d (%s), line %ld, problems %d, leaked %ld",
		 sigfile_status_name(r->rc), r->err.code,
		 r->rc == SIGFILE_ERR_TABLE ? tab_status_name(r->err.code) : "-",
		 r->err.line, r->problems, r->leaked);
	NOTE("message: %s", r->err.message);
	NOTE("detail: %s", r->err.detail);
	NOTE("hint: %s", r->err.hint);
	printf("# rows:\n%s", r->text);
}

/* Summary as text: "rows components skipped | sig type dir weight". */
static void
sum_text(const sigfile_summary *s, char *out, size_t size)
{
	snprintf(out, size, "%ld %ld %ld | %d %d %d %d", s->rows, s->components,
			 s->skipped, s->has_signature_column, s->has_type_column,
			 s->has_direction_column, s->has_weight_column);
}

static void
expect_ok(const char *name, const char *in, size_t len, const char *want,
		  const char *want_sum)
{
	result		r;
	char		st[128];
	int			ok;

	run(in, len, 0, -1, &r);
	sum_text(&r.sum, st, sizeof(st));
	ok = r.rc == SIGFILE_OK && r.problems == 0 && r.leaked == 0;
	CHECK(ok, "%s: read", name);
	if (!ok)
		show(&r);
	CHECK_STR(r.text, want, "rows");
	CHECK_STR(st, want_sum, "summary");
	free(r.text);
}

/*
 * An error: status, tab_error.code, line, and parts of the message,
 * detail and hint (NULL: not checked); want_rows are the rows delivered
 * before it (NULL: not checked).
 */
static void
expect_err(const char *name, const char *in, size_t len,
		   sigfile_status want_rc, int want_code, long want_line,
		   const char *message_part, const char *detail_part,
		   const char *hint_part, const char *want_rows)
{
	result		r;
	int			ok;

	run(in, len, 0, -1, &r);
	ok = r.rc == want_rc && r.err.code == want_code &&
		r.err.line == want_line && r.problems == 0 && r.leaked == 0 &&
		(message_part == NULL || strstr(r.err.message, message_part) != NULL) &&
		(detail_part == NULL || strstr(r.err.detail, detail_part) != NULL) &&
		(hint_part == NULL || strstr(r.err.hint, hint_part) != NULL) &&
		(want_rows == NULL || strcmp(r.text, want_rows) == 0);
	CHECK(ok, "%s: %s at line %ld", name, sigfile_status_name(want_rc),
		  want_line);
	if (!ok)
		show(&r);
	free(r.text);
}

#define S(lit) lit, sizeof(lit) - 1

/* ------------------------------------------------------------------------
 * The formats
 * ------------------------------------------------------------------------
 */
static void
test_als_ceramides(void)
{
	/* the original six-ceramide ALS signature, arrows and all */
	static const char in[] =
		"species\tdirection\tweight\n"
		"Cer(d18:1/16:0)\t\xE2\x86\x91\t1.0\n"
		"Cer(d18:1/18:0)\t\xE2\x86\x91\t1.0\n"
		"Cer(d18:1/24:0)\t\xE2\x86\x91\t1.0\n"
		"Cer(d18:1/24:1)\t\xE2\x86\x91\t1.0\n"
		"SM(d18:1/16:0)\t\xE2\x86\x93\t0.8\n"
		"SM(d18:1/18:0)\t\xE2\x86\x93\t0.8\n";

	expect_ok("ALS ceramides", S(in),
			  "2|(null)|unknown|Cer(d18:1/16:0)|up|1\n"
			  "3|(null)|unknown|Cer(d18:1/18:0)|up|1\n"
			  "4|(null)|unknown|Cer(d18:1/24:0)|up|1\n"
			  "5|(null)|unknown|Cer(d18:1/24:1)|up|1\n"
			  "6|(null)|unknown|SM(d18:1/16:0)|down|0.8\n"
			  "7|(null)|unknown|SM(d18:1/18:0)|down|0.8\n",
			  "6 6 0 | 0 0 1 1");
}

static const char multi_omics_rows[] =
"2|(null)|gene|TP53|up|1\n"
"3|(null)|protein|P04637|down|0.8\n"
"4|(null)|metabolite|Glutamate|up|1\n"
"5|(null)|lipid|Cer(d18:1/16:0)|up|1\n";

static void
test_multi_omics(void)
{
	static const char tsv[] =
		"feature_type\tfeature_name\tdirection\tweight\n"
		"gene\tTP53\tup\t1.0\n"
		"protein\tP04637\tdown\t0.8\n"
		"metabolite\tGlutamate\tup\t1.0\n"
		"lipid\tCer(d18:1/16:0)\tup\t1.0\n";
	/* the same as Excel's "CSV UTF-8": BOM, CRLF, upper-case headers */
	static const char csv[] =
		"\xEF\xBB\xBF" "FEATURE_TYPE,FEATURE_NAME,DIRECTION,WEIGHT\r\n"
		"GENE,TP53,UP,1.0\r\n"
		"Protein,P04637,Down,0.8\r\n"
		"METABOLITE,Glutamate,up,1.0\r\n"
		"Lipid,\"Cer(d18:1/16:0)\",UP,1.0\r\n";
	/* classic Mac line ends, no final one */
	static const char cr[] =
		"feature_type,feature_name,direction,weight\r"
		"gene,TP53,up,1.0\r"
		"protein,P04637,down,0.8\r"
		"metabolite,Glutamate,up,1.0\r"
		"lipid,Cer(d18:1/16:0),up,1.0";

	expect_ok("multi-omics tsv", S(tsv), multi_omics_rows, "4 4 0 | 0 1 1 1");
	expect_ok("multi-omics csv, bom, crlf", S(csv), multi_omics_rows,
			  "4 4 0 | 0 1 1 1");
	expect_ok("multi-omics csv, cr", S(cr), multi_omics_rows,
			  "4 4 0 | 0 1 1 1");
}

static void
test_discovery_export(void)
{
	static const char in[] =
		"signature_name\tfeature_type\tfeature_name\tdirection\tweight\tsupport_count\tconfidence\n"
		"ALS lipid core\tlipid\tCer(d18:1/16:0)\tup\t0.92\t14\t0.88\n"
		"ALS lipid core\tlipid\tSM(d18:1/18:0)\tdown\t0.61\t9\t0.7\n"
		"ALS lipid core\tmetabolite\tGlutamate\tup\t0.5\t7\t0.64\n"
		"Neuroinflammation\tgene\tGFAP\tup\t1\t21\t0.95\n"
		"Neuroinflammation\tprotein\tP14136\tup\t0.75\t12\t0.8\n"
		"Neuroinflammation\tgene\tAQP4\tcomplex\t0.3\t3\t0.41\n";

	expect_ok("discovery export", S(in),
			  "2|ALS lipid core|lipid|Cer(d18:1/16:0)|up|0.92\n"
			  "3|ALS lipid core|lipid|SM(d18:1/18:0)|down|0.61\n"
			  "4|ALS lipid core|metabolite|Glutamate|up|0.5\n"
			  "5|Neuroinflammation|gene|GFAP|up|1\n"
			  "6|Neuroinflammation|protein|P14136|up|0.75\n"
			  "7|Neuroinflammation|gene|AQP4|complex|0.3\n",
			  "6 6 0 | 1 1 1 1");
}

static void
test_optional_columns(void)
{
	/* no direction, no weight */
	static const char two[] =
		"name,type\nTP53,gene\nGlutamate,m\nP04637,\n";
	/* a bare list of names: a single-column table */
	static const char list[] = "feature\nTP53\nEGFR\nCer(d18:1/16:0)\n";
	/* only the empty cells of a full file */
	static const char gaps[] =
		"feature_type\tfeature\tdirection\tweight\n"
		"\tTP53\t\t\n"
		"gene\tEGFR\tdown\t\n"
		"\tGlutamate\t\t0.25\n";

	expect_ok("no direction, no weight", S(two),
			  "2|(null)|gene|TP53|-|1\n"
			  "3|(null)|metabolite|Glutamate|-|1\n"
			  "4|(null)|unknown|P04637|-|1\n",
			  "3 3 0 | 0 1 0 0");
	expect_ok("names only", S(list),
			  "2|(null)|unknown|TP53|-|1\n"
			  "3|(null)|unknown|EGFR|-|1\n"
			  "4|(null)|unknown|Cer(d18:1/16:0)|-|1\n",
			  "3 3 0 | 0 0 0 0");
	expect_ok("empty cells", S(gaps),
			  "2|(null)|unknown|TP53|-|1\n"
			  "3|(null)|gene|EGFR|down|1\n"
			  "4|(null)|unknown|Glutamate|-|0.25\n",
			  "3 3 0 | 0 1 1 1");
}

static void
test_header_matching(void)
{
	/* feature_name beats name, feature_type beats type, weight beats w */
	static const char prio[] =
		"name\tw\ttype\tfeature_name\tfeature_type\tweight\tdir\tregulation\n"
		"x\t5\tjunk\tTP53\tgene\t0.5\tup\tjunk\n";
	/* spellings the ingestion layer accepts too; ignored extra columns */
	static const char spell[] =
		"  Signature Name ,Feature-Type,Feature Name,Change,Importance,Notes\n"
		"S1,protein,P04637,decreased,2,\"free, text\"\n";
	/* two columns with the same name: the first */
	static const char dup[] = "gene\tgene\tdirection\nTP53\tEGFR\tup\n";
	/* a preamble and comment lines before and inside the table */
	static const char pre[] =
		"# ALS lipid signature\n# source: discovery run 12\n"
		"lipid\tregulation\n"
		"Cer(d18:1/16:0)\tincreased\n"
		"# a comment row\n"
		"SM(d18:1/16:0)\tdecreased\n";

	expect_ok("priority", S(prio), "2|(null)|gene|TP53|up|0.5\n",
			  "1 1 0 | 0 1 1 1");
	expect_ok("spellings", S(spell), "2|S1|protein|P04637|down|2\n",
			  "1 1 0 | 1 1 1 1");
	expect_ok("duplicate name", S(dup), "2|(null)|unknown|TP53|up|1\n",
			  "1 1 0 | 0 0 1 0");
	expect_ok("preamble", S(pre),
			  "4|(null)|unknown|Cer(d18:1/16:0)|up|1\n"
			  "6|(null)|unknown|SM(d18:1/16:0)|down|1\n",
			  "2 2 0 | 0 0 1 0");
}

static void
test_cells(void)
{
	/* trimming, also of quoted cells and U+00A0; the scratch copies */
	static const char trim[] =
		"signature,feature,direction,weight\n"
		"\"  S 1  \",\" TP53 \",\" up \",\" 2 \"\n"
		"S2,\"EGFR\xC2\xA0\",\"\xC2\xA0\xE2\x86\x93\",\"\xC2\xA0" "0.5\"\n"
		"\"S3\t\",\"\tBRCA1\r\n\",-,.5e1\n";
	/* every word of the type vocabulary */
	static const char types[] =
		"type\tfeature\n"
		"gene\ta\nG\tb\ngenes\tc\nTranscript\td\n"
		"protein\te\np\tf\nPROTEINS\tg\nprot\th\n"
		"metabolite\ti\nM\tj\nmetabolites\tk\nMet\tl\n"
		"lipid\tm\nL\tn\nLipids\to\n";
	/* weights: zero, minus zero, exponent, decimal comma in a ; file */
	static const char weights[] =
		"feature;weight\nA;0\nB;-0\nC;1e-3\nD;0,75\nE;1 000,5\n";
	/* a row with an empty feature is skipped, whatever else it holds */
	static const char skip[] =
		"feature\tdirection\tweight\n"
		"TP53\tup\t1\n"
		"\tsideways\t-5\n"
		"  \tup\t1\n"
		"EGFR\tdown\t0.5\n";

	static const char longtrim[] =
		"signature_name\t-\tfeature\n"
		"\"A signature with a name far longer than sixty-four bytes, really \"\tx\t"
		"\"Cer(d18:1/16:0) with a name far longer than sixty-four bytes too\xC2\xA0\"\n";

	expect_ok("long trimmed cells", S(longtrim),
			  "2|A signature with a name far longer than sixty-four bytes, really|unknown|"
			  "Cer(d18:1/16:0) with a name far longer than sixty-four bytes too|-|1\n",
			  "1 1 0 | 1 0 0 0");
	expect_ok("trimming", S(trim),
			  "2|S 1|unknown|TP53|up|2\n"
			  "3|S2|unknown|EGFR|down|0.5\n"
			  "4|S3|unknown|BRCA1|down|5\n",
			  "3 3 0 | 1 0 1 1");
	expect_ok("type words", S(types),
			  "2|(null)|gene|a|-|1\n3|(null)|gene|b|-|1\n"
			  "4|(null)|gene|c|-|1\n5|(null)|gene|d|-|1\n"
			  "6|(null)|protein|e|-|1\n7|(null)|protein|f|-|1\n"
			  "8|(null)|protein|g|-|1\n9|(null)|protein|h|-|1\n"
			  "10|(null)|metabolite|i|-|1\n11|(null)|metabolite|j|-|1\n"
			  "12|(null)|metabolite|k|-|1\n13|(null)|metabolite|l|-|1\n"
			  "14|(null)|lipid|m|-|1\n15|(null)|lipid|n|-|1\n"
			  "16|(null)|lipid|o|-|1\n",
			  "15 15 0 | 0 1 0 0");
	expect_ok("weights", S(weights),
			  "2|(null)|unknown|A|-|0\n3|(null)|unknown|B|-|0\n"
			  "4|(null)|unknown|C|-|0.001\n5|(null)|unknown|D|-|0.75\n"
			  "6|(null)|unknown|E|-|1000.5\n",
			  "5 5 0 | 0 0 0 1");
	expect_ok("blank features skipped", S(skip),
			  "2|(null)|unknown|TP53|up|1\n5|(null)|unknown|EGFR|down|0.5\n",
			  "4 2 2 | 0 0 1 1");
}

static void
test_directions(void)
{
	static const struct
	{
		const char *s;
		int			want;
	}			cases[] = {
		{"\xE2\x86\x91", SIG_DIR_UP}, {"up", SIG_DIR_UP}, {"UP", SIG_DIR_UP},
		{"Increased", SIG_DIR_UP}, {"increase", SIG_DIR_UP}, {"+", SIG_DIR_UP},
		{"UpRegulated", SIG_DIR_UP}, {" \tup\r\n", SIG_DIR_UP},
		{"\xE2\x86\x93", SIG_DIR_DOWN}, {"down", SIG_DIR_DOWN},
		{"DECREASED", SIG_DIR_DOWN}, {"decrease", SIG_DIR_DOWN},
		{"-", SIG_DIR_DOWN}, {"downregulated", SIG_DIR_DOWN},
		{"neutral", SIG_DIR_NEUTRAL}, {"None", SIG_DIR_NEUTRAL},
		{"0", SIG_DIR_NEUTRAL}, {"unchanged", SIG_DIR_NEUTRAL},
		{"complex", SIG_DIR_COMPLEX}, {"MIXED", SIG_DIR_COMPLEX},
		{"", SIG_DIR_NONE}, {"   ", SIG_DIR_NONE}, {"\xC2\xA0", SIG_DIR_NONE},
		{"u", -1}, {"upp", -1}, {"up down", -1}, {"++", -1}, {"--", -1},
		{"\xE2\x86\x91\xE2\x86\x91", -1}, {"\xE2\x86\x92", -1}, {"1", -1},
		{"-1", -1}, {"up-regulated", -1}, {"\xE2\x86", -1}, {"nan", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		int			got = sig_direction_parse(cases[i].s, strlen(cases[i].s));

		CHECK(got == cases[i].want, "sig_direction_parse case %zu", i);
		if (got != cases[i].want)
			NOTE("got %d, want %d", got, cases[i].want);
	}
	/* not NUL-terminated: only len bytes count */
	CHECK(sig_direction_parse("upregulated", 2) == SIG_DIR_UP, "parse: length");
	CHECK(sig_direction_parse(NULL, 0) == SIG_DIR_NONE, "parse: NULL, 0");
	CHECK(sig_direction_parse(NULL, 3) == -1, "parse: NULL, 3");
	for (int d = SIG_DIR_UP; d <= SIG_DIR_COMPLEX; d++)
	{
		const char *n = sig_direction_name((sig_direction) d);

		CHECK(n != NULL && sig_direction_parse(n, strlen(n)) == d,
			  "name and parse agree: %s", n ? n : "(null)");
	}
	CHECK_STR(sig_direction_name(SIG_DIR_UP), "up", "name up");
	CHECK_STR(sig_direction_name(SIG_DIR_DOWN), "down", "name down");
	CHECK_STR(sig_direction_name(SIG_DIR_NEUTRAL), "neutral", "name neutral");
	CHECK_STR(sig_direction_name(SIG_DIR_COMPLEX), "complex", "name complex");
	CHECK(sig_direction_name(SIG_DIR_NONE) == NULL, "name none is NULL");
	CHECK(sig_direction_name((sig_direction) 17) == NULL, "name junk is NULL");
	CHECK_STR(sigfile_status_name(SIGFILE_ERR_WEIGHT), "SIGFILE_ERR_WEIGHT",
			  "status name");
}

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */
static void
test_row_errors(void)
{
	static const char dir[] =
		"feature_type\tfeature_name\tdirection\tweight\n"
		"gene\tTP53\tup\t1.0\n"
		"\n"
		"protein\tP04637\tsideways\t0.8\n"
		"gene\tEGFR\tup\t1.0\n";
	static const char neg[] =
		"feature\tweight\nTP53\t1\nEGFR\t-0.5\n";
	static const char nan[] = "feature,weight\nTP53,NaN\n";
	static const char na[] = "feature,weight\nTP53,NA\n";
	static const char inf[] = "feature,weight\nTP53,-inf\n";
	static const char word[] = "feature,weight\nTP53,heavy\n";
	static const char type[] =
		"type,feature\ngene,TP53\nRNA,MALAT1\n";
	static const char signame[] =
		"signature_name\tfeature\nS1\tTP53\n \tEGFR\n";
	/* non-ASCII and long values are escaped and cut in messages */
	static const char arrow[] = "feature\tdirection\nTP53\t\xE2\x87\xA7\n";
	static const char tab[] = "feature,direction\nTP53,\"u\tp\"\"\\\"\n";
	static const char astral[] =
		"feature\tdirection\nTP53\t\xF0\x9F\x94\xBC\x01\n";
	static const char longv[] =
		"feature\tdirection\n"
		"TP53\tup-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up\n";
	/* 59 ASCII bytes, then a 3-byte character that would pass 60 */
	static const char cut[] =
		"feature\ttype\n"
		"TP53\tabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghi\xE2\x86\x91z\n";

	expect_err("unknown direction", S(dir), SIGFILE_ERR_DIRECTION,
			   SIGFILE_ERR_DIRECTION, 4, "unknown direction \"sideways\"",
			   "Line 4", "neutral", "2|(null)|gene|TP53|up|1\n");
	expect_err("negative weight", S(neg), SIGFILE_ERR_WEIGHT,
			   SIGFILE_ERR_WEIGHT, 3, "negative weights are not allowed",
			   "Line 3: weight \"-0.5\"", "empty", NULL);
	expect_err("NaN weight", S(nan), SIGFILE_ERR_WEIGHT, SIGFILE_ERR_WEIGHT,
			   2, "weight \"NaN\" is not a number", NULL, NULL, "");
	expect_err("NA weight", S(na), SIGFILE_ERR_WEIGHT, SIGFILE_ERR_WEIGHT,
			   2, "weight \"NA\" is not a number", NULL, NULL, "");
	expect_err("infinite weight", S(inf), SIGFILE_ERR_WEIGHT,
			   SIGFILE_ERR_WEIGHT, 2, "weight \"-inf\" is not finite", NULL,
			   NULL, "");
	expect_err("non-numeric weight", S(word), SIGFILE_ERR_WEIGHT,
			   SIGFILE_ERR_WEIGHT, 2, "weight \"heavy\" is not a number",
			   "Line 2", "number", "");
	expect_err("unknown type", S(type), SIGFILE_ERR_TYPE, SIGFILE_ERR_TYPE, 3,
			   "unknown feature type \"RNA\"", "Line 3", "lipid",
			   "2|(null)|gene|TP53|-|1\n");
	expect_err("empty signature name", S(signame), SIGFILE_ERR_SIGNATURE_NAME,
			   SIGFILE_ERR_SIGNATURE_NAME, 3, "signature name is empty",
			   "feature \"EGFR\"", "signature", "2|S1|unknown|TP53|-|1\n");
	expect_err("non-ASCII value", S(arrow), SIGFILE_ERR_DIRECTION,
			   SIGFILE_ERR_DIRECTION, 2, "unknown direction \"\\u21E7\"",
			   NULL, NULL, "");
	expect_err("astral and control characters", S(astral),
			   SIGFILE_ERR_DIRECTION, SIGFILE_ERR_DIRECTION, 2,
			   "unknown direction \"\\U0001F53C\\x01\"", NULL, NULL, "");
	expect_err("escapes", S(tab), SIGFILE_ERR_DIRECTION,
			   SIGFILE_ERR_DIRECTION, 2,
			   "unknown direction \"u\\tp\\\"\\\\\"", NULL, NULL, "");
	expect_err("long value", S(longv), SIGFILE_ERR_DIRECTION,
			   SIGFILE_ERR_DIRECTION, 2,
			   "\"up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-up-\"...",
			   NULL, NULL, "");
	expect_err("cut at a character", S(cut), SIGFILE_ERR_TYPE,
			   SIGFILE_ERR_TYPE, 2,
			   "\"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghi\"...",
			   NULL, NULL, "");
}

static void
test_file_errors(void)
{
	static const char nofeat[] =
		"symbol\tlog2FC\tpadj\nTP53\t1.5\t0.01\n";
	static const char header_only[] = "feature\tdirection\tweight\n";
	static const char header_only2[] = "# comment\nfeature,direction\r\n";
	static const char all_blank[] =
		"feature\tdirection\n\tup\n \tdown\n";
	static const char ragged[] =
		"feature\tdirection\tweight\n"
		"TP53\tup\t1\nEGFR\tdown\t1\nMYC\tup\t1\nKRAS\tdown\t1\n"
		"BRCA1\tup\t1\textra\n"
		"GFAP\tup\t1\n";
	static const char mwtab[] =
		"#METABOLOMICS WORKBENCH STUDY_ID:ST000001 ANALYSIS_ID:AN000001\n"
		"VERSION\t1\nMS_METABOLITE_DATA_START\nSamples\tA\tB\n"
		"Factors\tx\ty\nglucose\t1\t2\nMS_METABOLITE_DATA_END\n";
	char		wide[2048];

	expect_err("no feature column", S(nofeat), SIGFILE_ERR_NO_FEATURE_COLUMN,
			   SIGFILE_ERR_NO_FEATURE_COLUMN, 1, "no feature name column",
			   "Line 1: the header has 3 columns: \"symbol\", \"log2FC\", \"padj\".",
			   "feature_name, feature, name, species, metabolite, lipid, gene, protein or compound",
			   "");

	/* many long, non-ASCII headers: escaped, cut, and "..." at the end */
	strcpy(wide, "");
	for (int i = 0; i < 12; i++)
		strcat(wide, "Intensit\xC3\xA9 of sample number twelve or so\t");
	strcat(wide, "x\n");
	for (int i = 0; i < 12; i++)
		strcat(wide, "1\t");
	strcat(wide, "2\n");
	expect_err("no feature column, wide", wide, strlen(wide),
			   SIGFILE_ERR_NO_FEATURE_COLUMN, SIGFILE_ERR_NO_FEATURE_COLUMN, 1,
			   NULL, "\"Intensit\\u00E9 of sample number twelve or so\", ...",
			   NULL, "");

	expect_err("header only", S(header_only), SIGFILE_ERR_NO_COMPONENTS,
			   SIGFILE_ERR_NO_COMPONENTS, 1, "no components",
			   "header is on line 1", "feature_name", "");
	expect_err("header only after a comment", S(header_only2),
			   SIGFILE_ERR_NO_COMPONENTS, SIGFILE_ERR_NO_COMPONENTS, 2,
			   "no components", "line 2", NULL, "");
	expect_err("every feature blank", S(all_blank), SIGFILE_ERR_NO_COMPONENTS,
			   SIGFILE_ERR_NO_COMPONENTS, 1, "no components",
			   "All 2 data rows have an empty feature name (column \"feature\")",
			   "header row", "");
	expect_err("the only feature blank", S("feature\tdirection\n\tup\n"),
			   SIGFILE_ERR_NO_COMPONENTS, SIGFILE_ERR_NO_COMPONENTS, 1,
			   "no components", "The only data row has an empty feature name",
			   NULL, "");
	expect_err("empty file", "", 0, SIGFILE_ERR_TABLE, TAB_ERR_EMPTY, 0,
			   "empty", NULL, NULL, "");
	expect_err("NULL, 0", NULL, 0, SIGFILE_ERR_TABLE, TAB_ERR_EMPTY, 0,
			   "empty", NULL, NULL, "");
	expect_err("white space and a BOM", S("\xEF\xBB\xBF \r\n\t\n"),
			   SIGFILE_ERR_TABLE, TAB_ERR_EMPTY, 0, "empty", NULL, NULL, "");
	expect_err("ragged row", S(ragged), SIGFILE_ERR_TABLE, TAB_ERR_RAGGED, 6,
			   "wrong number of fields", "Line 6", NULL, NULL);
	expect_err("not UTF-8", S("feature\nTP53\ncaf\xE9\n"), SIGFILE_ERR_TABLE,
			   TAB_ERR_NOT_UTF8, 3, NULL, NULL, NULL, "");
	expect_err("unclosed quote", S("feature,weight\nTP53,1\n\"EGFR,2\n"),
			   SIGFILE_ERR_TABLE, TAB_ERR_QUOTE, 3, NULL, NULL, NULL, NULL);
	expect_err("mwTab", S(mwtab), SIGFILE_ERR_TABLE, TAB_ERR_FORMAT, 1,
			   "not a delimited table", "mwTab", NULL, "");
}

/*
 * Past the sniffer's first megabyte: the reader, not the sniffer, finds
 * the ragged row, after delivering the rows before it.
 */
static void
test_large(void)
{
	size_t		cap = 1300 * 1024;
	char	   *big = malloc(cap);
	size_t		len = 0;
	long		n = 0;
	result		r;
	char		want[128];

	len += (size_t) snprintf(big + len, cap - len, "feature\tdirection\tweight\n");
	while (len < 1100 * 1024)
	{
		n++;
		len += (size_t) snprintf(big + len, cap - len,
								 "FEATURE%06ld\t%s\t%ld.5\n", n,
								 n % 2 ? "up" : "down", n % 7);
	}
	run(big, len, 0, -1, &r);
	snprintf(want, sizeof(want), "%ld|(null)|unknown|FEATURE%06ld|%s|%ld.5\n",
			 n + 1, n, n % 2 ? "up" : "down", n % 7);
	CHECK(r.rc == SIGFILE_OK && r.sum.components == n && r.problems == 0 &&
		  r.leaked == 0 && strlen(r.text) > strlen(want) &&
		  strcmp(r.text + strlen(r.text) - strlen(want), want) == 0,
		  "large file: %ld components", n);
	free(r.text);

	len += (size_t) snprintf(big + len, cap - len, "RAGGED\tup\t1\t2\nLAST\tup\t1\n");
	run(big, len, 0, -1, &r);
	CHECK(r.rc == SIGFILE_ERR_TABLE && r.err.code == TAB_ERR_RAGGED &&
		  r.err.line == n + 2 && r.sum.components == n && r.problems == 0 &&
		  r.leaked == 0, "large file: ragged row on line %ld after %ld rows",
		  n + 2, n);
	if (r.rc != SIGFILE_ERR_TABLE)
		show(&r);
	free(r.text);
	free(big);
}

/* ------------------------------------------------------------------------
 * The API around the reading
 * ------------------------------------------------------------------------
 */
static void
test_api(void)
{
	static const char in[] =
		"feature\tdirection\n\"TP53 \"\tup\n\"EGFR \"\tdown\nMYC\tup\n";
	result		r;
	tab_error	e;
	sigfile_summary sum;
	counting	cnt = {0, 0, -1};
	tab_alloc	a = {count_realloc, count_free, &cnt};
	long		calls;
	int			bad;

	/* the callback stops the reading */
	run(S(in), 2, -1, &r);
	CHECK(r.rc == SIGFILE_STOPPED && r.err.code == SIGFILE_STOPPED &&
		  r.err.line == 3 && r.sum.components == 2 && r.leaked == 0 &&
		  r.problems == 0 &&
		  strcmp(r.text, "2|(null)|unknown|TP53|up|1\n3|(null)|unknown|EGFR|down|1\n") == 0,
		  "stopped by the callback");
	if (r.rc != SIGFILE_STOPPED)
		show(&r);
	free(r.text);

	/* no callback, no summary, no error: validation only */
	CHECK(sigfile_read(S(in), &a, NULL, NULL, NULL, NULL) == SIGFILE_OK &&
		  cnt.live == 0, "NULL callback, summary and error");
	CHECK(sigfile_read(S("feature\tdirection\nTP53\tx\n"), &a, NULL, NULL,
					   &sum, NULL) == SIGFILE_ERR_DIRECTION &&
		  sum.rows == 1 && sum.components == 0 && cnt.live == 0,
		  "NULL error on failure");
	CHECK(sigfile_read(S(in), NULL, NULL, NULL, NULL, &e) == SIGFILE_ERR_TABLE &&
		  e.code == TAB_ERR_USAGE, "NULL allocator");
	CHECK(sigfile_read(NULL, 5, &a, NULL, NULL, NULL, &e) == SIGFILE_ERR_TABLE &&
		  e.code == TAB_ERR_USAGE, "NULL buffer with a length");

	/* every allocation failing in turn: NOMEM, never a leak or a crash */
	cnt.calls = 0;
	CHECK(sigfile_read(S(in), &a, NULL, NULL, NULL, NULL) == SIGFILE_OK,
		  "allocation count");
	calls = cnt.calls;
	bad = 0;
	for (long k = 0; k < calls; k++)
	{
		run(S(in), 0, k, &r);
		if (!((r.rc == SIGFILE_ERR_TABLE && r.err.code == TAB_ERR_NOMEM) ||
			  r.rc == SIGFILE_OK) || r.leaked != 0 || r.problems != 0)
		{
			bad++;
			NOTE("failing allocation %ld of %ld", k, calls);
			show(&r);
		}
		free(r.text);
	}
	CHECK(bad == 0 && calls > 3, "%ld failing allocations handled", calls);
}

int
main(void)
{
	test_als_ceramides();
	test_multi_omics();
	test_discovery_export();
	test_optional_columns();
	test_header_matching();
	test_cells();
	test_directions();
	test_row_errors();
	test_file_errors();
	test_large();
	test_api();
	return unit_done();
}
