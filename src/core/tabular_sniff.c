/*
 * tabular_sniff.c - find the dialect of a file from its first bytes.
 *
 * Steps:
 *  1. Bytes: empty?  UTF-16/32 byte order mark?  UTF-8 BOM?  Valid UTF-8
 *     on every line?  Which line terminators?
 *  2. Format: mwTab ("#METABOLOMICS WORKBENCH" first) or mzTab-M (MTD
 *     lines first) or plain delimited.
 *  3. Delimited: parse the sample once per candidate delimiter (tab, comma,
 *     semicolon) with libcsv, so quoted delimiters and quoted line breaks
 *     count right, and keep per-record statistics: field count, width
 *     without trailing empty fields, numeric cells, decimal-mark votes.
 *     '#'/'!' comment lines and blank lines are left out.  Then, for each
 *     candidate:
 *       - table width W: the field count of the last run of at least two
 *         consecutive records with the same count (>= 2); the table sits
 *         at the bottom of the sample, a preamble can only be on top.
 *       - header: the first record with at least as many fields as the
 *         table rows need; records above it have fewer fields and are the
 *         preamble (at most 64 of them).  If the record above the header
 *         has one field fewer and looks less numeric than the first row,
 *         it is R's write.table header without a name for the row names.
 *       - every record below the header must fit the header width
 *         (exactly, or with only empty extra fields).
 *     Choice: a consistent table of two or more columns covering the most
 *     records wins, ties broken tab > comma > semicolon.  A mostly
 *     consistent table with some bad rows is reported as ragged (with the
 *     first bad line).  A file in which no delimiter splits the lines is a
 *     single-column table, unless its lines read like running text (more
 *     than four spaces per line on average: a README, not a list of
 *     names).  Anything else is "no table".
 *  4. mwTab / mzTab-M: the same statistics over the lines of the selected
 *     block only.
 *
 * No heap memory: libcsv's field buffer is a fixed area on this stack
 * frame (a longer field ends the sample there), and the statistics of up
 * to SNIFF_MAX_RECORDS records live on the stack too.
 */
#include "tabular_int.h"

#include <string.h>

#define SNIFF_MAX_RECORDS	1000
#define SNIFF_FIELD_BYTES	65536
#define SNIFF_MAX_PREAMBLE	64
#define SNIFF_SHAPE_BYTES	64	/* longer cells are not numbers */
#define SNIFF_PROSE_SPACES	4	/* more spaces per line: running text */

typedef struct srec
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
} srec;

typedef struct probe
{
	tab_format	format;
	char		delim;
	int			skip;			/* prefix fields not counted (mzTab) */
	srec	   *recs;
	int			nrec;
	srec		cur;
	int			rawfield;		/* raw field index within cur */
	bool		cut;			/* the sample ended early */
	long		quote_line;		/* unterminated quote at end of file */
	tab_router	rt;
} probe;

typedef struct verdict
{
	int			klass;			/* see K_* */
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
} verdict;

enum
{
	K_NONE = 0,					/* no records */
	K_TABLE,					/* consistent, >= 2 columns */
	K_RAGGED,					/* >= 2 columns, some rows do not fit */
	K_SINGLE,					/* consistent single column */
	K_JUNK						/* nothing usable */
};

/* ------------------------------------------------------------------------
 * Pass over the sample
 * ------------------------------------------------------------------------
 */
static void
probe_field(void *ctx, const char *s, size_t len)
{
	probe	   *pb = ctx;
	int			idx = pb->rawfield++ - pb->skip;

	if (idx < 0)
		return;
	pb->cur.nf = idx + 1;
	if (len > 0)
		pb->cur.sig = idx + 1;
	if (idx == 0)
	{
		pb->cur.first_empty = len == 0;
		pb->cur.factors = len == 7 && memcmp(s, "Factors", 7) == 0;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] == ' ')
			pb->cur.spaces++;
	if (len > 0 && len <= SNIFF_SHAPE_BYTES)
	{
		switch (tab_number_shape(s, len))
		{
			case TAB_SHAPE_NONE:
				return;
			case TAB_SHAPE_COMMA:
				pb->cur.vc++;
				break;
			case TAB_SHAPE_POINT:
				pb->cur.vp++;
				break;
			case TAB_SHAPE_COMMA3:
				pb->cur.vc3++;
				break;
			default:
				break;
		}
		pb->cur.numeric++;
	}
}

