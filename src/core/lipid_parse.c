/*
 * lipid_parse.c - recursive-descent parser from a cleaned lipid name to the
 * lp_lipid representation (see lipid.h).
 *
 * One parser reads every dialect, because the dialects share the chain
 * syntax and differ in a few places that never collide:
 *
 *   Shorthand 2020      PC 16:0/18:1(9Z), Cer 18:1;O2/16:0, PE O-34:2,
 *                       FA 20:4;5OH,12OH, TG 16:0;5O(FA 16:0)/18:1/18:1
 *   LIPID MAPS (LMSD)   PC(16:0/18:1(9Z)), Cer(d18:1/24:0(2OH)),
 *                       CL(1'-[16:0/18:1],3'-[18:1/18:2]), PIP[3'](...)
 *   Goslin / LipidXplorer  Cer 18:1;2/16:0, TAG 16:0-18:1-18:2,
 *                       PE O 18:0a/22:6, LPE O-20:1p
 *   SwissLipids         NAPE (16:0/18:1/20:4), GT1b alpha (d18:1/18:0),
 *                       PIP2[4,5](...), 17:0-15me, iso-d17:1
 *   Biocrates           PC aa C36:2, PC ae C36:2, lysoPC a C16:0,
 *                       SM C16:0, SM (OH) C22:1
 *   MS-DIAL 4           Cer-NS d18:1/24:0, SM d18:1/16:0
 *   LipidSearch         PC(16:0e/18:1), PE(18:0p/20:4), Cer(d18:1_24:0)
 *   others              lysoPC 16:0, plasmenylPE 16:0/20:4, PlsEtn, P-PE,
 *                       C32:0 PC, mzmine "Cer 20:1;2O/18:0"
 *
 * The parser never invents structure: a sphingolipid whose name gives no
 * hydroxylation of its base ("SM 34:1", Lipidyzer "SM(16:0)") is rejected
 * because the number could be the sum or the N-acyl chain alone.
 *
 * This file reads everything around the chains (class names, dialect
 * prefixes and codes, Biocrates and LIPID MAPS special forms) and checks
 * the result; lipid_chain.c reads the chains themselves.
 */
#include <stddef.h>
#include <string.h>

#define AMPRENTA_LIPID_INTERNAL
#include "lipid.h"

/* Does this chain say anything about oxygen (";O2", "d", ";OH" ...)? */
static bool
chain_has_oxygen(const lp_lipid *L, const lp_chain *ch)
{
	if (ch->elem[LP_E_O] > 0)
		return true;
	for (int g = ch->fg; g >= 0; g = L->fgs[g].next)
	{
		const lp_fg *f = &L->fgs[g];

		/* "O(...)" links through oxygen, "N(FA ...)" has a carbonyl O */
		if (f->kind == LP_FG_LINK && (f->link_atom == 'O' || f->link_acyl))
			return true;
		if (f->kind == LP_FG_SIMPLE && lp_fg_type(f->type)->elem[LP_E_O] > 0)
			return true;
	}
	return false;
}

static bool
chain_is_empty(const lp_chain *ch)
{
	return ch->carbon == 0 && ch->db == 0 && ch->fg < 0 && !ch->ether;
}

/*
 * Inositol phosphate positions after PIP/PIP2/PIP3: "(3')", "[3']",
 * "[3,4]", "(3',4',5')".  Stored canonically as "(3',4')".
 */
