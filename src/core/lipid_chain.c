/*
 * lipid_chain.c - the chain grammar shared by every dialect: one fatty
 * acyl, alkyl or sphingoid chain with its double-bond positions, ether
 * marks and functional groups, including rings and linked chains.
 *
 *   [iso[-]] [O-|P-|dO-..] [m|d|t] [C] carbons:db [(9Z,12Z)]
 *       [(2OH,12OH[S])] [-11me] [a|e|p] [;group;group,...] [a|e|p]
 *
 * Groups after ';' are the 2020 forms (3OH, OH, (OH)2, O2, [8-12cy5:0;11OH],
 * 5O(FA 16:0)), the old Goslin hydroxyl count ";2" (= ;O2), mzmine's ";2O"
 * and MS-DIAL's ";(2OH)".  The blocks in parentheses after the double bonds
 * are LIPID MAPS common-name modifications ("(2OH)", "(15OOH[S])") and
 * SwissLipids branches ("(11-me)").  Stereo tags ([R], [S]) are beyond full
 * structure and are dropped.
 */
#include <string.h>

#define AMPRENTA_LIPID_INTERNAL
#include "lipid.h"

bool
lp_fail(lp_parser *P, const char *why)
{
	if (P->err == NULL)
		P->err = why;
	return false;
}

/* Unsigned number of at most 4 digits; false (nothing consumed) if none. */
bool
lp_parse_uint(lp_parser *P, int *v)
{
	const char *s = P->s;
	size_t		i = P->i;
	int			x = 0;
	int			k = 0;

	while (i < P->n && lp_is_digit(s[i]))
	{
		if (++k > 4)
		{
			P->i = i;
			return lp_fail(P, "number too large in lipid name");
		}
		x = x * 10 + (s[i] - '0');
		i++;
	}
	P->i = i;
	if (k == 0)
		return false;
	*v = x;
	return true;
}

int
lp_new_chain(lp_parser *P)
{
	lp_lipid   *L = P->L;
	lp_chain   *ch;

	if (L->npool >= LP_POOL_CHAINS)
	{
		lp_fail(P, "lipid name is too complex");
		return -1;
	}
	ch = &L->pool[L->npool];
	memset(ch, 0, sizeof(*ch));
	ch->fg = -1;
	return L->npool++;
}

/* Append a functional group to a chain; returns its index or -1. */
int
lp_new_fg(lp_parser *P, int chain, int kind)
{
	lp_lipid   *L = P->L;
	lp_fg	   *g;
	short	   *link;

	if (L->nfg >= LP_POOL_FG)
	{
		lp_fail(P, "lipid name is too complex");
		return -1;
	}
	g = &L->fgs[L->nfg];
	memset(g, 0, sizeof(*g));
	g->next = -1;
	g->kind = (unsigned char) kind;
	g->pos = -1;
	g->count = 1;
	g->sub = -1;
	g->ring_start = g->ring_end = -1;
	/* keep the written order: append at the tail */
	link = &L->pool[chain].fg;
	while (*link >= 0)
		link = &L->fgs[*link].next;
	*link = L->nfg;
	return L->nfg++;
}

static bool parse_fg_list(lp_parser *P, int chain);

/* Where a chain or a group list may end. */
static bool
is_chain_end(char c)
{
	return c == '\0' || c == '/' || c == '\\' || c == '_' || c == ')' ||
		c == ']' || c == ' ' || c == '-';
}

/*
 * Double-bond positions "(9Z)", "(5Z,8Z,11Z,14Z)", "(9)".  Called at '('
 * when the text looks like positions.
 */
static bool
parse_db_positions(lp_parser *P, unsigned char *npos, unsigned char *pos,
				   char *geom)
{
	int			v;

	P->i++;						/* '(' */
	*npos = 0;
	do
	{
		if (!lp_parse_uint(P, &v))
			return lp_fail(P, "malformed double-bond positions");
		if (*npos >= LP_MAX_DB)
			return lp_fail(P, "too many double-bond positions");
		if (v < 1 || v > LP_MAX_CARBON)
			return lp_fail(P, "double-bond position out of range");
		pos[*npos] = (unsigned char) v;
		geom[*npos] = 0;
		if (lp_peek(P, 0) == 'Z' || lp_peek(P, 0) == 'E')
			geom[*npos] = P->s[P->i++];
		(*npos)++;
	} while (lp_eat(P, ','));
	if (!lp_eat(P, ')'))
		return lp_fail(P, "malformed double-bond positions");
	return true;
}

