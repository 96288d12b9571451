/*
 * tabular_sections.c - which physical lines belong to the table.
 *
 * The sniffer and the reader both walk a file line by line and ask the
 * router what each line is: part of the table (handed to libcsv), a
 * metadata line (key/value handed to on_meta), or noise (blank lines,
 * mzTab-M COM lines, blocks other than the selected one).  Keeping the
 * rules in one place keeps the sniffer and the reader in agreement.
 *
 * Lines that continue a record (a quoted field spanning lines) never get
 * here: the caller sends them straight to libcsv.
 *
 * Delimited files: lines before header_line are the preamble (metadata);
 * then '#' and '!' lines are comments (metadata) and blank lines are
 * skipped; everything else is table.
 *
 * mwTab: the table is the lines between <NAME>_START and <NAME>_END of the
 * selected block; other lines outside blocks are metadata ("PR:TITLE
 * <TAB>value", "#STUDY" ...), lines inside other blocks are skipped.
 *
 * mzTab-M: every line starts with a section prefix.  MTD lines are
 * metadata, the selected section's header (SMH) and rows (SML) are table,
 * the rest is skipped.
 */
#include "tabular_int.h"

#include <string.h>

enum
{
	MW_OUTSIDE = 0,
	MW_SELECTED,
	MW_OTHER
};

/* mzTab-M section prefixes per block: header, row */
static const char *const mz_prefix[][2] = {
	[TAB_BLOCK_DATA] = {"SMH", "SML"},
	[TAB_BLOCK_METABOLITES] = {NULL, NULL},
	[TAB_BLOCK_FEATURES] = {"SFH", "SMF"},
	[TAB_BLOCK_EVIDENCE] = {"SEH", "SME"},
};

/* mwTab block names per block */
static const char *const mw_data_names[] = {
	"MS_METABOLITE_DATA", "NMR_METABOLITE_DATA", "NMR_BINNED_DATA", NULL
};

void
tab_router_init(tab_router *rt, const tab_dialect *d)
{
	memset(rt, 0, sizeof(*rt));
	rt->format = d->format;
	rt->delim = d->delimiter;
	rt->block = d->block;
	rt->header_line = d->header_line > 0 ? d->header_line : 1;
}

static bool
span_eq(const char *s, size_t n, const char *lit)
{
	size_t		k = strlen(lit);

	return n == k && memcmp(s, lit, k) == 0;
}

static void
set_meta(tab_router *rt, const char *k, size_t kn, const char *v, size_t vn)
{
	tab_trim(&k, &kn);
	tab_trim(&v, &vn);
	rt->key = k;
	rt->keylen = kn;
	rt->value = v;
	rt->valuelen = vn;
}

/*
 * "#key: value", "!key<TAB>value", "key,value" ...: split at the first
 * delimiter, tab, '=' or ':' followed by white space or the end (so that
 * "http://" stays whole).  No separator: key "" and the whole text.
 */