static bool
parse_pip_positions(lp_parser *P)
{
	lp_lipid   *L = P->L;
	char		close;
	int			want;
	int			last = 0;
	int			k = 0;
	size_t		o = 0;

	if (!((lp_peek(P, 0) == '(' || lp_peek(P, 0) == '[') && lp_is_digit(lp_peek(P, 1))))
		return true;
	close = (lp_peek(P, 0) == '(') ? ')' : ']';
	/* "PIP(16:0/18:1)" opens the chains, not positions: look ahead */
	{
		size_t		j = 1;

		for (;;)
		{
			if (!lp_is_digit(lp_peek(P, j)))
				return true;
			j++;
			if (lp_peek(P, j) == '\'')
				j++;
			if (lp_peek(P, j) == ',')
			{
				j++;
				continue;
			}
			if (lp_peek(P, j) != close)
				return true;
			break;
		}
	}
	want = (strcmp(L->cls->name, "PIP") == 0) ? 1 :
		(strcmp(L->cls->name, "PIP2") == 0) ? 2 : 3;
	P->i++;
	L->pip[o++] = '(';
	do
	{
		int			v;

		if (!lp_parse_uint(P, &v) || v < 3 || v > 5 || v <= last)
			return lp_fail(P, "malformed inositol phosphate positions");
		lp_eat(P, '\'');
		last = v;
		if (k++ > 0)
			L->pip[o++] = ',';
		L->pip[o++] = (char) ('0' + v);
		L->pip[o++] = '\'';
	} while (lp_eat(P, ','));
	if (!lp_eat(P, close) || k != want)
		return lp_fail(P, "malformed inositol phosphate positions");
	L->pip[o++] = ')';
	L->pip[o] = '\0';
	return true;
}

/*
 * Head-group chain of PE-N, PS-N, LPE-N and ACer: "(FA 16:0)" (acyl),
 * "(16:0)" (alkyl), or the species-level types "(FA)" and "(Alk)".
 */
static bool
parse_hg_chain(lp_parser *P)
{
	lp_lipid   *L = P->L;
	int			idx;

	if (!lp_eat(P, '('))
		return lp_fail(P, "this class needs its head-group chain, e.g. PE-N(FA 16:0)");
	if (lp_at(P, "FA)") || lp_at(P, "Alk)"))
	{
		L->hg_acyl = (lp_peek(P, 0) == 'F');
		L->hg_type_only = true;
		P->i += L->hg_acyl ? 3 : 4;
		return true;
	}
	if (lp_at(P, "FA "))
	{
		P->i += 3;
		L->hg_acyl = true;
	}
	idx = lp_parse_chain(P, 0, 0);
	if (idx < 0)
		return false;
	if (L->pool[idx].ether)
		return lp_fail(P, "a head-group chain cannot carry an ether prefix");
	L->hg = (short) idx;
	if (!lp_eat(P, ')'))
		return lp_fail(P, "malformed head-group chain");
	return true;
}

/*
 * A glycan written as sugars before "-Cer" in the 2020 shorthand:
 * "Gal-Gal-Glc-Cer".  Only hexoses are read; the class at sn-position level
 * and below is Hex<n>Cer.
 */
static bool
parse_sugar_class(lp_parser *P)
{
	lp_lipid   *L = P->L;
	size_t		start = P->i;
	int			n = 0;

	for (;;)
	{
		if (lp_at(P, "Gal-") || lp_at(P, "Glc-") || lp_at(P, "Man-") || lp_at(P, "Hex-"))
		{
			P->i += 4;
			n++;
			continue;
		}
		break;
	}
	if (n == 0 || !lp_at(P, "Cer") ||
		!(P->i + 3 == P->n || P->s[P->i + 3] == ' ' ||
		  P->s[P->i + 3] == '('))
	{
		P->i = start;
		return false;
	}
	P->i += 3;
	if (n > 3 || P->i - start >= sizeof(L->sugar_text))
	{
		P->i = start;
		return false;
	}
	memcpy(L->sugar_text, P->s + start, P->i - start);
	L->sugar_text[P->i - start] = '\0';
	L->hexoses = (short) n;
	L->cls = lp_class_by_name(n == 1 ? "HexCer" : n == 2 ? "Hex2Cer" : "Hex3Cer",
							  n == 1 ? 6 : 7);
	return L->cls != NULL;
}