/* Does the '(' at the cursor open a list of double-bond positions? */
static bool
looks_like_db_positions(const lp_parser *P)
{
	size_t		k = 1;

	if (lp_peek(P, 0) != '(' || !lp_is_digit(lp_peek(P, 1)))
		return false;
	while (lp_is_digit(lp_peek(P, k)))
		k++;
	if (lp_peek(P, k) == 'E' || lp_peek(P, k) == 'Z')
		k++;
	return lp_peek(P, k) == ',' || lp_peek(P, k) == ')';
}

/* Stereo tag "[R]", "[S]", "[13R]": beyond full structure, dropped. */
static void
skip_stereo(lp_parser *P)
{
	size_t		k = 1;

	if (lp_peek(P, 0) != '[')
		return;
	while (lp_is_digit(lp_peek(P, k)))
		k++;
	if ((lp_peek(P, k) == 'R' || lp_peek(P, k) == 'S') && lp_peek(P, k + 1) == ']')
		P->i += k + 2;
}

/*
 * LIPID MAPS modification block after the double bonds: "(2OH)",
 * "(12OH[S])", "(9Ke,13OH)", "(OH)", and SwissLipids "(11-me)", "(2OH)".
 */
static bool
parse_mod_block(lp_parser *P, int chain)
{
	P->i++;						/* '(' */
	do
	{
		int			pos = -1;
		int			type;
		size_t		m;
		int			g;

		if (lp_is_digit(lp_peek(P, 0)))
		{
			lp_parse_uint(P, &pos);
			lp_eat(P, '-');
		}
		type = lp_fg_match(P->s + P->i, P->n - P->i, &m);
		if (type < 0)
			return lp_fail(P, "unknown chain modification");
		P->i += m;
		skip_stereo(P);
		g = lp_new_fg(P, chain, LP_FG_SIMPLE);
		if (g < 0)
			return false;
		P->L->fgs[g].type = (unsigned char) type;
		P->L->fgs[g].pos = (short) pos;
	} while (lp_eat(P, ','));
	if (!lp_eat(P, ')'))
		return lp_fail(P, "malformed chain modification");
	return true;
}

/* Does the '(' at the cursor open a LIPID MAPS modification block? */
static bool
looks_like_mod_block(const lp_parser *P)
{
	size_t		k = 1;
	size_t		m;

	if (lp_peek(P, 0) != '(')
		return false;
	while (lp_is_digit(lp_peek(P, k)))
		k++;
	if (k > 1 && lp_peek(P, k) == '-')
		k++;
	if (P->i + k >= P->n)
		return false;
	return lp_fg_match(P->s + P->i + k, P->n - P->i - k, &m) >= 0;
}

/*
 * SwissLipids branch suffix "-11me", "-2OH" after a chain, distinguished
 * from a '-' chain separator by the letters after the number.
 */
static bool
looks_like_swiss_suffix(const lp_parser *P)
{
	size_t		k = 1;

	if (lp_peek(P, 0) != '-' || !lp_is_digit(lp_peek(P, 1)))
		return false;
	while (lp_is_digit(lp_peek(P, k)))
		k++;
	return (lp_peek(P, k) == 'm' && lp_peek(P, k + 1) == 'e') ||
		(lp_peek(P, k) == 'O' && lp_peek(P, k + 1) == 'H');
}

