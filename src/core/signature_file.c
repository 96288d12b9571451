/*
 * signature_file.c - signature definition files to components.
 *
 * The table itself is the tabular reader's business (tab_sniff on the
 * first megabyte, then one tab_reader over the whole buffer); this file
 * gives the header's columns their roles, checks every cell of every data
 * row and hands the components to the caller as they come.
 *
 * The reader's fields are NUL-terminated but read-only, so a trimmed cell
 * is used in place unless trimming removed bytes at its end; only then is
 * it copied into a scratch buffer from the caller's allocator (for the
 * feature and the signature name: the cells the caller gets as strings).
 *
 * Errors raised inside the record callback are kept in the reading's own
 * tab_error, because stopping the reader makes it write its own "stopped"
 * error into the one it was given.
 */
#include "signature_file.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "columns.h"

/* tab_sniff looks at this much of the file, like the ingestion does. */
#define SNIFF_BYTES ((size_t) 1024 * 1024)

/* A value quoted in a message: at most this many bytes of the file ... */
#define QUOTE_BYTES 60
/* ... and this many characters once escaped (quotes and "..." excluded). */
#define QUOTE_CHARS 90
/* Room for a quoted value: both quotes, the escapes, "..." and NUL. */
#define QUOTE_SIZE (QUOTE_CHARS + 8)

#define KEY_SIZE 128			/* header keys, as in columns.c */

/* Not a feature type (distinct from FEATURE_UNKNOWN, "infer it"). */
#define TYPE_INVALID (-2)

enum
{
	ROLE_SIGNATURE = 0,
	ROLE_FEATURE,
	ROLE_TYPE,
	ROLE_DIRECTION,
	ROLE_WEIGHT,
	NROLES
};

/* Header keys (columns_key form) per role, in priority order. */
static const char *const signature_keys[] = {"signaturename", "signature", NULL};
static const char *const feature_keys[] = {
	"featurename", "feature", "name", "species", "metabolite", "lipid",
	"gene", "protein", "compound", NULL
};
static const char *const type_keys[] = {"featuretype", "type", NULL};
static const char *const direction_keys[] = {
	"direction", "dir", "change", "regulation", NULL
};
static const char *const weight_keys[] = {"weight", "w", "importance", NULL};

static const char *const *const role_keys[NROLES] = {
	signature_keys, feature_keys, type_keys, direction_keys, weight_keys
};

/* Words of a vocabulary, matched case-insensitively (ASCII). */
typedef struct vocab
{
	const char *word;
	int			value;
} vocab;

static const vocab direction_words[] = {
	{"\xE2\x86\x91", SIG_DIR_UP},	/* U+2191 UPWARDS ARROW */
	{"up", SIG_DIR_UP},
	{"increased", SIG_DIR_UP},
	{"increase", SIG_DIR_UP},
	{"+", SIG_DIR_UP},
	{"upregulated", SIG_DIR_UP},
	{"\xE2\x86\x93", SIG_DIR_DOWN}, /* U+2193 DOWNWARDS ARROW */
	{"down", SIG_DIR_DOWN},
	{"decreased", SIG_DIR_DOWN},
	{"decrease", SIG_DIR_DOWN},
	{"-", SIG_DIR_DOWN},
	{"downregulated", SIG_DIR_DOWN},
	{"neutral", SIG_DIR_NEUTRAL},
	{"none", SIG_DIR_NEUTRAL},
	{"0", SIG_DIR_NEUTRAL},
	{"unchanged", SIG_DIR_NEUTRAL},
	{"complex", SIG_DIR_COMPLEX},
	{"mixed", SIG_DIR_COMPLEX},
	{NULL, 0}
};

static const vocab type_words[] = {
	{"gene", FEATURE_GENE},
	{"g", FEATURE_GENE},
	{"genes", FEATURE_GENE},
	{"transcript", FEATURE_GENE},
	{"protein", FEATURE_PROTEIN},
	{"p", FEATURE_PROTEIN},
	{"proteins", FEATURE_PROTEIN},
	{"prot", FEATURE_PROTEIN},
	{"metabolite", FEATURE_METABOLITE},
	{"m", FEATURE_METABOLITE},
	{"metabolites", FEATURE_METABOLITE},
	{"met", FEATURE_METABOLITE},
	{"lipid", FEATURE_LIPID},
	{"l", FEATURE_LIPID},
	{"lipids", FEATURE_LIPID},
	{NULL, 0}
};