/*
 * MS-DIAL ceramide subclasses after an SP class: "Cer-NS", "HexCer-AP",
 * "Cer_ADS".  N = non-hydroxy N-acyl chain, A/B = alpha/beta-hydroxy acyl
 * (one more OH on carbon 2/3); the base letters (S, DS, P, H) repeat what
 * the base itself says.  Esterified subclasses (EOS ...) are not read.
 * Returns the hydroxyl position added to the acyl chain (0 for N).
 */
static bool
parse_msdial_code(lp_parser *P, int *acyl_oh)
{
	static const char *const bases[] = {"S ", "DS ", "P ", "H ", "DH "};
	char		a;

	*acyl_oh = 0;
	if (!((lp_peek(P, 0) == '-' || lp_peek(P, 0) == '_') &&
		  lp_peek(P, 1) >= 'A' && lp_peek(P, 1) <= 'Z'))
		return true;
	if (lp_peek(P, 1) != 'N' && lp_peek(P, 1) != 'A' && lp_peek(P, 1) != 'B')
		return lp_fail(P, "unsupported ceramide subclass code");
	a = lp_peek(P, 1);
	for (size_t k = 0; k < sizeof(bases) / sizeof(bases[0]); k++)
	{
		size_t		bl = strlen(bases[k]);

		if (P->i + 2 + bl <= P->n &&
			memcmp(P->s + P->i + 2, bases[k], bl) == 0)
		{
			P->i += 2 + bl - 1;	/* leave the space */
			*acyl_oh = (a == 'A') ? 2 : (a == 'B') ? 3 : 0;
			return true;
		}
	}
	return lp_fail(P, "unsupported ceramide subclass code");
}

/*
 * Biocrates kit names: "PC aa C36:2" (diacyl), "PC ae C36:2" (acyl-alkyl),
 * "lysoPC a C16:0", "lysoPC e C18:0".  Called after "CLASS ".  Returns
 * 1 if the name was read, 0 if it is not Biocrates, -1 on error.
 */
static int
parse_biocrates_gp(lp_parser *P)
{
	lp_lipid   *L = P->L;
	static const struct
	{
		const char *m;
		size_t		len;
	}			marks[] = {{"aa", 2}, {"ae", 2}, {"ea", 2}, {"a", 1}, {"e", 1}};
	int			which = -1;
	size_t		ml = 0;
	int			idx;

	for (int k = 0; k < 5 && which < 0; k++)
	{
		ml = marks[k].len;
		/* the first byte rejects nearly every name */
		if (P->i + ml < P->n && P->s[P->i] == marks[k].m[0] &&
			memcmp(P->s + P->i, marks[k].m, ml) == 0 &&
			(P->s[P->i + ml] == ' ' || P->s[P->i + ml] == '-'))
			which = k;
	}
	if (which < 0)
		return 0;
	P->i += ml + 1;
	if ((which <= 2 && L->cls->nchains != 2) ||
		(which > 2 && L->cls->nchains != 1))
	{
		lp_fail(P, "Biocrates acyl/alkyl code does not fit the class");
		return -1;
	}
	idx = lp_parse_chain(P, LP_CH_C_PREFIX, (which == 1 || which == 2 || which == 4) ? 'O' : 0);
	if (idx < 0)
		return -1;
	L->chain[0] = (short) idx;
	L->nchains = 1;
	return 1;
}

/*
 * Biocrates sphingomyelins: "SM C16:0", "SM (OH) C22:1".  The number is
 * the N-acyl chain; the kit's convention puts it on sphingosine (18:1;O2).
 * The species written here assumes that base, so the result is AMBIGUOUS.
 */