static void
probe_end_record(probe *pb)
{
	if (pb->cur.sig > 0 && pb->nrec < SNIFF_MAX_RECORDS)
		pb->recs[pb->nrec++] = pb->cur;
}

/*
 * Parse the sample with one delimiter.  Returns TAB_OK, or a format error
 * of the router (mzTab-M sections out of order).
 */
static int
run_probe(probe *pb, const char *buf, size_t len, bool complete, char *scratch,
		  tab_error *err)
{
	tab_csv		csv;
	tab_dialect d;
	size_t		pos = tab_has_bom(buf, len) ? 3 : 0;
	long		line = 1;
	bool		ended;

	memset(&d, 0, sizeof(d));
	d.format = pb->format;
	d.delimiter = pb->delim;
	d.block = TAB_BLOCK_DATA;
	tab_router_init(&pb->rt, &d);
	tab_csv_init_fixed(&csv, pb->delim,
					   pb->format == TAB_FORMAT_DELIMITED ? '"' : 0,
					   scratch, SNIFF_FIELD_BYTES, probe_field, pb);
	pb->nrec = 0;
	pb->cut = false;
	pb->quote_line = 0;

	while (pos < len)
	{
		size_t		k = tab_find_eol(buf + pos, len - pos);
		size_t		e = pos + k;
		size_t		tlen;

		if (pb->nrec >= SNIFF_MAX_RECORDS)
		{
			pb->cut = true;
			break;
		}
		if (e == len)
		{
			if (!complete)
				break;			/* a partial last line says nothing */
			tlen = 0;
		}
		else if (buf[e] == '\n')
			tlen = 1;
		else
			tlen = (e + 1 < len && buf[e + 1] == '\n') ? 2 : 1;

		if (!csv.in_record)
		{
			switch (tab_route_line(&pb->rt, buf + pos, k, line, err))
			{
				case TAB_ROUTE_ERROR:
					return err ? err->code : TAB_ERR_FORMAT;
				case TAB_ROUTE_TABLE:
					memset(&pb->cur, 0, sizeof(pb->cur));
					pb->cur.line = line;
					pb->rawfield = 0;
					break;
				default:
					pos = e + tlen;
					line++;
					continue;
			}
		}
		if (tab_csv_line(&csv, buf + pos, k + tlen, line, &ended) != TAB_OK)
		{
			pb->cut = true;		/* a field longer than the scratch area */
			return TAB_OK;
		}
		if (ended)
			probe_end_record(pb);
		pos = e + tlen;
		line++;
	}
	if (pos >= len && complete)
	{
		int			rc = tab_csv_finish(&csv, &ended);

		if (rc == TAB_ERR_QUOTE)
			pb->quote_line = csv.quote_line;
		else if (rc != TAB_OK)
			pb->cut = true;
		else if (ended)
			probe_end_record(pb);
	}
	else if (csv.in_record)
		pb->cut = true;			/* the sample ends inside a record */
	return TAB_OK;
}

/* ------------------------------------------------------------------------
 * Analysis of one candidate
 * ------------------------------------------------------------------------
 */
static bool
fits(const srec *r, int width)
{
	return r->nf == width || (r->nf > width && r->sig <= width);
}

static void
check_rows(const probe *pb, verdict *v)
{
	const srec *recs = pb->recs;
	int			vc = 0,
				vp = 0,
				vc3 = 0;

	for (int j = v->h + 1; j < pb->nrec; j++)
	{
		if (recs[j].factors && j == v->h + 1 && pb->format == TAB_FORMAT_MWTAB)
			continue;
		v->data_rows++;
		vc += recs[j].vc;
		vp += recs[j].vp;
		vc3 += recs[j].vc3;
		if (!fits(&recs[j], v->ncolumns))
		{
			if (v->bad_rows++ == 0)
			{
				v->bad_line = recs[j].line;
				v->bad_found = recs[j].nf;
			}
		}
	}
	if (pb->format == TAB_FORMAT_DELIMITED)
		v->decimal_comma = vc > vp || (pb->delim == ';' && vp == 0 && vc3 > 0);
}

