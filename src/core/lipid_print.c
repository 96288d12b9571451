/*
 * lipid_print.c - print a parsed lipid (lp_lipid) in the 2020 shorthand at
 * a given level, and work out the finest level a parsed name supports.
 *
 * Coarsening follows Liebisch et al. 2020:
 *   full structure     PC 16:0/18:1(9Z)       positions, Z/E, group positions
 *   structure defined  PC 16:0/18:1(9)        geometry and group positions
 *                                             dropped, groups counted: (OH)2
 *   sn position        PC 16:0/18:1           each chain summed: methyl
 *                                             branches add carbons, rings
 *                                             and oxo add double-bond
 *                                             equivalents, oxygens as ;O2
 *   molecular species  PC 16:0_18:1           sn order dropped, 0:0 gone
 *   species            PC 34:1                all chains summed; P- becomes
 *                                             O- with one more double bond;
 *                                             several ethers: dO-, tO-, eO-
 *
 * Canonical chain order at molecular-species level (the 2020 rules leave it
 * open, but a key must not depend on the order a tool happened to write):
 * ascending carbon count, then double bonds, then oxygen and other atoms,
 * then ether type (none, O-, P-), then the printed text.  So PC 18:1_16:0
 * and PC 16:0_18:1 both print as PC 16:0_18:1, and PE P-16:0_18:1 keeps
 * its order.  Sphingolipids keep base/acyl: the base is always known.
 *
 * Functional groups are printed sorted case-insensitively by name (rings
 * as "cy", linked acyl chains as "acyl", linked alkyl chains as "alkyl"),
 * positions ascending, so that "3OH;Me" and "Me;3OH" give one string.
 */
#include <string.h>

#define AMPRENTA_LIPID_INTERNAL
#include "lipid.h"

/* A bounded string builder: overflow is sticky and reported at the end. */
typedef struct sb
{
	char	   *buf;
	size_t		cap;
	size_t		len;
	bool		overflow;
} sb;

static void
sb_init(sb *b, char *buf, size_t cap)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->overflow = (cap == 0);
	if (cap > 0)
		buf[0] = '\0';
}