static int
parse_biocrates_sm(lp_parser *P)
{
	lp_lipid   *L = P->L;
	bool		oh = false;
	int			idx;
	lp_chain   *ch;

	if (strcmp(L->cls->name, "SM") != 0)
		return 0;
	if (lp_at(P, "(OH) C") && lp_is_digit(lp_peek(P, 6)))
	{
		oh = true;
		P->i += 5;
	}
	else if (!(lp_peek(P, 0) == 'C' && lp_is_digit(lp_peek(P, 1))))
		return 0;
	idx = lp_parse_chain(P, LP_CH_C_PREFIX, 0);
	if (idx < 0)
		return -1;
	ch = &L->pool[idx];
	if (ch->fg >= 0 || ch->ether || ch->ndbpos || ch->elem[LP_E_O] ||
		ch->carbon < 2)
	{
		lp_fail(P, "malformed Biocrates sphingomyelin name");
		return -1;
	}
	ch->carbon += 18;
	ch->db += 1;
	ch->elem[LP_E_O] = oh ? 3 : 2;
	ch->flags |= LPC_SUM;
	L->chain[0] = (short) idx;
	L->nchains = 1;
	L->status = NORM_AMBIGUOUS;
	L->note = "Biocrates SM names give only the N-acyl chain; the species assumes the kit's sphingosine (18:1;O2) base";
	return 1;
}

/* Chains separated by '/', '\', '_' or '-', with mixed separators refused. */
static bool
parse_chain_list(lp_parser *P, char pre_ether, bool base_first)
{
	lp_lipid   *L = P->L;
	char		sep = 0;

	for (;;)
	{
		int			flags = 0;
		int			idx;
		char		c;

		if (L->nchains == 0)
		{
			flags |= LP_CH_C_PREFIX;
			if (base_first)
				flags |= LP_CH_BASE_PREFIX;
		}
		if (L->nchains >= LP_MAX_CHAINS)
			return lp_fail(P, "too many chains for any lipid class");
		idx = lp_parse_chain(P, flags, L->nchains == 0 ? pre_ether : 0);
		if (idx < 0)
			return false;
		L->chain[L->nchains++] = (short) idx;

		c = lp_peek(P, 0);
		if (c == '/' || c == '\\' || c == '_' || c == '-')
		{
			char		norm = (c == '\\') ? '/' : (c == '-') ? '_' : c;

			if (c == '-')
				P->dash_sep = true;
			if (sep && sep != norm)
				return lp_fail(P, "mixed chain separators ('/' with '_' or '-')");
			sep = norm;
			P->i++;
			continue;
		}
		break;
	}
	L->sep = (L->nchains > 1) ? sep : 0;
	return true;
}

/* LIPID MAPS cardiolipin: "(1'-[16:0/18:1],3'-[18:1/18:2])". */
static bool
parse_lmsd_cardiolipin(lp_parser *P)
{
	lp_lipid   *L = P->L;

	P->i += 5;					/* "(1'-[" */
	for (int half = 0; half < 2; half++)
	{
		for (int k = 0; k < 2; k++)
		{
			int			idx = lp_parse_chain(P, 0, 0);

			if (idx < 0)
				return false;
			L->chain[L->nchains++] = (short) idx;
			if (k == 0 && !lp_eat(P, '/'))
				return lp_fail(P, "malformed cardiolipin name");
		}
		if (half == 0 && !lp_at(P, "],3'-["))
			return lp_fail(P, "malformed cardiolipin name");
		if (half == 0)
			P->i += 6;
	}
	if (!lp_at(P, "])"))
		return lp_fail(P, "malformed cardiolipin name");
	P->i += 2;
	L->sep = '/';
	return true;
}

/*
 * LIPID MAPS FAHFA: "FAHFA(16:0/9-O-18:0)" is 16:0 esterified to the
 * 9-hydroxy group of 18:0, in the 2020 shorthand FA 18:0;9O(FA 16:0).
 */
