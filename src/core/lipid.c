/*
 * lipid.c - public entry points of the lipid-name normalizer (lipid.h):
 * clean, parse, check the requested level, print.
 *
 * MS-DIAL writes names as "A|B" (for example "PC 34:1|PC 16:0_18:1"): a
 * coarse annotation and a finer one.  We parse every part and keep the
 * finest part that is consistent with every coarser part, i.e. that prints
 * exactly as the coarser part at the coarser part's level.  When a finer
 * part contradicts a coarser one we keep the coarsest part and return
 * NORM_AMBIGUOUS: the coarse annotation is the one the tool is surer of.
 */
#include <string.h>

#define AMPRENTA_LIPID_INTERNAL
#include "lipid.h"

#define LP_MAX_PARTS 4

static const char *const level_names[] = {
	"input", "species", "molecular_species", "sn_position",
	"structure_defined", "full_structure"
};

static const char *const too_fine[] = {
	"",
	"input carries only species-level information",
	"input carries only molecular-species-level information",
	"input carries only sn-position-level information",
	"input carries only structure-defined-level information",
	""
};

static bool
level_valid(lipid_level level)
{
	return level >= LIPID_LEVEL_INPUT && level <= LIPID_LEVEL_FULL_STRUCTURE;
}

/* Clean and parse one name (no '|'). */
static norm_status
parse_one(const char *name, size_t len, lp_lipid *L, const char **reason)
{
	char		buf[LP_TEXT_MAX + 1];
	size_t		n;
	norm_status st;

	st = lp_clean(name, len, buf, &n, reason);
	if (st == NORM_INVALID)
		return st;
	st = lp_parse(buf, n, L, reason);
	if (st == NORM_AMBIGUOUS)
		*reason = L->note;
	return st;
}

/* Do a and b print the same at `level`? */
static bool
same_at(const lp_lipid *a, const lp_lipid *b, lipid_level level)
{
	char		x[NORM_OUT_MAX];
	char		y[NORM_OUT_MAX];

	if (!lp_print(a, level, x, sizeof(x)) || !lp_print(b, level, y, sizeof(y)))
		return false;
	return strcmp(x, y) == 0;
}

/*
 * Parse a whole name, following MS-DIAL's '|' convention.  On success *L
 * holds the chosen reading.
 */
static norm_status
parse_name(const char *name, size_t len, lp_lipid *L, const char **reason)
{
	lp_lipid	parts[LP_MAX_PARTS];
	norm_status st[LP_MAX_PARTS];
	lipid_level lvl[LP_MAX_PARTS];
	int			order[LP_MAX_PARTS];
	int			nparts = 0;
	size_t		start = 0;
	int			chosen;
	bool		consistent = true;

	if (name == NULL)
	{
		*reason = "no lipid name";
		return NORM_INVALID;
	}
	if (memchr(name, '|', len) == NULL)
		return parse_one(name, len, L, reason);

	for (size_t i = 0; i <= len; i++)
	{
		if (i < len && name[i] != '|')
			continue;
		if (nparts == LP_MAX_PARTS)
		{
			*reason = "too many '|'-separated parts in lipid name";
			return NORM_INVALID;
		}
		st[nparts] = parse_one(name + start, i - start, &parts[nparts], reason);
		if (st[nparts] == NORM_INVALID)
			return NORM_INVALID;
		lvl[nparts] = lp_level(&parts[nparts]);
		order[nparts] = nparts;
		nparts++;
		start = i + 1;
	}

	/* coarsest first (stable) */
	for (int k = 1; k < nparts; k++)
		for (int j = k; j > 0 && lvl[order[j]] < lvl[order[j - 1]]; j--)
		{
			int			t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}

	chosen = order[0];
	for (int k = 1; k < nparts && consistent; k++)
	{
		for (int j = 0; j < k; j++)
			if (!same_at(&parts[order[k]], &parts[order[j]], lvl[order[j]]))
				consistent = false;
		if (consistent)
			chosen = order[k];
	}
	*L = parts[chosen];
	if (!consistent)
	{
		*reason = "parts of an MS-DIAL name disagree; kept the coarsest";
		return NORM_AMBIGUOUS;
	}
	if (st[chosen] == NORM_AMBIGUOUS)
		*reason = L->note;
	return st[chosen];
}

norm_status
lipid_normalize(const char *name, size_t len, lipid_level level,
				char *out, size_t outsz, const char **reason)
{
	lp_lipid	L;
	const char *why = NULL;
	norm_status st;
	lipid_level have;

	if (outsz > 0)
		out[0] = '\0';
	if (reason)
		*reason = NULL;
	if (!level_valid(level))
	{
		if (reason)
			*reason = "unknown lipid level";
		return NORM_INVALID;
	}
	st = parse_name(name, len, &L, &why);
	if (st == NORM_INVALID)
	{
		if (reason)
			*reason = why;
		return st;
	}
	have = lp_level(&L);
	if (level == LIPID_LEVEL_INPUT)
		level = have;
	if (level > have)
	{
		if (reason)
			*reason = too_fine[have];
		return NORM_INVALID;
	}
	if (!lp_print(&L, level, out, outsz))
	{
		if (reason)
			*reason = "output buffer too small for the lipid name";
		return NORM_INVALID;
	}
	if (reason)
		*reason = (st == NORM_OK) ? NULL : why;
	return st;
}

lipid_level
lipid_input_level(const char *name, size_t len)
{
	lp_lipid	L;
	const char *why;

	if (parse_name(name, len, &L, &why) == NORM_INVALID)
		return LIPID_LEVEL_INPUT;
	return lp_level(&L);
}

norm_status
lipid_describe(const char *name, size_t len, lipid_info *info,
			   const char **reason)
{
	lp_lipid	L;
	const char *why = NULL;
	norm_status st;

	memset(info, 0, sizeof(*info));
	st = parse_name(name, len, &L, &why);
	if (reason)
		*reason = (st == NORM_OK) ? NULL : why;
	if (st == NORM_INVALID)
		return st;
	info->level = lp_level(&L);
	info->category = L.med ? "FA" : L.cls->category;
	lp_class_text(&L, LIPID_LEVEL_SPECIES, info->class_name,
				  sizeof(info->class_name));
	return st;
}

static char
lower_ascii(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

int
lipid_level_from_name(const char *s)
{
	if (s == NULL)
		return -1;
	for (int l = 0; l <= LIPID_LEVEL_FULL_STRUCTURE; l++)
	{
		const char *a = s;
		const char *b = level_names[l];

		while (*a && *b && lower_ascii(*a) == *b)
		{
			a++;
			b++;
		}
		if (*a == '\0' && *b == '\0')
			return l;
	}
	return -1;
}

const char *
lipid_level_name(lipid_level level)
{
	return level_valid(level) ? level_names[level] : "unknown";
}