static const char direction_hint[] =
"Use up (also +, increase, increased, upregulated, the arrow U+2191), "
"down (-, decrease, decreased, downregulated, U+2193), "
"neutral (none, 0, unchanged) or complex (mixed), or leave the cell empty.";

static const char type_hint[] =
"Use gene (g, genes, transcript), protein (p, prot, proteins), "
"metabolite (m, met, metabolites) or lipid (l, lipids), "
"or leave the cell empty to infer the type from the name.";

static const char weight_hint[] =
"Give a finite number >= 0 such as 1 or 0.8, or leave the cell empty "
"for the default weight 1.0.";

static const char valid_file_hint[] =
"A signature file has a header row and one component per row, e.g. "
"the header feature_name<TAB>direction<TAB>weight then TP53<TAB>up<TAB>1.0; "
"only the feature column is required.";

/* One reading. */
typedef struct sig_ctx
{
	const tab_alloc *alloc;
	sigfile_row_fn on_row;
	void	   *arg;
	sigfile_summary *sum;
	int			decimal_comma;
	int			col[NROLES];	/* column of each role, -1 when absent */
	long		header_line;
	char		feature_header[QUOTE_SIZE]; /* quoted, for messages */
	char	   *scratch;		/* trimmed copies of cells */
	size_t		scratch_cap;
	sigfile_status status;		/* why the callback stopped the reader */
	tab_error	own;			/* the error that goes with status */
} sig_ctx;

/* ------------------------------------------------------------------------
 * Text helpers
 * ------------------------------------------------------------------------
 */
static size_t
blank_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char) s[0];

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
		return 1;
	if (n >= 2 && c == 0xC2 && (unsigned char) s[1] == 0xA0)
		return 2;				/* U+00A0 NO-BREAK SPACE */
	return 0;
}

/* Trim white space (and U+00A0) on both sides of s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	size_t		len = *n;
	size_t		k;

	while (len > 0 && (k = blank_len(s, len)) > 0)
	{
		s += k;
		len -= k;
	}
	for (;;)
	{
		if (len >= 1 && blank_len(s + len - 1, 1) == 1)
			len--;
		else if (len >= 2 && blank_len(s + len - 2, 2) == 2)
			len -= 2;
		else
			break;
	}
	*n = len;
	return s;
}

static char
ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
}

/* s[0..n) equals the word, ignoring ASCII case. */
static bool
word_eq(const char *s, size_t n, const char *word)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (word[i] == '\0' || ascii_lower(s[i]) != ascii_lower(word[i]))
			return false;
	return word[i] == '\0';
}

/* The trimmed value's entry in v; empty gives empty_value, unknown fail. */
static int
vocab_lookup(const vocab *v, const char *s, size_t n, int empty_value,
			 int fail)
{
	s = trim(s, &n);
	if (n == 0)
		return empty_value;
	for (int i = 0; v[i].word != NULL; i++)
		if (word_eq(s, n, v[i].word))
			return v[i].value;
	return fail;
}

/*
 * Length of the UTF-8 character at s[0..n) and its code point, or 0 when
 * the bytes are not one (the reader only lets valid UTF-8 through, but
 * this stays safe on anything).
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned int *cp)
{
	unsigned char c = s[0];
	size_t		len;
	unsigned int v;

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
	{
		len = 2;
		v = c & 0x1F;
	}
	else if (c >= 0xE0 && c <= 0xEF)
	{
		len = 3;
		v = c & 0x0F;
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		len = 4;
		v = c & 0x07;
	}
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) ||
		(len == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return len;
}

/*
 * Write s[0..n) as a double-quoted ASCII string into out (QUOTE_SIZE
 * bytes): at most QUOTE_BYTES bytes of the value, cut at a character
 * boundary, and QUOTE_CHARS characters once escaped ('"' and '\\'
 * backslashed, controls as \xNN, other non-ASCII as \uXXXX); "..." after
 * the closing quote says the value was cut.
 */