static void
split_comment(tab_router *rt, const char *s, size_t n, bool comment)
{
	size_t		i = 0;

	if (comment)
	{
		while (i < n && (s[i] == '#' || s[i] == '!'))
			i++;
	}
	s += i;
	n -= i;
	for (i = 0; i < n; i++)
	{
		if (s[i] == rt->delim || s[i] == '\t' || s[i] == '=' ||
			(s[i] == ':' && (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t')))
		{
			set_meta(rt, s, i, s + i + 1, n - i - 1);
			return;
		}
	}
	set_meta(rt, s, 0, s, n);
}

/* mwTab metadata: key before the first tab, value after it. */
static void
split_first_tab(tab_router *rt, const char *s, size_t n)
{
	const char *tab = memchr(s, '\t', n);

	if (tab == NULL)
		set_meta(rt, s, n, s + n, 0);
	else
		set_meta(rt, s, (size_t) (tab - s), tab + 1, n - (size_t) (tab - s) - 1);
}

/* mzTab-M MTD: key = 2nd field, value = 3rd field. */
static void
split_mtd(tab_router *rt, const char *s, size_t n)
{
	const char *end = s + n;
	const char *k = memchr(s, '\t', n);
	const char *ke,
			   *v,
			   *ve;

	if (k == NULL)
	{
		set_meta(rt, end, 0, end, 0);
		return;
	}
	k++;
	ke = memchr(k, '\t', (size_t) (end - k));
	if (ke == NULL)
	{
		set_meta(rt, k, (size_t) (end - k), end, 0);
		return;
	}
	v = ke + 1;
	ve = memchr(v, '\t', (size_t) (end - v));
	if (ve == NULL)
		ve = end;
	set_meta(rt, k, (size_t) (ke - k), v, (size_t) (ve - v));
}

/*
 * An mwTab block marker is a whole line "<NAME>_START" or "<NAME>_END"
 * made of upper-case letters, digits and underscores.  Returns 1 for
 * START, 2 for END, 0 otherwise; *block is the block it belongs to, or -1
 * for a block we do not read.
 */
static int
mw_marker(const char *s, size_t n, int *block)
{
	size_t		namelen;
	int			kind;

	*block = -1;
	tab_trim(&s, &n);
	for (size_t i = 0; i < n; i++)
	{
		char		c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	if (n > 6 && memcmp(s + n - 6, "_START", 6) == 0)
	{
		kind = 1;
		namelen = n - 6;
	}
	else if (n > 4 && memcmp(s + n - 4, "_END", 4) == 0)
	{
		kind = 2;
		namelen = n - 4;
	}
	else
		return 0;

	*block = -1;
	if (span_eq(s, namelen, "METABOLITES"))
		*block = TAB_BLOCK_METABOLITES;
	for (int i = 0; mw_data_names[i] != NULL; i++)
		if (span_eq(s, namelen, mw_data_names[i]))
			*block = TAB_BLOCK_DATA;
	return kind;
}

static tab_route
route_mwtab(tab_router *rt, const char *s, size_t n, long line)
{
	int			block = -1;
	int			kind = mw_marker(s, n, &block);

	switch (rt->mw_state)
	{
		case MW_SELECTED:
			if (kind == 2)
			{
				rt->mw_state = MW_OUTSIDE;
				rt->block_done = true;
				return TAB_ROUTE_SKIP;
			}
			return tab_is_blank(s, n) ? TAB_ROUTE_SKIP : TAB_ROUTE_TABLE;
		case MW_OTHER:
			if (kind == 2)
				rt->mw_state = MW_OUTSIDE;
			return TAB_ROUTE_SKIP;
		default:
			break;
	}
	if (kind == 1)
	{
		if (block >= 0)
			rt->found |= 1u << block;
		if (block == (int) rt->block && rt->block_line == 0)
		{
			rt->mw_state = MW_SELECTED;
			rt->block_line = line;
		}
		else
			rt->mw_state = MW_OTHER;
		return TAB_ROUTE_SKIP;
	}
	if (tab_is_blank(s, n))
		return TAB_ROUTE_SKIP;
	split_first_tab(rt, s, n);
	if (rt->keylen > 13 &&
		memcmp(rt->key + rt->keylen - 13, "_RESULTS_FILE", 13) == 0)
		rt->results_file = true;
	return TAB_ROUTE_META;
}

static tab_route
route_mztab(tab_router *rt, const char *s, size_t n, long line, tab_error *err)
{
	const char *tab = memchr(s, '\t', n);
	size_t		plen = tab ? (size_t) (tab - s) : n;
	const char *hdr = mz_prefix[rt->block][0];
	const char *row = mz_prefix[rt->block][1];

	if (tab_is_blank(s, n))
		return TAB_ROUTE_SKIP;
	if (span_eq(s, plen, "MTD"))
	{
		split_mtd(rt, s, n);
		return TAB_ROUTE_META;
	}
	for (int b = 0; b <= TAB_BLOCK_EVIDENCE; b++)
		if (mz_prefix[b][0] && span_eq(s, plen, mz_prefix[b][0]))
			rt->found |= 1u << b;
	if (hdr != NULL && span_eq(s, plen, hdr))
	{
		if (rt->mz_header)
		{
			tab_fail(err, TAB_ERR_FORMAT, line,
					 "mzTab-M file has a second section header line",
					 "Split the file so that each section has one header line.",
					 "Line %ld starts with %s again.", line, hdr);
			return TAB_ROUTE_ERROR;
		}
		rt->mz_header = true;
		return TAB_ROUTE_TABLE;
	}
	if (row != NULL && span_eq(s, plen, row))
	{
		if (!rt->mz_header)
		{
			tab_fail(err, TAB_ERR_FORMAT, line,
					 "mzTab-M row before its section header",
					 "Each section starts with its header line (SMH before SML, SFH before SMF, SEH before SME).",
					 "Line %ld starts with %s but no %s line came before it.",
					 line, row, hdr);
			return TAB_ROUTE_ERROR;
		}
		return TAB_ROUTE_TABLE;
	}
	return TAB_ROUTE_SKIP;		/* COM, other sections */
}

tab_route
tab_route_line(tab_router *rt, const char *s, size_t n, long line,
			   tab_error *err)
{
	switch (rt->format)
	{
		case TAB_FORMAT_MWTAB:
			return route_mwtab(rt, s, n, line);
		case TAB_FORMAT_MZTAB:
			return route_mztab(rt, s, n, line, err);
		default:
			break;
	}
	if (tab_is_blank(s, n))
		return TAB_ROUTE_SKIP;
	if (tab_is_comment(s, n, rt->delim))
	{
		split_comment(rt, s, n, true);
		return TAB_ROUTE_META;
	}
	if (line < rt->header_line)
	{
		split_comment(rt, s, n, false);
		return TAB_ROUTE_META;
	}
	return TAB_ROUTE_TABLE;
}

static const char *
block_label(tab_format f, tab_block b)
{
	if (f == TAB_FORMAT_MZTAB)
		return b == TAB_BLOCK_FEATURES ? "SFH/SMF" :
			b == TAB_BLOCK_EVIDENCE ? "SEH/SME" : "SMH/SML";
	return b == TAB_BLOCK_METABOLITES ? "METABOLITES" : "MS_METABOLITE_DATA";
}

int
tab_router_finish(tab_router *rt, tab_error *err)
{
	if (rt->format == TAB_FORMAT_MWTAB)
	{
		if (rt->block_line == 0 && rt->results_file &&
			rt->block == TAB_BLOCK_DATA)
			return tab_fail(err, TAB_ERR_FORMAT, 0,
							"mwTab file has no MS_METABOLITE_DATA block",
							"Ingest the results file named there, or read the METABOLITES block.",
							"The file names a separate results file (*_RESULTS_FILE) instead of a data block.");
		if (rt->block_line == 0)
			return tab_fail(err, TAB_ERR_FORMAT, 0,
							rt->block == TAB_BLOCK_DATA ?
							"mwTab file has no metabolite data block" :
							"mwTab file has no METABOLITES block",
							"An mwTab file carries its table between <NAME>_START and <NAME>_END lines; check that the file is complete.",
							"No %s_START line was found (data blocks: MS_METABOLITE_DATA, NMR_METABOLITE_DATA, NMR_BINNED_DATA).",
							block_label(rt->format, rt->block));
		if (rt->mw_state == MW_SELECTED)
			return tab_fail(err, TAB_ERR_FORMAT, rt->block_line,
							"mwTab block is not closed",
							"The file may be truncated.",
							"The block starting on line %ld has no matching _END line.",
							rt->block_line);
	}
	else if (rt->format == TAB_FORMAT_MZTAB && !rt->mz_header)
		return tab_fail(err, TAB_ERR_FORMAT, 0,
						"mzTab-M file has no table for the selected section",
						"mzTab-M summary tables start with an SMH line followed by SML lines.",
						"No %s header line was found.",
						block_label(rt->format, rt->block));
	return TAB_OK;
}

/*
 * Format from the first lines: mwTab files open with "#METABOLOMICS
 * WORKBENCH"; in mzTab-M every line carries a section prefix and the
 * first one that is not a comment is MTD.
 */
tab_format
tab_detect_format(const char *s, size_t n)
{
	size_t		pos = 0;

	if (tab_has_bom(s, n))
		pos = 3;
	while (pos < n)
	{
		size_t		len = tab_find_eol(s + pos, n - pos);
		const char *l = s + pos;

		pos += len;
		while (pos < n && (s[pos] == '\r' || s[pos] == '\n'))
			pos++;
		if (tab_is_blank(l, len))
			continue;
		if (len >= 23 && memcmp(l, "#METABOLOMICS WORKBENCH", 23) == 0)
			return TAB_FORMAT_MWTAB;
		if (len >= 4 && memcmp(l, "COM\t", 4) == 0)
			continue;
		if (len >= 4 && memcmp(l, "MTD\t", 4) == 0)
			return TAB_FORMAT_MZTAB;
		break;
	}
	return TAB_FORMAT_DELIMITED;
}
