/*
 * tabular_sniff.c - find the dialect of a file from its first bytes.
 *
 * Steps:
 *  1. Bytes: empty?  UTF-16/32 byte order mark?  UTF-8 BOM?  Valid UTF-8
 *     on every line?  Which line terminators?
 *  2. Format: mwTab ("#METABOLOMICS WORKBENCH" first) or mzTab-M (MTD
 *     lines first) or plain delimited.
 *  3. Delimited: read the sample once per candidate delimiter (tab, comma,
 *     semicolon) and judge the table each reading makes (header, preamble,
 *     width, bad rows: tabular_probe.c).  Choice: a consistent table of two or more columns covering the most
 *     records wins, ties broken tab > comma > semicolon.  A mostly
 *     consistent table with some bad rows is reported as ragged (with the
 *     first bad line).  A file in which no delimiter splits the lines is a
 *     single-column table, unless its lines read like running text (more
 *     than four spaces per line on average: a README, not a list of
 *     names).  Anything else is "no table".
 *  4. mwTab / mzTab-M: the same reading over the lines of the selected
 *     block only.
 *
 * No heap memory: libcsv's field buffer is a fixed area on this stack
 * frame (64 KB; a longer field ends the sample there), and the statistics
 * of up to TAB_SNIFF_MAX_RECORDS records live on the stack too (40 KB).
 */
#include "tabular_int.h"

#include <stdio.h>
#include <string.h>

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

		/* a partial line (the reader checks it), or a CR whose LF is cut off */
		if (!complete && (e == len || (buf[e] == '\r' && e + 1 == len)))
			break;
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
fail_ragged(const tab_verdict *v, char delim, tab_error *err)
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
fill_dialect(tab_dialect *out, const tab_verdict *v, char delim)
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
accept(tab_dialect *out, const tab_verdict *v, char delim, bool complete,
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
no_table(const tab_verdict *vs, const char *delims, int nd, tab_error *err)
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
			   char *scratch, tab_srec *recs, tab_error *err)
{
	tab_probe	pb;
	tab_verdict v;
	int			rc;

	memset(&pb, 0, sizeof(pb));
	pb.format = out->format;
	pb.delim = '\t';
	pb.skip = tab_prefix_fields(out->format);
	pb.recs = recs;
	rc = tab_probe_run(&pb, buf, len, complete, scratch, err);
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
	tab_probe_judge(&pb, &v);
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
	char		scratch[TAB_SNIFF_FIELD_BYTES];
	tab_srec	recs[TAB_SNIFF_MAX_RECORDS];
	tab_verdict vs[3];
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
		tab_probe	pb;

		memset(&pb, 0, sizeof(pb));
		pb.format = TAB_FORMAT_DELIMITED;
		pb.delim = delims[i];
		pb.recs = recs;
		rc = tab_probe_run(&pb, buf, len, complete, scratch, err);
		if (rc != TAB_OK)
			return rc;
		tab_probe_judge(&pb, &vs[i]);
	}

	best = 0;
	for (int i = 0; i < nd; i++)
		if (vs[i].klass != TAB_K_NONE)
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
		if (vs[i].klass == TAB_K_TABLE &&
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
		if (vs[i].klass == TAB_K_RAGGED &&
			(best < 0 || vs[i].data_rows - vs[i].bad_rows >
			 vs[best].data_rows - vs[best].bad_rows))
			best = i;
	if (best >= 0 && vs[best].multi * 2 > vs[best].covered + vs[best].h &&
		(vs[best].data_rows >= 3 * vs[best].bad_rows ||
		 vs[best].spaces <= (long) TAB_SNIFF_PROSE_SPACES *
		 (vs[best].covered + vs[best].h)))
	{
		if (vs[best].quote_line > 0)
			return fail_quote(vs[best].quote_line, err);
		return fail_ragged(&vs[best], delims[best], err);
	}

	/* one column: no delimiter splits the lines */
	for (int i = 0; i < nd; i++)
	{
		if (vs[i].klass != TAB_K_SINGLE)
			continue;
		if (forced_delimiter != 0)
		{
			/* does another delimiter make a table of it? */
			for (int j = 0; j < 3; j++)
			{
				tab_probe	pb;
				tab_verdict v;

				if (all[j] == forced_delimiter)
					continue;
				memset(&pb, 0, sizeof(pb));
				pb.format = TAB_FORMAT_DELIMITED;
				pb.delim = all[j];
				pb.recs = recs;
				if (tab_probe_run(&pb, buf, len, complete, scratch, err) != TAB_OK)
					continue;
				tab_probe_judge(&pb, &v);
				if (v.klass == TAB_K_TABLE)
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