static void
quote_value(char *out, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *) s;
	size_t		o = 0;
	size_t		i = 0;

	out[o++] = '"';
	while (i < n)
	{
		char		piece[24];
		unsigned int cp;
		size_t		k = utf8_decode(u + i, n - i, &cp);
		size_t		plen;

		if (k == 0)
		{
			k = 1;
			snprintf(piece, sizeof(piece), "\\x%02X", u[i]);
		}
		else if (cp == '"' || cp == '\\')
			snprintf(piece, sizeof(piece), "\\%c", (char) cp);
		else if (cp == '\t')
			snprintf(piece, sizeof(piece), "\\t");
		else if (cp < 0x20 || cp == 0x7F)
			snprintf(piece, sizeof(piece), "\\x%02X", cp);
		else if (cp < 0x80)
			snprintf(piece, sizeof(piece), "%c", (char) cp);
		else if (cp <= 0xFFFF)
			snprintf(piece, sizeof(piece), "\\u%04X", cp);
		else
			snprintf(piece, sizeof(piece), "\\U%08X", cp);
		plen = strlen(piece);
		if (i + k > QUOTE_BYTES || o - 1 + plen > QUOTE_CHARS)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		i += k;
	}
	out[o++] = '"';
	if (i < n)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static void fmt(char *buf, size_t size, const char *format,...)
			__attribute__((format(printf, 3, 4)));

static void
fmt(char *buf, size_t size, const char *format,...)
{
	va_list		ap;

	va_start(ap, format);
	vsnprintf(buf, size, format, ap);
	va_end(ap);
}

/* Fill *err; message and hint are plain strings, detail a format. */
static void set_error(tab_error *err, int code, long line, const char *message,
					  const char *hint, const char *detail_fmt,...)
			__attribute__((format(printf, 6, 7)));