static void
sb_putn(sb *b, const char *s, size_t n)
{
	if (b->overflow)
		return;
	if (b->len + n + 1 > b->cap)
	{
		b->overflow = true;
		return;
	}
	/* most pieces are a few bytes: a loop beats a call to memcpy() */
	if (n <= 16)
	{
		for (size_t i = 0; i < n; i++)
			b->buf[b->len + i] = s[i];
	}
	else
		memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void
sb_put(sb *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

static void
sb_putc(sb *b, char c)
{
	if (b->overflow)
		return;
	if (b->len + 2 > b->cap)
	{
		b->overflow = true;
		return;
	}
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

/*
 * Decimal v, built backwards in tmp and appended at once.  Output that does
 * not fit sets the overflow, like a digit at a time would have: the caller
 * discards the text then.
 */
static void
sb_int(sb *b, int v)
{
	char		tmp[12];
	size_t		n = sizeof(tmp);
	unsigned int u;

	/* counts of carbons, bonds and positions: nearly always one digit or two */
	if (v >= 0 && v < 100 && !b->overflow && b->len + 3 <= b->cap)
	{
		if (v >= 10)
			b->buf[b->len++] = (char) ('0' + v / 10);
		b->buf[b->len++] = (char) ('0' + v % 10);
		b->buf[b->len] = '\0';
		return;
	}
	if (v < 0)
		u = (unsigned int) (-(long) v);
	else
		u = (unsigned int) v;
	do
	{
		tmp[--n] = (char) ('0' + u % 10);
		u /= 10;
	} while (u > 0);
	if (v < 0)
		tmp[--n] = '-';
	sb_putn(b, tmp + n, sizeof(tmp) - n);
}

/* Composition of a chain at sn-position level. */
typedef struct lp_sum
{
	int			c;
	int			db;
	int			elem[LP_NELEM];
} lp_sum;

static void sum_chain(const lp_lipid *L, int idx, lp_sum *s);

static int
bridge_elem(char c)
{
	switch (c)
	{
		case 'O':
			return LP_E_O;
		case 'N':
			return LP_E_N;
		case 'S':
			return LP_E_S;
		default:
			return LP_E_P;
	}
}

/* Atoms and double-bond equivalents the groups of a chain add. */
static void
sum_groups(const lp_lipid *L, int idx, lp_sum *s)
{
	const lp_chain *ch = &L->pool[idx];

	for (int e = 0; e < LP_NELEM; e++)
		s->elem[e] += ch->elem[e];
	if (ch->flags & LPC_IMPLICIT_O)
		s->elem[LP_E_O] += 1;
	for (int g = ch->fg; g >= 0; g = L->fgs[g].next)
	{
		const lp_fg *f = &L->fgs[g];

		if (f->kind == LP_FG_SIMPLE)
		{
			const lp_fgtype *t = lp_fg_type(f->type);

			s->c += t->carbon * f->count;
			s->db += t->dbe * f->count;
			for (int e = 0; e < LP_NELEM; e++)
				s->elem[e] += t->elem[e] * f->count;
		}
		else if (f->kind == LP_FG_RING)
		{
			s->db += 1 + L->pool[f->sub].db;
			for (const char *p = f->bridge; *p; p++)
				s->elem[bridge_elem(*p)]++;
			sum_groups(L, f->sub, s);
		}
		else
		{
			lp_sum		sub;

			memset(&sub, 0, sizeof(sub));
			sum_chain(L, f->sub, &sub);
			s->c += sub.c;
			s->db += sub.db + (f->link_acyl ? 1 : 0);
			for (int e = 0; e < LP_NELEM; e++)
				s->elem[e] += sub.elem[e];
			s->elem[f->link_atom == 'N' ? LP_E_N : LP_E_O]++;
			if (f->link_acyl)
				s->elem[LP_E_O]++;
		}
	}
}

static void
sum_chain(const lp_lipid *L, int idx, lp_sum *s)
{
	s->c += L->pool[idx].carbon;
	s->db += L->pool[idx].db;
	sum_groups(L, idx, s);
}

static void
print_elems(sb *b, const int *elem)
{
	for (int e = 0; e < LP_NELEM; e++)
	{
		if (elem[e] <= 0)
			continue;
		sb_putc(b, ';');
		sb_put(b, lp_element_symbol(e));
		if (elem[e] > 1)
			sb_int(b, elem[e]);
	}
}

/* A chain at sn-position (and molecular-species) level: "O-19:1;O". */
static void
print_chain_sum(sb *b, const lp_lipid *L, int idx)
{
	const lp_chain *ch = &L->pool[idx];
	lp_sum		s;

	memset(&s, 0, sizeof(s));
	sum_chain(L, idx, &s);
	if (ch->ether)
	{
		sb_putc(b, ch->ether);
		sb_putc(b, '-');
	}
	sb_int(b, s.c);
	sb_putc(b, ':');
	sb_int(b, s.db);
	print_elems(b, s.elem);
}

static char
lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

static int
cmp_nocase(const char *a, const char *b)
{
	while (*a && lower(*a) == lower(*b))
	{
		a++;
		b++;
	}
	return (unsigned char) lower(*a) - (unsigned char) lower(*b);
}

static const char *
fg_key(const lp_fg *f)
{
	if (f->kind == LP_FG_SIMPLE)
		return lp_fg_type(f->type)->name;
	if (f->kind == LP_FG_RING)
		return "cy";
	return f->link_acyl ? "acyl" : "alkyl";
}

static void print_chain_detail(sb *b, const lp_lipid *L, int idx,
							   lipid_level level);
static void print_groups(sb *b, const lp_lipid *L, int idx,
						 lipid_level level);

static void
print_db_positions(sb *b, const lp_chain *ch, lipid_level level)
{
	unsigned char order[LP_MAX_DB];

	if (ch->ndbpos == 0)
		return;
	for (int k = 0; k < ch->ndbpos; k++)
		order[k] = (unsigned char) k;
	/* insertion sort by position */
	for (int k = 1; k < ch->ndbpos; k++)
		for (int j = k; j > 0 && ch->dbpos[order[j]] < ch->dbpos[order[j - 1]]; j--)
		{
			unsigned char t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	sb_putc(b, '(');
	for (int k = 0; k < ch->ndbpos; k++)
	{
		if (k > 0)
			sb_putc(b, ',');
		sb_int(b, ch->dbpos[order[k]]);
		if (level == LIPID_LEVEL_FULL_STRUCTURE && ch->dbgeom[order[k]])
			sb_putc(b, ch->dbgeom[order[k]]);
	}
	sb_putc(b, ')');
}

/* One ring or linked chain, at structure-defined or full level. */
static void
print_one_group(sb *b, const lp_lipid *L, const lp_fg *f, lipid_level level)
{
	bool		full = (level == LIPID_LEVEL_FULL_STRUCTURE);

	if (f->kind == LP_FG_RING)
	{
		const lp_chain *rc = &L->pool[f->sub];

		sb_putc(b, '[');
		if (full && f->ring_start >= 0)
		{
			sb_int(b, f->ring_start);
			sb_putc(b, '-');
			sb_int(b, f->ring_end);
		}
		sb_put(b, f->bridge);
		sb_put(b, "cy");
		sb_int(b, f->ring_size);
		sb_putc(b, ':');
		sb_int(b, rc->db);
		print_db_positions(b, rc, level);
		print_groups(b, L, f->sub, level);
		sb_putc(b, ']');
		return;
	}
	if (full && f->pos >= 0)
		sb_int(b, f->pos);
	sb_putc(b, f->link_atom);
	sb_putc(b, '(');
	if (f->link_acyl)
		sb_put(b, "FA ");
	print_chain_detail(b, L, f->sub, level);
	sb_putc(b, ')');
}

/*
 * The groups of a chain (or ring interior) at structure-defined or full
 * level, each group kind introduced by ';': ";3OH,4OH;15Me" at full,
 * ";(OH)2;Me" at structure-defined.
 */
static void
print_groups(sb *b, const lp_lipid *L, int idx, lipid_level level)
{
	const char *keys[LP_POOL_FG];
	int			nkeys = 0;
	bool		full = (level == LIPID_LEVEL_FULL_STRUCTURE);

	for (int g = L->pool[idx].fg; g >= 0; g = L->fgs[g].next)
	{
		const char *k = fg_key(&L->fgs[g]);
		bool		seen = false;

		for (int j = 0; j < nkeys; j++)
			if (strcmp(keys[j], k) == 0)
				seen = true;
		if (!seen)
			keys[nkeys++] = k;
	}
	/* insertion sort, case-insensitive */
	for (int k = 1; k < nkeys; k++)
		for (int j = k; j > 0 && cmp_nocase(keys[j], keys[j - 1]) < 0; j--)
		{
			const char *t = keys[j];

			keys[j] = keys[j - 1];
			keys[j - 1] = t;
		}

	for (int k = 0; k < nkeys; k++)
	{
		int			total = 0;
		int			simple_type = -1;
		int			last = -1;
		bool		firstitem = true;

		sb_putc(b, ';');
		for (int g = L->pool[idx].fg; g >= 0; g = L->fgs[g].next)
		{
			const lp_fg *f = &L->fgs[g];

			if (strcmp(fg_key(f), keys[k]) != 0)
				continue;
			if (f->kind == LP_FG_SIMPLE)
			{
				simple_type = f->type;
				total += f->count;
			}
		}
		if (simple_type >= 0 && !full)
		{
			const char *name = lp_fg_type(simple_type)->name;

			if (total == 1)
				sb_put(b, name);
			else
			{
				sb_putc(b, '(');
				sb_put(b, name);
				sb_putc(b, ')');
				sb_int(b, total);
			}
			continue;
		}

		/*
		 * Full level (and rings and links at any level): every entry, in
		 * ascending position; entries without a position come after the
		 * positioned ones in written order.  Selection by (position,
		 * index) keeps this allocation-free.
		 */
		for (;;)
		{
			int			pick = -1;
			int			best_pos = 0;
			int			last_pos = 0;

			if (last >= 0)
				last_pos = (L->fgs[last].pos >= 0) ? L->fgs[last].pos : 10000;
			for (int g = L->pool[idx].fg; g >= 0; g = L->fgs[g].next)
			{
				const lp_fg *f = &L->fgs[g];
				int			p = (f->pos >= 0) ? f->pos : 10000;

				if (strcmp(fg_key(f), keys[k]) != 0)
					continue;
				if (last >= 0 && (p < last_pos || (p == last_pos && g <= last)))
					continue;
				if (pick < 0 || p < best_pos || (p == best_pos && g < pick))
				{
					pick = g;
					best_pos = p;
				}
			}
			if (pick < 0)
				break;
			if (!firstitem)
				sb_putc(b, ',');
			firstitem = false;
			if (L->fgs[pick].kind == LP_FG_SIMPLE)
			{
				const lp_fg *f = &L->fgs[pick];

				if (f->pos >= 0)
					sb_int(b, f->pos);
				sb_put(b, lp_fg_type(f->type)->name);
			}
			else
				print_one_group(b, L, &L->fgs[pick], level);
			last = pick;
		}
	}
}

/* A chain at structure-defined or full level: "O-18:1(11E);5OMe". */
static void
print_chain_detail(sb *b, const lp_lipid *L, int idx, lipid_level level)
{
	const lp_chain *ch = &L->pool[idx];

	if (ch->ether)
	{
		sb_putc(b, ch->ether);
		sb_putc(b, '-');
	}
	sb_int(b, ch->carbon);
	sb_putc(b, ':');
	sb_int(b, ch->db);
	print_db_positions(b, ch, level);
	print_groups(b, L, idx, level);
}

static bool
sum_ok(const lp_sum *s)
{
	if (s->c > LP_MAX_CARBON || s->db > s->c || s->db < 0)
		return false;
	for (int e = 0; e < LP_NELEM; e++)
		if (s->elem[e] > LP_MAX_ELEM)
			return false;
	return true;
}

/* *to += *s: the same as summing the chain into *to again. */
static void
sum_add(lp_sum *to, const lp_sum *s)
{
	to->c += s->c;
	to->db += s->db;
	for (int e = 0; e < LP_NELEM; e++)
		to->elem[e] += s->elem[e];
}

/*
 * Are all sums this name can print within the limits the parser accepts?
 * (A species sum of chains that are each fine may not be: 182:1 + 20:0.)
 */
bool
lp_sums_plausible(const lp_lipid *L)
{
	lp_sum		total;

	memset(&total, 0, sizeof(total));
	for (int k = 0; k < L->nchains; k++)
	{
		lp_sum		s;
		const lp_chain *ch = &L->pool[L->chain[k]];

		memset(&s, 0, sizeof(s));
		sum_chain(L, L->chain[k], &s);
		if (!sum_ok(&s))
			return false;
		sum_add(&total, &s);
		if (ch->ether == 'P')
			total.db += ch->nether > 0 ? ch->nether : 1;
	}
	if (L->hg >= 0)
	{
		lp_sum		s;

		memset(&s, 0, sizeof(s));
		sum_chain(L, L->hg, &s);
		if (!sum_ok(&s))
			return false;
		sum_add(&total, &s);
	}
	if (L->core >= 0)
	{
		lp_sum		s;

		memset(&s, 0, sizeof(s));
		sum_chain(L, L->core, &s);
		if (!sum_ok(&s))
			return false;
	}
	return sum_ok(&total);
}

/* ------------------------------------------------------------------ */
/* levels */

static lipid_level
min_level(lipid_level a, lipid_level b)
{
	return a < b ? a : b;
}

static lipid_level
chain_level(const lp_lipid *L, int idx)
{
	const lp_chain *ch = &L->pool[idx];
	lipid_level lvl = LIPID_LEVEL_FULL_STRUCTURE;

	for (int e = 0; e < LP_NELEM; e++)
		if (ch->elem[e] != 0)
			lvl = LIPID_LEVEL_SN_POSITION;
	if (ch->db > 0 && ch->ndbpos == 0)
		lvl = LIPID_LEVEL_SN_POSITION;
	for (int k = 0; k < ch->ndbpos; k++)
		if (ch->dbgeom[k] == 0)
			lvl = min_level(lvl, LIPID_LEVEL_STRUCTURE_DEFINED);
	for (int g = ch->fg; g >= 0; g = L->fgs[g].next)
	{
		const lp_fg *f = &L->fgs[g];

		if (f->kind == LP_FG_SIMPLE && f->pos < 0)
			lvl = min_level(lvl, LIPID_LEVEL_STRUCTURE_DEFINED);
		if (f->kind == LP_FG_RING)
		{
			if (f->ring_start < 0)
				lvl = min_level(lvl, LIPID_LEVEL_STRUCTURE_DEFINED);
			lvl = min_level(lvl, chain_level(L, f->sub));
		}
		if (f->kind == LP_FG_LINK)
		{
			if (f->pos < 0)
				lvl = min_level(lvl, LIPID_LEVEL_STRUCTURE_DEFINED);
			lvl = min_level(lvl, chain_level(L, f->sub));
		}
	}
	return lvl;
}

/*
 * The finest level the parsed name supports.  Saturated chains without
 * groups are complete at every level, so "MG 18:0/0:0/0:0" is a full
 * structure; a single chain of a class with several positions
 * ("LPC 16:0", "MG 18:0") says nothing about its position.
 */
lipid_level
lp_level(const lp_lipid *L)
{
	lipid_level lvl = LIPID_LEVEL_FULL_STRUCTURE;

	if (L->med)
		return LIPID_LEVEL_FULL_STRUCTURE;
	if (L->species)
		return LIPID_LEVEL_SPECIES;
	for (int k = 0; k < L->nchains; k++)
		if (!(L->pool[L->chain[k]].flags & LPC_EMPTY))
			lvl = min_level(lvl, chain_level(L, L->chain[k]));
	if (L->cls->kind == LPK_STEROL && L->core >= 0)
		lvl = min_level(lvl, chain_level(L, L->core));
	if (L->hg >= 0)
		lvl = min_level(lvl, chain_level(L, L->hg));
	if (L->sep == '_')
		lvl = min_level(lvl, LIPID_LEVEL_MOLECULAR_SPECIES);
	if (L->cls->kind == LPK_CHAINS && L->cls->npos > 1 && L->nchains == 1)
		lvl = min_level(lvl, LIPID_LEVEL_MOLECULAR_SPECIES);
	return lvl;
}

/* ------------------------------------------------------------------ */
/* class names */

static void
class_text(sb *b, const lp_lipid *L, lipid_level level)
{
	const lp_class *cls = L->cls;

	if (L->med)
	{
		sb_put(b, level >= LIPID_LEVEL_STRUCTURE_DEFINED ? L->med->name : "FA");
		return;
	}
	if (L->hexoses > 0 && level >= LIPID_LEVEL_STRUCTURE_DEFINED)
		sb_put(b, L->sugar_text);
	else
		sb_put(b, cls->name);
	if (cls->kind == LPK_STEROL_ESTER && L->core >= 0)
	{
		sb_putc(b, ' ');
		sb_int(b, L->pool[L->core].carbon);
		sb_putc(b, ':');
		sb_int(b, L->pool[L->core].db);
	}
	if (L->pip[0] && level >= LIPID_LEVEL_MOLECULAR_SPECIES)
		sb_put(b, L->pip);
	if (cls->flags & LPF_HGCHAIN)
	{
		if (level == LIPID_LEVEL_SPECIES || L->hg_type_only || L->hg < 0)
			sb_put(b, L->hg_acyl ? "(FA)" : "(Alk)");
		else
		{
			sb_putc(b, '(');
			if (L->hg_acyl)
				sb_put(b, "FA ");
			if (level >= LIPID_LEVEL_STRUCTURE_DEFINED)
				print_chain_detail(b, L, L->hg, level);
			else
				print_chain_sum(b, L, L->hg);
			sb_putc(b, ')');
		}
	}
	if ((cls->flags & LPF_HG1) && level == LIPID_LEVEL_FULL_STRUCTURE)
		sb_put(b, "(1)");
}

void
lp_class_text(const lp_lipid *L, lipid_level level, char *out, size_t outsz)
{
	sb			b;

	sb_init(&b, out, outsz);
	class_text(&b, L, level);
	if (b.overflow && outsz > 0)
		out[0] = '\0';
}

/* ------------------------------------------------------------------ */
/* printing */

typedef struct sortkey
{
	lp_sum		s;
	int			ether;			/* 0 none, 1 O-, 2 P- */
	char		text[64];
	int			idx;
} sortkey;

static int
cmp_key(const sortkey *a, const sortkey *b)
{
	if (a->s.c != b->s.c)
		return a->s.c - b->s.c;
	if (a->s.db != b->s.db)
		return a->s.db - b->s.db;
	for (int e = 0; e < LP_NELEM; e++)
		if (a->s.elem[e] != b->s.elem[e])
			return a->s.elem[e] - b->s.elem[e];
	if (a->ether != b->ether)
		return a->ether - b->ether;
	return strcmp(a->text, b->text);
}

static void
print_species(sb *b, const lp_lipid *L)
{
	lp_sum		s;
	int			nether = 0;

	memset(&s, 0, sizeof(s));
	if (L->med)
	{
		s.c = L->med->carbon;
		s.db = L->med->db;
		s.elem[LP_E_O] = L->med->oxygen;
	}
	for (int k = 0; k < L->nchains; k++)
	{
		const lp_chain *ch = &L->pool[L->chain[k]];
		int			n = ch->ether ? (ch->nether > 0 ? ch->nether : 1) : 0;

		if (ch->flags & LPC_EMPTY)
			continue;
		sum_chain(L, L->chain[k], &s);
		nether += n;
		/* alk-1-enyl: the vinyl double bond counts at species level */
		if (ch->ether == 'P')
			s.db += n;
	}
	if (L->hg >= 0)
		sum_chain(L, L->hg, &s);
	if (L->cls && L->cls->kind == LPK_STEROL && L->core >= 0)
		sum_chain(L, L->core, &s);

	class_text(b, L, LIPID_LEVEL_SPECIES);
	if (L->cls && L->cls->kind == LPK_STEROL_ESTER)
		sb_putc(b, '/');
	else
		sb_putc(b, ' ');
	if (nether == 1)
		sb_put(b, "O-");
	else if (nether > 1)
	{
		sb_putc(b, nether == 2 ? 'd' : nether == 3 ? 't' : 'e');
		sb_put(b, "O-");
	}
	sb_int(b, s.c);
	sb_putc(b, ':');
	sb_int(b, s.db);
	print_elems(b, s.elem);
}

static void
print_molecular(sb *b, const lp_lipid *L)
{
	sortkey		keys[LP_MAX_CHAINS];
	int			n = 0;

	for (int k = 0; k < L->nchains; k++)
	{
		const lp_chain *ch = &L->pool[L->chain[k]];
		sb			t;

		if (ch->flags & LPC_EMPTY)
			continue;
		memset(&keys[n], 0, sizeof(keys[n]));
		sum_chain(L, L->chain[k], &keys[n].s);
		keys[n].ether = ch->ether == 'O' ? 1 : ch->ether == 'P' ? 2 : 0;
		sb_init(&t, keys[n].text, sizeof(keys[n].text));
		print_chain_sum(&t, L, L->chain[k]);
		keys[n].idx = L->chain[k];
		n++;
	}
	/* sphingolipids keep base/acyl; other classes take the canonical order */
	if (L->cls->kind == LPK_CHAINS)
		for (int k = 1; k < n; k++)
			for (int j = k; j > 0 && cmp_key(&keys[j], &keys[j - 1]) < 0; j--)
			{
				sortkey		t = keys[j];

				keys[j] = keys[j - 1];
				keys[j - 1] = t;
			}

	class_text(b, L, LIPID_LEVEL_MOLECULAR_SPECIES);
	sb_putc(b, L->cls->kind == LPK_STEROL_ESTER ? '/' : ' ');
	for (int k = 0; k < n; k++)
	{
		if (k > 0)
			sb_putc(b, L->cls->kind == LPK_CHAINS ? '_' : '/');
		print_chain_sum(b, L, keys[k].idx);
	}
}

static void
print_positions(sb *b, const lp_lipid *L, lipid_level level)
{
	class_text(b, L, level);
	if (L->cls->kind == LPK_STEROL)
	{
		sb_putc(b, ' ');
		if (level >= LIPID_LEVEL_STRUCTURE_DEFINED)
			print_chain_detail(b, L, L->core, level);
		else
			print_chain_sum(b, L, L->core);
		return;
	}
	sb_putc(b, L->cls->kind == LPK_STEROL_ESTER ? '/' : ' ');
	for (int k = 0; k < L->nchains; k++)
	{
		if (k > 0)
			sb_putc(b, '/');
		if (level >= LIPID_LEVEL_STRUCTURE_DEFINED)
			print_chain_detail(b, L, L->chain[k], level);
		else
			print_chain_sum(b, L, L->chain[k]);
	}
}

/*
 * Print *L at `level` (which must not be finer than lp_level(L)).
 * Returns false when the text does not fit in outsz.
 */
bool
lp_print(const lp_lipid *L, lipid_level level, char *out, size_t outsz)
{
	sb			b;

	sb_init(&b, out, outsz);
	if (L->med)
	{
		if (level >= LIPID_LEVEL_STRUCTURE_DEFINED)
			sb_put(&b, L->med->name);
		else
			print_species(&b, L);
	}
	else if (level == LIPID_LEVEL_SPECIES)
	{
		if (L->cls->kind == LPK_STEROL)
			print_positions(&b, L, LIPID_LEVEL_SN_POSITION);
		else
			print_species(&b, L);
	}
	else if (level == LIPID_LEVEL_MOLECULAR_SPECIES)
	{
		if (L->cls->kind == LPK_STEROL)
			print_positions(&b, L, LIPID_LEVEL_SN_POSITION);
		else
			print_molecular(&b, L);
	}
	else
		print_positions(&b, L, level);
	if (b.overflow)
	{
		if (outsz > 0)
			out[0] = '\0';
		return false;
	}
	return true;
}