static bool
parse_lmsd_fahfa(lp_parser *P)
{
	lp_lipid   *L = P->L;
	int			acyl,
				hfa,
				pos,
				g;

	acyl = lp_parse_chain(P, 0, 0);
	if (acyl < 0)
		return false;
	if (!lp_eat(P, '/') || !lp_parse_uint(P, &pos) || !lp_at(P, "-O-"))
		return lp_fail(P, "malformed FAHFA name");
	P->i += 3;
	hfa = lp_parse_chain(P, 0, 0);
	if (hfa < 0)
		return false;
	if (pos < 1 || pos > L->pool[hfa].carbon)
		return lp_fail(P, "FAHFA ester position beyond the chain end");
	g = lp_new_fg(P, hfa, LP_FG_LINK);
	if (g < 0)
		return false;
	L->fgs[g].pos = (short) pos;
	L->fgs[g].link_atom = 'O';
	L->fgs[g].link_acyl = true;
	L->fgs[g].sub = (short) acyl;
	L->cls = lp_class_by_name("FA", 2);
	L->chain[0] = (short) hfa;
	L->nchains = 1;
	L->sep = 0;
	return true;
}

static const lp_class *
lyso_of(const lp_class *cls)
{
	return cls->lyso ? lp_class_by_name(cls->lyso, strlen(cls->lyso)) : NULL;
}

/*
 * Checks and adjustments once the chains are read: chain counts, 0:0
 * placeholders (PC 16:0/0:0 is LPC), species sums, sphingoid bases.
 */
static bool
finish(lp_parser *P, int acyl_oh)
{
	lp_lipid   *L = P->L;
	const lp_class *cls = L->cls;
	int			nonempty = 0;
	int			empty = 0;

	for (int k = 0; k < L->nchains; k++)
	{
		lp_chain   *ch = &L->pool[L->chain[k]];

		if (chain_is_empty(ch))
		{
			ch->flags |= LPC_EMPTY;
			empty++;
		}
		else
			nonempty++;
	}

	if (cls->kind == LPK_STEROL || cls->kind == LPK_STEROL_ESTER)
	{
		/* a sterol core has no ether bond and a sterol ester is an ester */
		for (int k = 0; k < L->nchains; k++)
			if (L->pool[L->chain[k]].ether)
				return lp_fail(P, "sterol chains cannot carry an ether bond");
	}
	if (cls->kind == LPK_STEROL)
	{
		if (L->nchains != 1 || empty)
			return lp_fail(P, "a sterol is written as one core, e.g. ST 27:1;O");
		L->core = L->chain[0];
		L->nchains = 0;
		return true;
	}
	if (cls->kind == LPK_STEROL_ESTER && L->core < 0)
	{
		if (L->nchains != 2 || L->sep != '/' || empty)
			return lp_fail(P, "a sterol ester is written SE <core>/<acyl chain>");
		L->core = L->chain[0];
		L->chain[0] = L->chain[1];
		L->nchains = 1;
		L->sep = 0;
		/* the core is part of the class name: "SE 28:2" */
		{
			const lp_chain *core = &L->pool[L->core];

			if (core->fg >= 0 || core->ndbpos || core->ether ||
				core->elem[LP_E_O] || core->carbon < 10)
				return lp_fail(P, "a sterol-ester core is written as carbons:double bonds only");
		}
		return true;
	}
	if (cls->kind == LPK_STEROL_ESTER)
	{
		if (L->nchains != 1 || empty)
			return lp_fail(P, "a sterol ester carries one acyl chain");
		return true;
	}

	/* one chain sums the class's chains; "LPE-N(FA) 38:5" also sums the
	 * head-group chain into its one chain */
	if (L->nchains == 1 && !empty && (cls->nchains > 1 || L->hg_type_only))
		L->species = true;
	else if (nonempty != cls->nchains)
	{
		const lp_class *c = cls;

		if (nonempty < cls->nchains && empty > 0)
		{
			while (c && c->nchains > nonempty)
				c = lyso_of(c);
		}
		if (c == NULL || c->nchains != nonempty || nonempty == 0)
			return lp_fail(P, nonempty > cls->nchains ?
						"too many chains for this lipid class" :
						"too few chains for this lipid class");
		L->cls = cls = c;
	}
	if (L->nchains > (cls->npos > 0 ? cls->npos : 1))
		return lp_fail(P, "too many chain positions for this lipid class");

	for (int k = 0; k < L->nchains; k++)
	{
		lp_chain   *ch = &L->pool[L->chain[k]];

		if (ch->nether > 1 && !L->species)
			return lp_fail(P, "\"dO-\"-style ether counts belong to species-level sums");
	}

	if (cls->kind == LPK_SPHINGO || cls->kind == LPK_LCB)
	{
		lp_chain   *base = &L->pool[L->chain[0]];

		for (int k = 0; k < L->nchains; k++)
			if (L->pool[L->chain[k]].ether)
				return lp_fail(P, "sphingolipid chains cannot carry an ether bond");
		if (L->sep == '_')
		{
			/* LipidSearch "Cer(d18:1_24:0)": the base is marked, so the
			 * order is known; Goslin's '-' is not accepted for SP */
			if (P->dash_sep || !chain_has_oxygen(L, base))
				return lp_fail(P, "sphingolipid chains must be written base/acyl");
			L->sep = '/';
		}
		if (!chain_has_oxygen(L, base))
			return lp_fail(P, "sphingolipid name lacks the hydroxylation of its base (;O2 or d18:1): sum and N-acyl chain cannot be told apart");
		if (!L->species)
		{
			base->flags |= LPC_BASE;
			if ((cls->flags & LPF_HG1) && base->elem[LP_E_O] == 0)
				base->flags |= LPC_IMPLICIT_O;
		}
		if (acyl_oh)
		{
			if (L->species)
				base->elem[LP_E_O]++;
			else if (L->nchains == 2)
			{
				int			oh = lp_fg_match("OH", 2, &(size_t) {0});
				bool		have = false;

				if (L->pool[L->chain[1]].carbon < acyl_oh)
					return lp_fail(P, "acyl chain too short for the hydroxyl its subclass code implies");
				for (int g = L->pool[L->chain[1]].fg; g >= 0; g = L->fgs[g].next)
					if (L->fgs[g].kind == LP_FG_SIMPLE && L->fgs[g].type == oh &&
						L->fgs[g].pos == acyl_oh)
						have = true;
				if (!have && !lp_add_simple(P, L->chain[1], oh, acyl_oh, 1))
					return false;
			}
		}
	}
	else if (P->base_prefix)
		return lp_fail(P, "m/d/t hydroxyl prefixes belong to sphingoid bases");

	if (L->species)
		L->pool[L->chain[0]].flags |= LPC_SUM;
	if (L->hg_type_only && !L->species)
		return lp_fail(P, "head-group chain without composition needs a species-level name");
	return true;
}