static void
set_error(tab_error *err, int code, long line, const char *message,
		  const char *hint, const char *detail_fmt,...)
{
	va_list		ap;

	err->code = code;
	err->line = line;
	fmt(err->message, sizeof(err->message), "%s", message);
	fmt(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
	err->detail[0] = '\0';
	if (detail_fmt != NULL)
	{
		va_start(ap, detail_fmt);
		vsnprintf(err->detail, sizeof(err->detail), detail_fmt, ap);
		va_end(ap);
	}
}

/* ------------------------------------------------------------------------
 * Header
 * ------------------------------------------------------------------------
 */
/* "Line 3: the header has 4 columns: "a", "b", ..." into err->detail. */
static void
list_headers(const tab_record *rec, tab_error *err)
{
	char	   *d = err->detail;
	size_t		size = sizeof(err->detail);
	size_t		used;

	fmt(d, size, "Line %ld: the header has %d column%s: ", rec->line,
		rec->nfields, rec->nfields == 1 ? "" : "s");
	used = strlen(d);
	for (int i = 0; i < rec->nfields; i++)
	{
		char		q[QUOTE_SIZE];
		size_t		need;
		bool		last = i + 1 == rec->nfields;

		quote_value(q, rec->fields[i], rec->lens[i]);
		need = strlen(q) + (i > 0 ? 2 : 0) + (last ? 1 : 6);
		if (used + need >= size)
		{
			fmt(d + used, size - used, "%s...", i > 0 ? ", " : "");
			return;
		}
		fmt(d + used, size - used, "%s%s%s", i > 0 ? ", " : "", q,
			last ? "." : "");
		used += strlen(d + used);
	}
}

static int
on_header(sig_ctx *c, const tab_record *rec)
{
	int			rank[NROLES];

	c->header_line = rec->line;
	for (int r = 0; r < NROLES; r++)
	{
		c->col[r] = -1;
		rank[r] = -1;
	}
	/* per role: the best-ranked name, then the first column with it */
	for (int i = 0; i < rec->nfields; i++)
	{
		char		key[KEY_SIZE];

		columns_key(rec->fields[i], key, sizeof(key));
		if (key[0] == '\0')
			continue;
		for (int r = 0; r < NROLES; r++)
			for (int k = 0; role_keys[r][k] != NULL; k++)
				if (strcmp(key, role_keys[r][k]) == 0 &&
					(c->col[r] < 0 || k < rank[r]))
				{
					c->col[r] = i;
					rank[r] = k;
				}
	}
	c->sum->has_signature_column = c->col[ROLE_SIGNATURE] >= 0;
	c->sum->has_type_column = c->col[ROLE_TYPE] >= 0;
	c->sum->has_direction_column = c->col[ROLE_DIRECTION] >= 0;
	c->sum->has_weight_column = c->col[ROLE_WEIGHT] >= 0;

	if (c->col[ROLE_FEATURE] < 0)
	{
		set_error(&c->own, SIGFILE_ERR_NO_FEATURE_COLUMN, rec->line,
				  "signature file has no feature name column",
				  "Name the column of feature names feature_name, feature, name, species, metabolite, lipid, gene, protein or compound.",
				  NULL);
		list_headers(rec, &c->own);
		c->status = SIGFILE_ERR_NO_FEATURE_COLUMN;
		return 1;
	}
	quote_value(c->feature_header, rec->fields[c->col[ROLE_FEATURE]],
				rec->lens[c->col[ROLE_FEATURE]]);
	return 0;
}

/* ------------------------------------------------------------------------
 * Data rows
 * ------------------------------------------------------------------------
 */
typedef struct cell
{
	const char *s;				/* trimmed start */
	size_t		n;				/* trimmed length */
	bool		in_place;		/* s[n] is the field's NUL */
	bool		present;		/* the column exists */
} cell;

static cell
get_cell(const sig_ctx *c, const tab_record *rec, int role)
{
	cell		v = {"", 0, true, false};
	int			i = c->col[role];

	if (i < 0 || i >= rec->nfields)
		return v;
	v.present = true;
	v.n = rec->lens[i];
	v.s = trim(rec->fields[i], &v.n);
	v.in_place = v.s + v.n == rec->fields[i] + rec->lens[i];
	return v;
}

static int
row_error(sig_ctx *c, sigfile_status st, long line, const char *message,
		  const char *hint, const char *detail)
{
	set_error(&c->own, st, line, message, hint, "%s", detail);
	c->status = st;
	return 1;
}

/* NUL-terminated copies of the cells that are not (feature, signature). */
static bool
materialize(sig_ctx *c, cell *feature, cell *signature)
{
	size_t		need = 0;
	size_t		o = 0;

	if (!feature->in_place)
		need += feature->n + 1;
	if (!signature->in_place)
		need += signature->n + 1;
	if (need == 0)
		return true;
	if (need > c->scratch_cap)
	{
		size_t		cap = c->scratch_cap ? c->scratch_cap : 64;
		char	   *p;

		while (cap < need)
			cap *= 2;
		p = c->alloc->realloc_fn(c->alloc->ctx, c->scratch, cap);
		if (p == NULL)
			return false;
		c->scratch = p;
		c->scratch_cap = cap;
	}
	if (!feature->in_place)
	{
		memcpy(c->scratch, feature->s, feature->n);
		c->scratch[feature->n] = '\0';
		feature->s = c->scratch;
		o = feature->n + 1;
	}
	if (!signature->in_place)
	{
		memcpy(c->scratch + o, signature->s, signature->n);
		c->scratch[o + signature->n] = '\0';
		signature->s = c->scratch + o;
	}
	return true;
}

static int
on_data(sig_ctx *c, const tab_record *rec)
{
	cell		feature = get_cell(c, rec, ROLE_FEATURE);
	cell		signature = get_cell(c, rec, ROLE_SIGNATURE);
	cell		type = get_cell(c, rec, ROLE_TYPE);
	cell		dir = get_cell(c, rec, ROLE_DIRECTION);
	cell		weight = get_cell(c, rec, ROLE_WEIGHT);
	char		q[QUOTE_SIZE];
	char		message[TAB_ERROR_TEXT];
	char		detail[TAB_ERROR_TEXT];
	sigfile_row row;
	int			v;

	c->sum->rows++;
	if (feature.n == 0)
	{
		c->sum->skipped++;
		return 0;
	}

	if (signature.present && signature.n == 0)
	{
		quote_value(q, feature.s, feature.n);
		fmt(detail, sizeof(detail),
			"Line %ld: the row of feature %s has no signature name.",
			rec->line, q);
		return row_error(c, SIGFILE_ERR_SIGNATURE_NAME, rec->line,
						 "signature name is empty",
						 "Give every row the name of its signature, or drop the signature column to load a single signature.",
						 detail);
	}

	v = vocab_lookup(type_words, type.s, type.n, FEATURE_UNKNOWN, TYPE_INVALID);
	if (v == TYPE_INVALID)
	{
		quote_value(q, type.s, type.n);
		fmt(message, sizeof(message), "unknown feature type %s", q);
		fmt(detail, sizeof(detail), "Line %ld: %s is not a feature type.",
			rec->line, q);
		return row_error(c, SIGFILE_ERR_TYPE, rec->line, message, type_hint,
						 detail);
	}
	row.feature_type = v;

	v = sig_direction_parse(dir.s, dir.n);
	if (v < 0)
	{
		quote_value(q, dir.s, dir.n);
		fmt(message, sizeof(message), "unknown direction %s", q);
		fmt(detail, sizeof(detail), "Line %ld: %s is not a direction.",
			rec->line, q);
		return row_error(c, SIGFILE_ERR_DIRECTION, rec->line, message,
						 direction_hint, detail);
	}
	row.direction = (sig_direction) v;

	row.weight = 1.0;
	if (weight.n > 0)
	{
		double		w;

		quote_value(q, weight.s, weight.n);
		fmt(detail, sizeof(detail), "Line %ld: weight %s.", rec->line, q);
		if (tab_parse_double(weight.s, weight.n, c->decimal_comma, &w) != TAB_NUM_OK)
		{
			fmt(message, sizeof(message), "weight %s is not a number", q);
			return row_error(c, SIGFILE_ERR_WEIGHT, rec->line, message,
							 weight_hint, detail);
		}
		if (!isfinite(w))
		{
			fmt(message, sizeof(message), "weight %s is not finite", q);
			return row_error(c, SIGFILE_ERR_WEIGHT, rec->line, message,
							 weight_hint, detail);
		}
		if (w < 0)
			return row_error(c, SIGFILE_ERR_WEIGHT, rec->line,
							 "negative weights are not allowed",
							 weight_hint, detail);
		row.weight = w + 0.0;	/* -0 becomes 0 */
	}

	if (!materialize(c, &feature, &signature))
	{
		set_error(&c->own, TAB_ERR_NOMEM, rec->line,
				  "out of memory while reading the signature file", NULL, NULL);
		c->status = SIGFILE_ERR_TABLE;
		return 1;
	}
	row.feature = feature.s;
	row.signature = signature.present ? signature.s : NULL;
	row.line = rec->line;
	c->sum->components++;
	if (c->on_row != NULL && c->on_row(c->arg, &row) != 0)
	{
		set_error(&c->own, SIGFILE_STOPPED, rec->line,
				  "reading stopped by the caller", NULL, NULL);
		c->status = SIGFILE_STOPPED;
		return 1;
	}
	return 0;
}

static int
on_record(void *arg, const tab_record *rec)
{
	sig_ctx    *c = arg;

	if (rec->is_header)
		return on_header(c, rec);
	if (rec->is_factors)
		return 0;				/* mwTab only; kept for completeness */
	return on_data(c, rec);
}

/* ------------------------------------------------------------------------
 * API
 * ------------------------------------------------------------------------
 */
static sigfile_status
no_components(tab_error *err, long header_line, const sigfile_summary *sum,
			  const char *feature_header)
{
	if (sum->rows == 0)
		set_error(err, SIGFILE_ERR_NO_COMPONENTS, header_line,
				  "signature file has no components", valid_file_hint,
				  "The header is on line %ld and no data row follows it.",
				  header_line);
	else if (sum->rows == 1)
		set_error(err, SIGFILE_ERR_NO_COMPONENTS, header_line,
				  "signature file has no components", valid_file_hint,
				  "The only data row has an empty feature name (column %s).",
				  feature_header);
	else
		set_error(err, SIGFILE_ERR_NO_COMPONENTS, header_line,
				  "signature file has no components", valid_file_hint,
				  "All %ld data rows have an empty feature name (column %s).",
				  sum->rows, feature_header);
	return SIGFILE_ERR_NO_COMPONENTS;
}

sigfile_status
sigfile_read(const char *buf, size_t len, const tab_alloc *alloc,
			 sigfile_row_fn on_row, void *arg, sigfile_summary *sum,
			 tab_error *err)
{
	tab_error	local_err;
	sigfile_summary local_sum;
	tab_error	rerr;
	tab_dialect d;
	tab_reader *r;
	sig_ctx		c;
	int			rc;

	if (err == NULL)
		err = &local_err;
	if (sum == NULL)
		sum = &local_sum;
	memset(err, 0, sizeof(*err));
	memset(sum, 0, sizeof(*sum));
	if (alloc == NULL || alloc->realloc_fn == NULL || alloc->free_fn == NULL ||
		(buf == NULL && len > 0))
	{
		set_error(err, TAB_ERR_USAGE, 0, "invalid arguments to sigfile_read",
				  NULL, NULL);
		return SIGFILE_ERR_TABLE;
	}

	rc = tab_sniff(buf, len < SNIFF_BYTES ? len : SNIFF_BYTES,
				   len <= SNIFF_BYTES, 0, &d, err);
	if (rc == TAB_ERR_HEADER_ONLY)
		return no_components(err, err->line, sum, "");
	if (rc != TAB_OK)
		return SIGFILE_ERR_TABLE;
	if (d.format != TAB_FORMAT_DELIMITED)
	{
		set_error(err, TAB_ERR_FORMAT, 1,
				  "signature file is not a delimited table",
				  "Save the signature as a TSV or CSV table with a header row.",
				  "The file looks like %s.",
				  d.format == TAB_FORMAT_MWTAB ? "mwTab" : "mzTab-M");
		return SIGFILE_ERR_TABLE;
	}

	memset(&c, 0, sizeof(c));
	c.alloc = alloc;
	c.on_row = on_row;
	c.arg = arg;
	c.sum = sum;
	c.decimal_comma = d.decimal_comma;
	for (int i = 0; i < NROLES; i++)
		c.col[i] = -1;
	c.status = SIGFILE_OK;

	r = tab_reader_create(&d, alloc, on_record, &c);
	if (r == NULL)
	{
		set_error(err, TAB_ERR_NOMEM, 0,
				  "out of memory while reading the signature file", NULL, NULL);
		return SIGFILE_ERR_TABLE;
	}
	memset(&rerr, 0, sizeof(rerr));
	rc = tab_reader_feed(r, buf, len, &rerr);
	if (rc == TAB_OK)
		rc = tab_reader_finish(r, &rerr);
	tab_reader_destroy(r);
	alloc->free_fn(alloc->ctx, c.scratch);

	if (c.status != SIGFILE_OK)
	{
		*err = c.own;
		return c.status;
	}
	if (rc == TAB_ERR_HEADER_ONLY)
		return no_components(err, rerr.line, sum, c.feature_header);
	if (rc != TAB_OK)
	{
		*err = rerr;
		return SIGFILE_ERR_TABLE;
	}
	if (sum->components == 0)
		return no_components(err, c.header_line, sum, c.feature_header);
	return SIGFILE_OK;
}

int
sig_direction_parse(const char *s, size_t len)
{
	if (s == NULL)
		return len == 0 ? SIG_DIR_NONE : -1;
	return vocab_lookup(direction_words, s, len, SIG_DIR_NONE, -1);
}

const char *
sig_direction_name(sig_direction d)
{
	switch (d)
	{
		case SIG_DIR_UP:
			return "up";
		case SIG_DIR_DOWN:
			return "down";
		case SIG_DIR_NEUTRAL:
			return "neutral";
		case SIG_DIR_COMPLEX:
			return "complex";
		case SIG_DIR_NONE:
			break;
	}
	return NULL;
}

const char *
sigfile_status_name(int status)
{
	switch (status)
	{
		case SIGFILE_OK:
			return "SIGFILE_OK";
		case SIGFILE_STOPPED:
			return "SIGFILE_STOPPED";
		case SIGFILE_ERR_TABLE:
			return "SIGFILE_ERR_TABLE";
		case SIGFILE_ERR_NO_FEATURE_COLUMN:
			return "SIGFILE_ERR_NO_FEATURE_COLUMN";
		case SIGFILE_ERR_TYPE:
			return "SIGFILE_ERR_TYPE";
		case SIGFILE_ERR_DIRECTION:
			return "SIGFILE_ERR_DIRECTION";
		case SIGFILE_ERR_WEIGHT:
			return "SIGFILE_ERR_WEIGHT";
		case SIGFILE_ERR_SIGNATURE_NAME:
			return "SIGFILE_ERR_SIGNATURE_NAME";
		case SIGFILE_ERR_NO_COMPONENTS:
			return "SIGFILE_ERR_NO_COMPONENTS";
	}
	return "SIGFILE_ERR_UNKNOWN";
}