static bool
parse_swiss_suffix(lp_parser *P, int chain)
{
	int			pos;
	int			g;
	size_t		m;
	int			type;

	P->i++;						/* '-' */
	if (!lp_parse_uint(P, &pos))
		return lp_fail(P, "malformed chain branch");
	type = lp_fg_match(P->s + P->i, P->n - P->i, &m);
	if (type < 0)
		return lp_fail(P, "malformed chain branch");
	P->i += m;
	g = lp_new_fg(P, chain, LP_FG_SIMPLE);
	if (g < 0)
		return false;
	P->L->fgs[g].type = (unsigned char) type;
	P->L->fgs[g].pos = (short) pos;
	return true;
}

/*
 * Ether suffixes of older dialects: "a" (alkyl, plasmanyl), "e" (ether,
 * LipidSearch), "p" (alk-1-enyl, plasmenyl).  The two dialects that write
 * "p" count differently: LipidXplorer/Goslin names carry the ether prefix
 * as well and count the vinyl-ether double bond ("LPE O-20:1p" is
 * "LPE P-20:0", the 2020 "P-" implies that bond), while LipidSearch writes
 * the bare chain with the bonds the 2020 name shows ("PE(18:0p/20:4)" is
 * "PE P-18:0/20:4").
 */
static bool
parse_ether_suffix(lp_parser *P, lp_chain *ch)
{
	char		c = lp_peek(P, 0);

	if ((c != 'a' && c != 'e' && c != 'p') || lp_is_alpha(lp_peek(P, 1)) ||
		lp_is_digit(lp_peek(P, 1)))
		return true;
	P->i++;
	if (c == 'a' || c == 'e')
	{
		if (ch->ether == 'P')
			return lp_fail(P, "contradicting ether types on one chain");
		ch->ether = 'O';
		ch->nether = 1;
		return true;
	}
	if (ch->ether == 'P')
		return lp_fail(P, "contradicting ether types on one chain");
	if (ch->ether == 'O')
	{
		if (ch->db < 1 || ch->ndbpos > 0)
			return lp_fail(P, "plasmalogen chain written O-...p must count its vinyl double bond");
		ch->db--;
	}
	ch->ether = 'P';
	ch->nether = 1;
	return true;
}

/* A ring "[8-12cy5:0;11OH;9oxo]", "[6-8SScy5:0]", "[cy3:0]". */
static bool
parse_ring(lp_parser *P, int chain)
{
	int			g;
	int			sub;
	int			a,
				b,
				v;
	size_t		nb = 0;
	lp_fg	   *fg;
	lp_chain   *rc;

	P->i++;						/* '[' */
	g = lp_new_fg(P, chain, LP_FG_RING);
	sub = lp_new_chain(P);
	if (g < 0 || sub < 0)
		return false;
	fg = &P->L->fgs[g];
	fg->sub = (short) sub;
	if (lp_parse_uint(P, &a))
	{
		if (!lp_eat(P, '-') || !lp_parse_uint(P, &b))
			return lp_fail(P, "malformed ring positions");
		fg->ring_start = (short) a;
		fg->ring_end = (short) b;
	}
	while (lp_peek(P, 0) == 'O' || lp_peek(P, 0) == 'N' || lp_peek(P, 0) == 'S' ||
		   lp_peek(P, 0) == 'P')
	{
		if (nb + 1 >= sizeof(fg->bridge))
			return lp_fail(P, "malformed ring");
		fg->bridge[nb++] = P->s[P->i++];
	}
	if (!lp_at(P, "cy"))
		return lp_fail(P, "malformed ring");
	P->i += 2;
	if (!lp_parse_uint(P, &v) || v < 3 || v > 30)
		return lp_fail(P, "malformed ring size");
	fg->ring_size = (short) v;
	rc = &P->L->pool[sub];
	rc->carbon = (short) v;
	if (lp_eat(P, ':'))
	{
		if (!lp_parse_uint(P, &v) || v > 10)
			return lp_fail(P, "malformed ring double bonds");
		rc->db = (short) v;
		if (looks_like_db_positions(P))
		{
			if (!parse_db_positions(P, &rc->ndbpos, rc->dbpos, rc->dbgeom))
				return false;
			rc->flags |= LPC_DBPOS;
			if (rc->ndbpos != rc->db)
				return lp_fail(P, "ring double-bond positions do not match their count");
		}
	}
	if (lp_eat(P, ';') && !parse_fg_list(P, sub))
		return false;
	if (!lp_eat(P, ']'))
		return lp_fail(P, "malformed ring");
	return true;
}