/* Is the text after "FAHFA(" of the form "16:0/9-O-18:0"? */
static bool
at_fahfa_lmsd(const lp_parser *P)
{
	for (size_t k = P->i; k + 2 < P->n; k++)
		if (P->s[k] == '-' && P->s[k + 1] == 'O' && P->s[k + 2] == '-' &&
			k > P->i && lp_is_digit(P->s[k - 1]))
			return true;
	return false;
}

static bool parse_text(lp_parser *P);

/* "C32:0 PC", "16:0 SM": chain first, class last (RefMet examples). */
static bool
try_reversed(lp_parser *P)
{
	char		tmp[LP_TEXT_MAX + 2];
	size_t		sp;
	size_t		m;
	int			mod;
	short		cc,
				cdb;
	lp_parser	Q;

	if (!(lp_is_digit(P->s[0]) || (P->s[0] == 'C' && P->n > 1 &&
								lp_is_digit(P->s[1]))))
		return false;
	for (sp = P->n; sp > 0 && P->s[sp - 1] != ' '; sp--)
		;
	if (sp == 0 || sp == P->n)
		return false;
	if (lp_class_match(P->s + sp, P->n - sp, &m, &mod, &cc, &cdb) == NULL ||
		m != P->n - sp)
		return false;
	memcpy(tmp, P->s + sp, P->n - sp);
	tmp[P->n - sp] = ' ';
	memcpy(tmp + P->n - sp + 1, P->s, sp - 1);
	Q = *P;
	Q.s = tmp;
	Q.n = P->n;
	Q.i = 0;
	Q.err = NULL;
	memset(P->L, 0, sizeof(*P->L));
	if (!parse_text(&Q))
	{
		P->err = Q.err;
		return false;
	}
	return true;
}