static void
analyze(const probe *pb, verdict *v)
{
	const srec *recs = pb->recs;
	int			n = pb->nrec;
	int			w = 0,
				wmin = 0,
				t;
	int			hn,
				hs;

	memset(v, 0, sizeof(*v));
	v->quote_line = pb->quote_line;
	v->cut = pb->cut;
	if (n == 0)
		return;
	v->minnf = v->maxnf = recs[0].nf;
	for (int i = 0; i < n; i++)
	{
		if (recs[i].nf < v->minnf)
			v->minnf = recs[i].nf;
		if (recs[i].nf > v->maxnf)
			v->maxnf = recs[i].nf;
		if (recs[i].nf >= 2)
			v->multi++;
		v->spaces += recs[i].spaces;
	}

	if (pb->format != TAB_FORMAT_DELIMITED)
	{
		/* the block's first line is its header */
		v->h = 0;
		v->ncolumns = recs[0].sig;
	}
	else
	{
		/* W and the widest data it must hold, from the last run */
		for (int i = n - 1; i > 0 && w == 0; i--)
		{
			if (recs[i].nf >= 2 && recs[i].nf == recs[i - 1].nf)
			{
				w = recs[i].nf;
				for (int j = i; j >= 0 && recs[j].nf == w; j--)
					if (recs[j].sig > wmin)
						wmin = recs[j].sig;
			}
		}
		if (w == 0)
		{
			for (int i = n - 1; i >= 0 && w == 0; i--)
				if (recs[i].nf >= 2)
					w = wmin = recs[i].nf;
		}
		if (w == 0)
			w = wmin = 1;

		for (t = 0; t < n && recs[t].nf < wmin; t++)
			;
		if (t == n)
			t = n - 1;
		v->h = t;
		if (w >= 2 && recs[t].nf == w - 1 && t + 1 < n && recs[t + 1].nf == w)
			v->header_short = true; /* R header, yet wide enough for wmin */
		else if (t > 0 && recs[t - 1].nf == recs[t].nf - 1 &&
				 (recs[t].numeric > recs[t - 1].numeric ||
				  (t == 1 && recs[0].numeric == recs[0].nf &&
				   recs[t].numeric >= 1)))
		{
			v->h = t - 1;
			v->header_short = true;
		}
	}

	hn = recs[v->h].nf;
	hs = recs[v->h].sig;
	v->header_line = recs[v->h].line;
	if (v->header_short)
		v->ncolumns = hn + 1;
	else if (pb->format == TAB_FORMAT_DELIMITED)
	{
		v->ncolumns = hs;
		if (hs < hn)
		{
			/* empty trailing names are kept where the data use them */
			for (int j = v->h + 1; j < n; j++)
				if (recs[j].sig > v->ncolumns)
					v->ncolumns = recs[j].sig < hn ? recs[j].sig : hn;
		}
	}
	v->first_empty = v->header_short || recs[v->h].first_empty;
	check_rows(pb, v);
	v->covered = n - v->h;

	if (v->h > SNIFF_MAX_PREAMBLE)
		v->klass = K_JUNK;
	else if (v->ncolumns >= 2)
		v->klass = v->bad_rows == 0 ? K_TABLE : K_RAGGED;
	else if (v->bad_rows > 0)
		v->klass = K_JUNK;
	else if (v->spaces > (long) SNIFF_PROSE_SPACES * n)
	{
		v->klass = K_JUNK;
		v->prose = true;
	}
	else
		v->klass = K_SINGLE;
}

/* ------------------------------------------------------------------------
 * Bytes
 * ------------------------------------------------------------------------
 */