/* "O(FA 16:0)", "O(16:0)", "N(FA 16:0)" after an optional position. */
static bool
parse_link(lp_parser *P, int chain, int pos)
{
	int			g;
	int			sub;
	char		atom = P->s[P->i];

	P->i += 2;					/* atom and '(' */
	g = lp_new_fg(P, chain, LP_FG_LINK);
	if (g < 0)
		return false;
	P->L->fgs[g].pos = (short) pos;
	P->L->fgs[g].link_atom = atom;
	if (lp_at(P, "FA "))
	{
		P->i += 3;
		P->L->fgs[g].link_acyl = true;
	}
	sub = lp_parse_chain(P, 0, 0);
	if (sub < 0)
		return false;
	if (P->L->pool[sub].ether)
		return lp_fail(P, "a linked chain cannot carry an ether prefix");
	P->L->fgs[g].sub = (short) sub;
	if (!lp_eat(P, ')'))
		return lp_fail(P, "malformed linked chain");
	return true;
}

bool
lp_add_simple(lp_parser *P, int chain, int type, int pos, int count)
{
	int			g = lp_new_fg(P, chain, LP_FG_SIMPLE);

	if (g < 0)
		return false;
	P->L->fgs[g].type = (unsigned char) type;
	P->L->fgs[g].pos = (short) pos;
	P->L->fgs[g].count = (short) count;
	return true;
}

/*
 * One item of a group list after ';':
 *   3OH  OH  (OH)2  (2OH)  O2  O  N  [ring]  5O(FA 16:0)
 *   2     old Goslin hydroxyl count, the whole list (";2" = ";O2")
 *   2O    mzmine's spelling of ";O2"
 */
static bool
parse_fg_item(lp_parser *P, int chain, bool first)
{
	lp_chain   *ch = &P->L->pool[chain];
	int			v;
	int			type;
	size_t		m;

	if (lp_peek(P, 0) == '[')
		return parse_ring(P, chain);

	if (lp_is_digit(lp_peek(P, 0)))
	{
		if (!lp_parse_uint(P, &v))
			return false;		/* too many digits: the parser has the error */
		/* old Goslin ";2": a bare count ends the chain */
		if (first && is_chain_end(lp_peek(P, 0)))
		{
			if (v > LP_MAX_ELEM)
				return lp_fail(P, "hydroxyl count out of range");
			ch->elem[LP_E_O] += (short) v;
			return true;
		}
		/* mzmine ";2O" */
		if (lp_peek(P, 0) == 'O' && !lp_is_alpha(lp_peek(P, 1)) && lp_peek(P, 1) != '(')
		{
			P->i++;
			if (v > LP_MAX_ELEM)
				return lp_fail(P, "oxygen count out of range");
			ch->elem[LP_E_O] += (short) v;
			return true;
		}
		if (v < 1 || v > LP_MAX_CARBON)
			return lp_fail(P, "functional-group position out of range");
		if ((lp_peek(P, 0) == 'O' || lp_peek(P, 0) == 'N') && lp_peek(P, 1) == '(')
			return parse_link(P, chain, v);
		if (lp_peek(P, 0) == 'a' || lp_peek(P, 0) == 'b')
			P->i++;				/* ring stereo: below full structure */
		if (lp_eat(P, '('))
		{
			type = lp_fg_match(P->s + P->i, P->n - P->i, &m);
			if (type < 0)
				return lp_fail(P, "unknown functional group");
			P->i += m;
			if (!lp_eat(P, ')'))
				return lp_fail(P, "malformed functional group");
		}
		else
		{
			type = lp_fg_match(P->s + P->i, P->n - P->i, &m);
			if (type < 0)
				return lp_fail(P, "unknown functional group");
			P->i += m;
		}
		skip_stereo(P);
		return lp_add_simple(P, chain, type, v, 1);
	}

	if (lp_peek(P, 0) == '(')
	{
		int			pos = -1;
		int			count = 1;

		P->i++;
		if (lp_is_digit(lp_peek(P, 0)))
			lp_parse_uint(P, &pos);	/* MS-DIAL ";(2OH)" */
		type = lp_fg_match(P->s + P->i, P->n - P->i, &m);
		if (type < 0)
			return lp_fail(P, "unknown functional group");
		P->i += m;
		if (!lp_eat(P, ')'))
			return lp_fail(P, "malformed functional group");
		if (pos < 0 && lp_parse_uint(P, &count) && (count < 1 || count > 50))
			return lp_fail(P, "functional-group count out of range");
		return lp_add_simple(P, chain, type, pos, count);
	}

	if ((lp_peek(P, 0) == 'O' || lp_peek(P, 0) == 'N') && lp_peek(P, 1) == '(')
		return parse_link(P, chain, -1);

	type = lp_fg_match(P->s + P->i, P->n - P->i, &m);
	if (type >= 0)
	{
		P->i += m;
		skip_stereo(P);
		return lp_add_simple(P, chain, type, -1, 1);
	}

	type = lp_element_match(P->s + P->i, P->n - P->i, &m);
	if (type >= 0)
	{
		int			count = 1;

		P->i += m;
		if (lp_parse_uint(P, &count) && (count < 1 || count > LP_MAX_ELEM))
			return lp_fail(P, "element count out of range");
		ch->elem[type] += (short) count;
		return true;
	}
	return lp_fail(P, "unknown functional group");
}