static bool
parse_text(lp_parser *P)
{
	lp_lipid   *L = P->L;
	const char *named;
	size_t		m;
	int			mod = LP_MOD_NONE;
	short		core_c = 0,
				core_db = 0;
	char		pre_ether = 0;
	bool		lyso = false;
	bool		opened = false;
	int			acyl_oh = 0;
	int			bio;

	/*
	 * Only the fields before the pools are cleared (some 100 bytes of 4 kB):
	 * lp_new_chain() and lp_new_fg() clear each pool entry they hand out,
	 * and nothing reads an entry past npool or nfg.
	 */
	memset(L, 0, offsetof(lp_lipid, pool));
	L->npool = 0;
	L->nfg = 0;
	L->note = NULL;
	L->core = L->hg = -1;
	L->status = NORM_OK;
	P->i = 0;
	P->base_prefix = P->dash_sep = false;

	/* names that stand for a shorthand name */
	named = lp_named_lipid(P->s, P->n);
	if (named && P->depth == 0)
	{
		P->s = named;
		P->n = strlen(named);
		P->depth++;
		return parse_text(P);
	}
	L->med = lp_mediator_by_name(P->s, P->n);
	if (L->med)
		return true;

	/* dialect prefixes */
	if (lp_at(P, "lyso") || lp_at(P, "Lyso") || lp_at(P, "LYSO"))
	{
		if (lp_class_match(P->s, P->n, &m, &mod, &core_c, &core_db) == NULL)
		{
			P->i += 4;
			lp_eat(P, '-');
			lyso = true;
		}
	}
	else if (lp_at(P, "plasmenyl") || lp_at(P, "Plasmenyl"))
	{
		P->i += 9;
		lp_eat(P, '-');
		pre_ether = 'P';
	}
	else if (lp_at(P, "plasmanyl") || lp_at(P, "Plasmanyl"))
	{
		P->i += 9;
		lp_eat(P, '-');
		pre_ether = 'O';
	}
	else if ((lp_at(P, "P-") || lp_at(P, "O-")) && lp_is_alpha(lp_peek(P, 2)))
	{
		/* LDA "P-PE 34:1" */
		pre_ether = lp_peek(P, 0);
		P->i += 2;
	}

	if (!parse_sugar_class(P))
	{
		L->cls = lp_class_match(P->s + P->i, P->n - P->i, &m, &mod,
								&core_c, &core_db);
		if (L->cls == NULL)
		{
			/* MS-DIAL "Cer-NS": class up to the code */
			size_t		k = P->i;

			while (k < P->n && P->s[k] != '-' && P->s[k] != '_' &&
				   P->s[k] != ' ' && P->s[k] != '(')
				k++;
			if (k < P->n && (P->s[k] == '-' || P->s[k] == '_'))
			{
				L->cls = lp_class_by_name(P->s + P->i, k - P->i);
				m = k - P->i;
				if (L->cls && L->cls->kind != LPK_SPHINGO)
					L->cls = NULL;
			}
		}
		if (L->cls == NULL)
		{
			if (try_reversed(P))
				return true;
			return lp_fail(P, "unknown lipid class");
		}
		P->i += m;
	}
	if (lyso)
	{
		L->cls = lyso_of(L->cls);
		if (L->cls == NULL || L->cls->nchains != 1)
			return lp_fail(P, "\"lyso\" prefix on a class without a lyso form");
	}
	if (pre_ether && (L->cls->kind != LPK_CHAINS))
		return lp_fail(P, "ether prefix on a class without ether chains");
	if (mod == LP_MOD_PLASMENYL)
		pre_ether = 'P';
	if (mod == LP_MOD_STEROL_CORE)
	{
		int			idx = lp_new_chain(P);

		if (idx < 0)
			return false;
		L->pool[idx].carbon = core_c;
		L->pool[idx].db = core_db;
		L->core = (short) idx;
	}

	/* class decorations */
	if ((L->cls->flags & LPF_PIP) && !parse_pip_positions(P))
		return false;
	if ((L->cls->flags & LPF_HGCHAIN) && !parse_hg_chain(P))
		return false;
	if (L->cls->kind == LPK_SPHINGO || L->cls->kind == LPK_LCB)
	{
		/* head group on O-1, "(1)" or LIPID MAPS "[1]": implied by the class */
		if (lp_at(P, "(1) ") || lp_at(P, "[1] "))
		{
			if (!(L->cls->flags & LPF_HG1))
				return lp_fail(P, "this class has no head group on O-1");
			P->i += 3;
		}
		if (!parse_msdial_code(P, &acyl_oh))
			return false;
	}

	/* separator between class and chains */
	if (lp_eat(P, ' '))
	{
		if ((bio = parse_biocrates_sm(P)) != 0)
		{
			if (bio < 0)
				return false;
			if (P->i != P->n)
				return lp_fail(P, "unexpected text after the chains");
			L->species = true;
			return true;
		}
		if (lp_at(P, "O ") && lp_is_digit(lp_peek(P, 2)))
		{
			/* Goslin "PE O 18:0a/22:6" */
			if (pre_ether == 'P')
				return lp_fail(P, "contradicting ether types on one chain");
			pre_ether = pre_ether ? pre_ether : 'O';
			P->i += 2;
		}
		else if (lp_eat(P, '('))
			opened = true;		/* SwissLipids "NAPE (...)" */
	}
	else if (lp_eat(P, '('))
		opened = true;
	else
		return lp_fail(P, P->i >= P->n ? "lipid class without chains" :
					"unexpected text after the lipid class");

	if (L->cls->kind == LPK_CHAINS && !pre_ether &&
		(bio = parse_biocrates_gp(P)) != 0)
	{
		if (bio < 0)
			return false;
	}
	else if (strcmp(L->cls->name, "FAHFA") == 0 && at_fahfa_lmsd(P))
	{
		if (!parse_lmsd_fahfa(P))
			return false;
	}
	else if (opened && strcmp(L->cls->name, "CL") == 0 && lp_at(P, "1'-["))
	{
		P->i--;
		if (!parse_lmsd_cardiolipin(P))
			return false;
		opened = false;
	}
	else if (!parse_chain_list(P, pre_ether,
							   L->cls->kind == LPK_SPHINGO ||
							   L->cls->kind == LPK_LCB))
		return false;

	if (opened && !lp_eat(P, ')'))
		return lp_fail(P, "unbalanced parenthesis");
	if (P->i != P->n)
		return lp_fail(P, "unexpected text after the chains");
	return finish(P, acyl_oh);
}

/*
 * Parse a cleaned name (see lp_clean) into *L.  Returns NORM_OK,
 * NORM_AMBIGUOUS (a reading that rests on a convention, reason in L->note)
 * or NORM_INVALID with *reason set.
 */
norm_status
lp_parse(const char *text, size_t len, lp_lipid *L, const char **reason)
{
	lp_parser	P;

	memset(&P, 0, sizeof(P));
	P.s = text;
	P.n = len;
	P.L = L;
	if (!parse_text(&P))
	{
		*reason = P.err ? P.err : "not a lipid name";
		return NORM_INVALID;
	}
	/* every level must print something that parses again */
	if (L->cls && !lp_sums_plausible(L))
	{
		*reason = "implausible chain composition (too many carbons, double bonds or atoms)";
		return NORM_INVALID;
	}
	return L->status;
}