static int
check_bytes(const char *buf, size_t len, bool complete, tab_dialect *out,
			tab_error *err)
{
	const unsigned char *u = (const unsigned char *) buf;
	size_t		pos = 0;
	long		line = 1;
	bool		any = false;
	int			first_eol = -1;

	if (len == 0)
		return tab_fail(err, TAB_ERR_EMPTY, 0, "file is empty",
						"Check that the right file was given.",
						"The file has zero bytes.");
	if ((len >= 4 && u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) ||
		(len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF) ||
		(len >= 2 && u[0] == 0xFF && u[1] == 0xFE) ||
		(len >= 2 && u[0] == 0xFE && u[1] == 0xFF))
		return tab_fail(err, TAB_ERR_NOT_UTF8, 1,
						"file is not UTF-8: it is UTF-16 or UTF-32",
						"Re-save the file as UTF-8 (in Excel: \"CSV UTF-8\").",
						"The file starts with a UTF-16 or UTF-32 byte order mark.");
	if (tab_has_bom(buf, len))
	{
		out->bom = 1;
		pos = 3;
	}
	while (pos < len)
	{
		size_t		k = tab_find_eol(buf + pos, len - pos);
		size_t		e = pos + k;
		size_t		tlen = 0;
		size_t		bad;
		int			kind = -1;

		if (e == len && !complete)
			break;				/* partial line: the reader checks it */
		bad = tab_utf8_check(u + pos, k);
		if (bad < k)
			return tab_fail_utf8(err, u + pos, k, bad, line, pos);
		if (!tab_is_blank(buf + pos, k))
			any = true;
		if (e < len)
		{
			if (buf[e] == '\n')
				kind = TAB_EOL_LF, tlen = 1;
			else if (e + 1 < len && buf[e + 1] == '\n')
				kind = TAB_EOL_CRLF, tlen = 2;
			else
				kind = TAB_EOL_CR, tlen = 1;
			if (first_eol < 0)
				first_eol = kind;
			else if (kind != first_eol)
				out->mixed_eol = 1;
		}
		pos = e + tlen;
		line++;
	}
	out->eol = first_eol < 0 ? TAB_EOL_LF : (tab_eol) first_eol;
	if (!complete && first_eol < 0)
		return tab_fail(err, TAB_ERR_NO_TABLE, 0, "no complete line in the sample",
						"Check that the file is a text table with line breaks.",
						"The first %zu bytes hold no line break.", len);
	if (!any && (complete || pos == len))
		return tab_fail(err, TAB_ERR_EMPTY, 0, "file is empty",
						"Check that the right file was given.",
						"The file holds only white space%s.",
						out->bom ? " and a byte order mark" : "");
	return TAB_OK;
}

/* ------------------------------------------------------------------------
 * Verdicts
 * ------------------------------------------------------------------------
 */
static const char *
delim_name(char d)
{
	switch (d)
	{
		case '\t':
			return "tab";
		case ',':
			return "comma";
		case ';':
			return "semicolon";
		default:
			return "'|'";
	}
}

static int
fail_ragged(const verdict *v, char delim, tab_error *err)
{
	return tab_fail(err, TAB_ERR_RAGGED, v->bad_line,
					"row has the wrong number of fields",
					"Quote values that contain the delimiter, and give every row one value per column (an empty one if missing).",
					"Line %ld: expected %d fields, found %d (%s-delimited, header on line %ld).",
					v->bad_line, v->ncolumns, v->bad_found, delim_name(delim),
					v->header_line);
}

static int
fail_quote(long line, tab_error *err)
{
	return tab_fail(err, TAB_ERR_QUOTE, line, "quoted field is not closed",
					"Close the quote, or double a quote character that belongs to the value (\"\").",
					"The quote opened on line %ld has no closing quote before the end of the file.",
					line);
}

static void
fill_dialect(tab_dialect *out, const verdict *v, char delim)
{
	out->delimiter = delim;
	out->header_line = v->header_line;
	out->ncolumns = v->ncolumns;
	out->first_header_empty = v->first_empty;
	out->header_short = v->header_short;
	out->decimal_comma = v->decimal_comma;
	out->sampled_rows = v->data_rows;
}