static bool
parse_fg_list(lp_parser *P, int chain)
{
	bool		first = true;

	do
	{
		if (!parse_fg_item(P, chain, first))
			return false;
		first = false;
	} while (lp_eat(P, ';') || lp_eat(P, ','));
	return true;
}

/*
 * One chain: [iso[-]] [O-|P-|dO-...] [m|d|t] [C] carbons:db [(positions)]
 * [(modifications)] [-11me] [a|e|p] [;groups] [a|e|p].
 * Returns the pool index, or -1 with P->err set.
 */
int
lp_parse_chain(lp_parser *P, int flags, char pre_ether)
{
	lp_chain   *ch;
	int			idx;
	int			c,
				db;
	bool		iso = false;

	if (++P->depth > 16)
	{
		lp_fail(P, "lipid name is too deeply nested");
		return -1;
	}
	idx = lp_new_chain(P);
	if (idx < 0)
		return -1;
	ch = &P->L->pool[idx];
	ch->ether = pre_ether;
	ch->nether = pre_ether ? 1 : 0;

	if (lp_at(P, "iso-"))
	{
		P->i += 4;
		iso = true;
	}
	else if (lp_at(P, "iso") && (lp_is_digit(lp_peek(P, 3)) || lp_peek(P, 3) == 'd' ||
							  lp_peek(P, 3) == 't' || lp_peek(P, 3) == 'm'))
	{
		P->i += 3;
		iso = true;
	}

	/* ether: "O-", "P-", and for sums "dO-", "tO-", "eO-" */
	{
		char		c0 = lp_peek(P, 0);
		char		c1 = lp_peek(P, 1);
		char		e = 0;
		int			count = 1;

		if ((c0 == 'm' || c0 == 'd' || c0 == 't' || c0 == 'e') &&
			(c1 == 'O' || c1 == 'P') && lp_peek(P, 2) == '-')
		{
			count = (c0 == 'm') ? 1 : (c0 == 'd') ? 2 : (c0 == 't') ? 3 : 4;
			e = c1;
			P->i += 3;
		}
		else if ((c0 == 'O' || c0 == 'P') && c1 == '-')
		{
			e = c0;
			P->i += 2;
		}
		if (e)
		{
			if (pre_ether && pre_ether != e)
			{
				lp_fail(P, "contradicting ether types on one chain");
				return -1;
			}
			ch->ether = e;
			ch->nether = (unsigned char) count;
		}
	}

	/* sphingoid base hydroxyls of the 2013 shorthand: d18:1 = 18:1;O2 */
	if ((flags & LP_CH_BASE_PREFIX) && !ch->ether &&
		(lp_peek(P, 0) == 'm' || lp_peek(P, 0) == 'd' || lp_peek(P, 0) == 't') &&
		lp_is_digit(lp_peek(P, 1)))
	{
		char		h = P->s[P->i++];

		ch->elem[LP_E_O] = (h == 'm') ? 1 : (h == 'd') ? 2 : 3;
		P->base_prefix = true;
	}

	/* Biocrates writes the carbon count as "C36:2" */
	if ((flags & LP_CH_C_PREFIX) && lp_peek(P, 0) == 'C' && lp_is_digit(lp_peek(P, 1)))
		P->i++;

	if (!lp_parse_uint(P, &c))
	{
		if (P->err == NULL)
			lp_fail(P, "expected a fatty-acyl chain (carbons:double bonds)");
		return -1;
	}
	if (!lp_eat(P, ':') || !lp_parse_uint(P, &db))
	{
		lp_fail(P, "malformed chain: expected carbons:double bonds");
		return -1;
	}
	if (c > LP_MAX_CARBON || db > c || (c == 0 && ch->ether))
	{
		lp_fail(P, "chain has an impossible carbon or double-bond count");
		return -1;
	}
	ch->carbon = (short) c;
	ch->db = (short) db;

	if (looks_like_db_positions(P))
	{
		if (!parse_db_positions(P, &ch->ndbpos, ch->dbpos, ch->dbgeom))
			return -1;
		ch->flags |= LPC_DBPOS;
		if (ch->ndbpos != ch->db)
		{
			lp_fail(P, "number of double-bond positions does not match the double-bond count");
			return -1;
		}
	}

	for (;;)
	{
		if (looks_like_mod_block(P))
		{
			if (!parse_mod_block(P, idx))
				return -1;
		}
		else if (looks_like_swiss_suffix(P))
		{
			if (!parse_swiss_suffix(P, idx))
				return -1;
		}
		else
			break;
	}

	if (!parse_ether_suffix(P, ch))
		return -1;
	if (lp_eat(P, ';'))
	{
		if (!parse_fg_list(P, idx))
			return -1;
		ch = &P->L->pool[idx];	/* pool is stable, but be explicit */
		if (!parse_ether_suffix(P, ch))
			return -1;
	}
	skip_stereo(P);

	/*
	 * "iso" branching: iso-C17 has 16 carbons in the main chain and a
	 * methyl group on the penultimate one.
	 */
	if (iso)
	{
		if (ch->carbon < 4)
		{
			lp_fail(P, "iso-branched chain too short");
			return -1;
		}
		ch->carbon--;
		if (!lp_add_simple(P, idx, lp_fg_match("Me", 2, &(size_t) {0}),
						ch->carbon - 1, 1))
			return -1;
	}

	for (int k = 0; k < ch->ndbpos; k++)
		if (ch->dbpos[k] >= ch->carbon)
		{
			lp_fail(P, "double-bond position beyond the chain end");
			return -1;
		}

	/* only the placeholder 0:0 has no carbons */
	if (ch->carbon == 0)
	{
		bool		bare = (ch->fg < 0 && ch->ndbpos == 0 && !ch->ether);

		for (int e = 0; e < LP_NELEM; e++)
			if (ch->elem[e])
				bare = false;
		if (!bare)
		{
			lp_fail(P, "chain without carbons cannot carry groups");
			return -1;
		}
	}

	/* positions of groups must lie on the chain */
	for (int g = ch->fg; g >= 0; g = P->L->fgs[g].next)
	{
		const lp_fg *f = &P->L->fgs[g];

		if (f->pos == 0 || f->pos > ch->carbon ||
			(f->kind == LP_FG_RING && f->ring_start >= 0 &&
			 (f->ring_start < 1 || f->ring_end <= f->ring_start ||
			  f->ring_end > ch->carbon)))
		{
			lp_fail(P, "functional-group position beyond the chain end");
			return -1;
		}
	}
	P->depth--;
	return idx;
}
