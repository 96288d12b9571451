/*
 * tabular_probe.c - one candidate reading of a sniffing sample.
 *
 * tab_probe_run() parses the sample with one delimiter (libcsv, so quoted
 * delimiters and quoted line breaks count right), routing lines like the
 * reader does (tabular_sections.c), and keeps per-record statistics: field
 * count, width without trailing empty fields, numeric cells, decimal-mark
 * votes, spaces.  tab_probe_judge() then decides what table that reading
 * makes:
 *
 *	- table width W: the field count of the last run of at least two
 *	  consecutive records with the same count (>= 2); the table sits at the
 *	  bottom of the sample, a preamble can only be on top.
 *	- header: the first record with at least as many fields as the table
 *	  rows need; records above it have fewer fields and are the preamble
 *	  (at most TAB_SNIFF_MAX_PREAMBLE of them).  If the record above the
 *	  header has one field fewer and looks less numeric than the first row,
 *	  it is R's write.table header without a name for the row names.
 *	- every record below the header must fit the header width (exactly, or
 *	  with only empty extra fields).
 *	- a one-column reading whose lines average more than
 *	  TAB_SNIFF_PROSE_SPACES spaces is running text, not a list.
 *
 * For mwTab and mzTab-M the records are the selected block's lines only and
 * the first one is the header.  tabular_sniff.c compares the candidates.
 *
 * No heap memory: libcsv's field buffer is the caller's fixed scratch area
 * (a longer field ends the sample there).
 */
#include "tabular_int.h"

#include <string.h>

/* ------------------------------------------------------------------------
 * Pass over the sample
 * ------------------------------------------------------------------------
 */
static void
probe_field(void *ctx, const char *s, size_t len)
{
	tab_probe  *pb = ctx;
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
	if (len > 0 && len <= TAB_SNIFF_SHAPE_BYTES)
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
probe_end_record(tab_probe *pb)
{
	if (pb->cur.sig > 0 && pb->nrec < TAB_SNIFF_MAX_RECORDS)
		pb->recs[pb->nrec++] = pb->cur;
}

/*
 * Parse the sample with one delimiter.  Returns TAB_OK, or a format error
 * of the router (mzTab-M sections out of order).
 */
int
tab_probe_run(tab_probe *pb, const char *buf, size_t len, bool complete,
			  char *scratch, tab_error *err)
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
					   scratch, TAB_SNIFF_FIELD_BYTES, probe_field, pb);
	pb->nrec = 0;
	pb->cut = false;
	pb->quote_line = 0;

	while (pos < len)
	{
		size_t		k = tab_find_eol(buf + pos, len - pos);
		size_t		e = pos + k;
		size_t		tlen;

		if (pb->nrec >= TAB_SNIFF_MAX_RECORDS)
		{
			pb->cut = true;
			break;
		}
		if (!complete && (e == len || (buf[e] == '\r' && e + 1 == len)))
			break;				/* partial last line, or CR cut from its LF */
		if (e == len)
			tlen = 0;
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
fits(const tab_srec *r, int width)
{
	return r->nf == width || (r->nf > width && r->sig <= width);
}

static void
check_rows(const tab_probe *pb, tab_verdict *v)
{
	const tab_srec *recs = pb->recs;
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

void
tab_probe_judge(const tab_probe *pb, tab_verdict *v)
{
	const tab_srec *recs = pb->recs;
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

	if (v->h > TAB_SNIFF_MAX_PREAMBLE)
		v->klass = TAB_K_JUNK;
	else if (v->ncolumns >= 2)
		v->klass = v->bad_rows == 0 ? TAB_K_TABLE : TAB_K_RAGGED;
	else if (v->bad_rows > 0)
		v->klass = TAB_K_JUNK;
	else if (v->spaces > (long) TAB_SNIFF_PROSE_SPACES * n)
	{
		v->klass = TAB_K_JUNK;
		v->prose = true;
	}
	else
		v->klass = TAB_K_SINGLE;
}