/* Common end checks of the chosen table. */
static int
accept(tab_dialect *out, const verdict *v, char delim, bool complete,
	   tab_error *err)
{
	if (v->quote_line > 0)
		return fail_quote(v->quote_line, err);
	if (v->data_rows == 0)
	{
		if (complete && !v->cut)
			return tab_fail(err, TAB_ERR_HEADER_ONLY, v->header_line,
							"file has a header but no data rows",
							"Check that the file is complete and that the header is on the right line.",
							"The header is on line %ld and no data row follows it.",
							v->header_line);
		return tab_fail(err, TAB_ERR_NO_TABLE, v->header_line,
						"no data row in the sample",
						"Check that the file is a delimited table.",
						"No complete data row follows the header on line %ld in the first bytes read.",
						v->header_line);
	}
	fill_dialect(out, v, delim);
	return TAB_OK;
}

static int
no_table(const verdict *vs, const char *delims, int nd, tab_error *err)
{
	char		seen[TAB_ERROR_TEXT];
	size_t		used = 0;

	for (int i = 0; i < nd; i++)
		if (vs[i].prose)
			return tab_fail(err, TAB_ERR_NO_TABLE, 0,
							"no delimited table found",
							"Check that the right file was given; a table needs a tab, comma or semicolon between columns.",
							"No delimiter splits the lines, and they read like running text (%d lines sampled).",
							vs[i].covered + vs[i].h);
	seen[0] = '\0';
	for (int i = 0; i < nd && used < sizeof(seen); i++)
		used += (size_t) snprintf(seen + used, sizeof(seen) - used,
								  "%s%s: %d to %d", i ? "; " : "",
								  delim_name(delims[i]), vs[i].minnf, vs[i].maxnf);
	return tab_fail(err, TAB_ERR_NO_TABLE, 0,
					"no consistent delimited table found",
					"Give the delimiter and the header line explicitly, or check that the file is a table.",
					"Fields per line vary with every delimiter (%s).", seen);
}

static int
sniff_embedded(const char *buf, size_t len, bool complete, tab_dialect *out,
			   char *scratch, srec *recs, tab_error *err)
{
	probe		pb;
	verdict		v;
	int			rc;

	memset(&pb, 0, sizeof(pb));
	pb.format = out->format;
	pb.delim = '\t';
	pb.skip = tab_prefix_fields(out->format);
	pb.recs = recs;
	rc = run_probe(&pb, buf, len, complete, scratch, err);
	if (rc != TAB_OK)
		return rc;
	out->delimiter = '\t';
	out->quote = 0;
	out->blocks_found = pb.rt.found;
	if (pb.nrec == 0)
	{
		if (complete && !pb.cut)
		{
			rc = tab_router_finish(&pb.rt, err);
			if (rc != TAB_OK)
				return rc;
			return tab_fail(err, TAB_ERR_FORMAT, pb.rt.block_line,
							"embedded table is empty",
							"Check that the file is complete.",
							"The selected block has no header row.");
		}
		return TAB_OK;			/* the block lies beyond the sample */
	}
	analyze(&pb, &v);
	if (v.bad_rows > 0)
		return fail_ragged(&v, '\t', err);
	if (v.data_rows == 0 && ((complete && !pb.cut) || pb.rt.block_done))
		return accept(out, &v, '\t', true, err);
	fill_dialect(out, &v, '\t');
	return TAB_OK;
}

int
tab_sniff(const char *buf, size_t len, int is_complete, char forced_delimiter,
		  tab_dialect *out, tab_error *err)
{
	static const char all[] = {'\t', ',', ';'};
	char		scratch[SNIFF_FIELD_BYTES];
	srec		recs[SNIFF_MAX_RECORDS];
	verdict		vs[3];
	char		delims[3];
	int			nd = 0;
	bool		complete = is_complete != 0;
	int			rc;
	int			best;

	if (out == NULL || (buf == NULL && len > 0))
		return tab_fail(err, TAB_ERR_USAGE, 0, "invalid arguments to tab_sniff",
						NULL, NULL);
	memset(out, 0, sizeof(*out));
	out->quote = '"';
	out->delimiter = '\t';
	if (forced_delimiter != 0 && forced_delimiter != '\t' &&
		forced_delimiter != ',' && forced_delimiter != ';' &&
		forced_delimiter != '|')
		return tab_fail(err, TAB_ERR_USAGE, 0, "unsupported delimiter",
						"Use tab, comma, semicolon or '|'.",
						"Delimiter byte 0x%02X is not supported.",
						(unsigned char) forced_delimiter);
	rc = check_bytes(buf, len, complete, out, err);
	if (rc != TAB_OK)
		return rc;

	out->format = tab_detect_format(buf, len);
	if (out->format != TAB_FORMAT_DELIMITED)
	{
		if (forced_delimiter != 0 && forced_delimiter != '\t')
			return tab_fail(err, TAB_ERR_USAGE, 0,
							"mwTab and mzTab-M files are tab-separated",
							"Do not force a delimiter for this file.",
							"The file was recognised as %s.",
							out->format == TAB_FORMAT_MWTAB ? "mwTab" : "mzTab-M");
		return sniff_embedded(buf, len, complete, out, scratch, recs, err);
	}

	if (forced_delimiter != 0)
		delims[nd++] = forced_delimiter;
	else
		for (int i = 0; i < 3; i++)
			delims[nd++] = all[i];
	for (int i = 0; i < nd; i++)
	{
		probe		pb;

		memset(&pb, 0, sizeof(pb));
		pb.format = TAB_FORMAT_DELIMITED;
		pb.delim = delims[i];
		pb.recs = recs;
		rc = run_probe(&pb, buf, len, complete, scratch, err);
		if (rc != TAB_OK)
			return rc;
		analyze(&pb, &vs[i]);
	}

	best = 0;
	for (int i = 0; i < nd; i++)
		if (vs[i].klass != K_NONE)
			best = 1;
	if (best == 0)
		return tab_fail(err, TAB_ERR_NO_TABLE, 0, "file holds no table",
						"Check that the right file was given.",
						"Every non-blank line is a comment ('#' or '!').");

	/*
	 * A consistent table: most records covered, then one that needs no
	 * short-header reading, then tab > comma > semicolon.
	 */
	best = -1;
	for (int i = 0; i < nd; i++)
		if (vs[i].klass == K_TABLE &&
			(best < 0 || vs[i].covered > vs[best].covered ||
			 (vs[i].covered == vs[best].covered && vs[best].header_short &&
			  !vs[i].header_short)))
			best = i;
	if (best >= 0)
		return accept(out, &vs[best], delims[best], complete, err);

	/*
	 * A table with bad rows, when most lines do split and it does not read
	 * like running text with commas in its sentences.
	 */
	for (int i = 0; i < nd; i++)
		if (vs[i].klass == K_RAGGED &&
			(best < 0 || vs[i].data_rows - vs[i].bad_rows >
			 vs[best].data_rows - vs[best].bad_rows))
			best = i;
	if (best >= 0 && vs[best].multi * 2 > vs[best].covered + vs[best].h &&
		(vs[best].data_rows >= 3 * vs[best].bad_rows ||
		 vs[best].spaces <= (long) SNIFF_PROSE_SPACES * (vs[best].covered + vs[best].h)))
	{
		if (vs[best].quote_line > 0)
			return fail_quote(vs[best].quote_line, err);
		return fail_ragged(&vs[best], delims[best], err);
	}

	/* one column: no delimiter splits the lines */
	for (int i = 0; i < nd; i++)
	{
		if (vs[i].klass != K_SINGLE)
			continue;
		if (forced_delimiter != 0)
		{
			/* does another delimiter make a table of it? */
			for (int j = 0; j < 3; j++)
			{
				probe		pb;
				verdict		v;

				if (all[j] == forced_delimiter)
					continue;
				memset(&pb, 0, sizeof(pb));
				pb.format = TAB_FORMAT_DELIMITED;
				pb.delim = all[j];
				pb.recs = recs;
				if (run_probe(&pb, buf, len, complete, scratch, err) != TAB_OK)
					continue;
				analyze(&pb, &v);
				if (v.klass == K_TABLE)
					return tab_fail(err, TAB_ERR_NO_TABLE, 0,
									"the given delimiter does not split the lines",
									"Leave the delimiter to detection, or check it.",
									"With %s every line has one field, but the file is %s-delimited.",
									delim_name(forced_delimiter), delim_name(all[j]));
			}
		}
		return accept(out, &vs[i], delims[i], complete, err);
	}

	return no_table(vs, delims, nd, err);
}
