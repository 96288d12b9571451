/*
 * metabolite.c - metabolite name and identifier normalizer.
 *
 * Pipeline for one cell:
 *   1. trim; map Unicode to the ASCII spellings used in files (Greek
 *      letters to words, primes, dashes, odd spaces, superscripts);
 *   2. strip decorations that are not identity (adducts, charges, RT,
 *      polarity, quality prefixes, isomer counters);
 *   3. database identifiers, printed canonically;
 *   4. names: leading L-/D-/DL- set apart, internal "-L-" of a known
 *      compound dropped, a lower-case key built and looked up in the
 *      synonym table; otherwise the display form is built with the case
 *      rules and the anion -> acid rule.
 * See metabolite.h and doc/normalization-identifiers.md.
 */
#include "metabolite.h"

#include <string.h>

#include "metabolite_int.h"
#include "metabolite_table.h"

/* Greek letter names and italic prefixes written before a hyphen. */
static bool
prefix_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"cis", "trans", "myo", "scyllo", "chiro", "sn", "tert", "sec", "iso",
		"neo", "allo", "threo", "erythro", "meso", "endo", "exo", "ortho",
		"meta", "para", "syn", "anti", "rac", "epi", "nor", "homo",
	};
	size_t		i;

	if (met_is_greek(s, n))
		return true;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (ident_ci_eq(s, n, words[i]))
			return true;
	return false;
}

/* Short words that an ALL-CAPS name spells in capitals but are not acronyms. */
static bool
plain_short_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"acid", "salt", "keto", "oxo", "di", "tri", "bis", "tris", "mono", "oxy",
	};
	size_t		i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (ident_ci_eq(s, n, words[i]))
			return true;
	return false;
}

/* Anion names whose "-ate" is not a carboxylate (or not only one). */
static bool
keeps_ate(const char *s, size_t n)
{
	static const char *const endings[] = {
		"phosphate", "sulfate", "sulphate", "nitrate", "carbonate", "hydrate",
		"chromate", "borate", "silicate", "chlorate", "arsenate", "selenate",
		"bromate", "iodate", "molybdate", "tungstate", "vanadate", "phosphonate",
		"aluminate", "manganate", "titanate", "carbamate",
	};
	/* words that merely end in -ate */
	static const char *const words[] = {
		"lysate", "filtrate", "homogenate", "concentrate", "isolate",
		"aggregate", "substrate", "template", "plate", "state", "rate",
	};
	size_t		i;

	for (i = 0; i < sizeof(endings) / sizeof(endings[0]); i++)
		if (ident_ci_suffix(s, n, endings[i]))
			return true;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (ident_ci_eq(s, n, words[i]))
			return true;
	return false;
}

/* A word before an "-ate" that makes it an ester or a salt: methyl, sodium. */
static bool
ester_or_salt_word(const char *s, size_t n)
{
	static const char *const cations[] = {
		"sodium", "potassium", "calcium", "magnesium", "ammonium", "lithium",
		"zinc", "ferrous", "ferric", "cupric", "barium", "disodium",
		"dipotassium", "trisodium", "monosodium", "monopotassium",
	};
	size_t		i;

	if (n >= 3 && ident_ci_suffix(s, n, "yl"))
		return true;
	for (i = 0; i < sizeof(cations) / sizeof(cations[0]); i++)
		if (ident_ci_eq(s, n, cations[i]))
			return true;
	return false;
}

/*
 * Build the key (key_mode: all lower case, for the synonym table) or the
 * display form of the name t[0..n) into dst[0..cap).  Both apply the same
 * rewrites: a-/b-/g- and Greek words, l-/d- configuration letters, and
 * the final anion "-ate" turned into "-ic acid".
 */
static bool
build_name(const char *t, size_t n, bool key_mode, char *dst, size_t cap,
		   size_t *dn)
{
	bool		all_caps = true;
	bool		any_upper = false;
	size_t		i = 0;
	size_t		o = 0;
	size_t		region;
	size_t		tail_start;

	/*
	 * ALL-CAPS or not, judged without the configuration letters (l-, d-,
	 * dl-), which are printed in capitals whatever their input case.
	 */
	for (i = 0; i < n; i++)
	{
		if (ident_is_alpha((unsigned char) t[i]))
		{
			size_t		j = i;

			while (j < n && ident_is_alpha((unsigned char) t[j]))
				j++;
			if (!(j - i <= 2 && j < n && t[j] == '-' &&
				  (i == 0 || (!ident_is_alnum((unsigned char) t[i - 1]) && t[i - 1] != '\'')) &&
				  (ident_ci_eq(t + i, j - i, "l") || ident_ci_eq(t + i, j - i, "d") ||
				   ident_ci_eq(t + i, j - i, "dl"))))
			{
				size_t		k;

				for (k = i; k < j; k++)
				{
					if (ident_is_lower((unsigned char) t[k]))
						all_caps = false;
					else
						any_upper = true;
				}
			}
			i = j - 1;
		}
	}
	if (!any_upper)
		all_caps = false;

	i = 0;
	while (i < n)
	{
		size_t		j = i;
		size_t		rl;
		bool		at_part_start;
		char		next;

		if (!ident_is_alpha((unsigned char) t[i]))
		{
			if (!met_put(dst, &o, cap, t + i, 1))
				return false;
			i++;
			continue;
		}
		while (j < n && ident_is_alpha((unsigned char) t[j]))
			j++;
		rl = j - i;
		at_part_start = (i == 0 || (!ident_is_alnum((unsigned char) t[i - 1]) && t[i - 1] != '\''));
		next = j < n ? t[j] : '\0';

		if (rl == 1 && at_part_start && next == '-' &&
			(t[i] == 'a' || t[i] == 'b' || t[i] == 'g'))
		{
			/* MTBLS-style Latin stand-ins for Greek: a-Hydroxy, b-alanine */
			const char *g = t[i] == 'a' ? "alpha" : t[i] == 'b' ? "beta" : "gamma";

			if (!met_put(dst, &o, cap, g, strlen(g)))
				return false;
		}
		else if (rl <= 2 && at_part_start && next == '-' &&
				 (ident_ci_eq(t + i, rl, "l") || ident_ci_eq(t + i, rl, "d") ||
				  ident_ci_eq(t + i, rl, "dl")))
		{
			/* configuration letters: l-, d-, dl- mean L-, D-, DL- */
			size_t		k;

			for (k = 0; k < rl; k++)
			{
				char		c = key_mode ? ident_lower(t[i + k]) : ident_upper(t[i + k]);

				if (!met_put(dst, &o, cap, &c, 1))
					return false;
			}
		}
		else
		{
			bool		keep;
			size_t		k;

			if (key_mode)
				keep = false;
			else if (rl == 1)
				keep = true;	/* locants and symbols: N-, O-, S-, n-, B12 */
			else if (next == '-' && prefix_word(t + i, rl))
				keep = false;
			else if (all_caps)
				keep = (rl <= 4 && !plain_short_word(t + i, rl)) || (rl <= 5 && rl == n);
			else
			{
				keep = false;
				for (k = 1; k < rl; k++)
					if (ident_is_upper((unsigned char) t[i + k]))
						keep = true;
			}
			for (k = 0; k < rl; k++)
			{
				char		c = keep ? t[i + k] : ident_lower(t[i + k]);

				if (!met_put(dst, &o, cap, &c, 1))
					return false;
			}
		}
		i = j;
	}

	/*
	 * Anion -> acid on the final word, which may be followed by a
	 * parenthetical ("myristate (14:0)").  Esters and salts ("methyl
	 * acetate", "sodium butyrate") and inorganic anions stay.
	 */
	region = o;
	if (o > 2 && dst[o - 1] == ')')
	{
		size_t		k = o - 1;

		while (k > 0 && dst[k - 1] != '(')
			k--;
		if (k >= 2 && dst[k - 2] == ' ')
			region = k - 2;
	}
	tail_start = region;
	{
		size_t		ws = region;
		size_t		k;
		bool		lower = true;

		while (ws > 0 && ident_is_alpha((unsigned char) dst[ws - 1]))
			ws--;
		for (k = ws; k < region; k++)
			if (!ident_is_lower((unsigned char) dst[k]))
				lower = false;
		if (lower && region - ws >= 5 && ident_ci_suffix(dst + ws, region - ws, "ate") &&
			!keeps_ate(dst + ws, region - ws))
		{
			bool		ester = false;

			/* the previous space-separated word */
			if (ws > 0)
			{
				size_t		we;
				size_t		wb;

				k = ws;
				while (k > 0 && dst[k - 1] != ' ')
					k--;
				if (k > 0)
				{
					we = k - 1;
					wb = we;
					while (wb > 0 && ident_is_alpha((unsigned char) dst[wb - 1]))
						wb--;
					if (wb < we && ester_or_salt_word(dst + wb, we - wb))
						ester = true;
				}
			}
			if (!ester)
			{
				char		tail[MET_WORK];
				size_t		tl = o - tail_start;
				size_t		stem = region - 3;
				const char *acid = "ic acid";

				if (tl >= sizeof(tail))
					return false;
				memcpy(tail, dst + tail_start, tl);
				if (region - ws == 8 && ident_ci_eq(dst + ws, 8, "tartrate"))
				{
					stem = ws + 4;	/* tartrate -> tartaric acid */
					acid = "aric acid";
				}
				o = stem;
				if (!met_put(dst, &o, cap, acid, strlen(acid)) ||
					!met_put(dst, &o, cap, tail, tl))
					return false;
			}
		}
	}

	/*
	 * Display: capitalise the first letter of the parent name, after
	 * locants (2'-, N,N-), configuration letters and italic or Greek
	 * prefixes (myo-, alpha-), unless that word keeps its own case (cAMP).
	 */
	if (!key_mode)
	{
		i = 0;
		while (i < o)
		{
			size_t		j = i;

			if (!ident_is_alpha((unsigned char) dst[i]))
			{
				i++;
				continue;
			}
			while (j < o && ident_is_alpha((unsigned char) dst[j]))
				j++;
			if (j - i == 1 ||
				(j < o && dst[j] == '-' && (prefix_word(dst + i, j - i) ||
											ident_ci_eq(dst + i, j - i, "dl"))) ||
				(j < o && ident_is_digit((unsigned char) dst[j]) &&
				 prefix_word(dst + i, j - i)) ||
				(i > 0 && dst[i - 1] == '(' && j < o && (dst[j] == ')' || dst[j] == ',') &&
				 j - i <= 3))
			{
				i = j;
				continue;
			}
			{
				size_t		k;
				bool		lower = true;

				for (k = i; k < j; k++)
					if (!ident_is_lower((unsigned char) dst[k]))
						lower = false;
				if (lower)
					dst[i] = ident_upper(dst[i]);
			}
			break;
		}
	}
	*dn = o;
	return true;
}

/*
 * Drop an internal configuration letter that names the natural form of a
 * known compound: "N-acetyl-L-aspartate" -> "N-acetylaspartate",
 * "Octenoyl-L-carnitine" -> "Octenoylcarnitine", "alpha-D-glucose" ->
 * "alpha-glucose".
 */
static void
drop_internal_config(char *t, size_t *n)
{
	size_t		p = 1;

	while (p + 3 < *n)
	{
		char		cfg = ident_upper(t[p + 1]);

		if (t[p] == '-' && (cfg == 'L' || cfg == 'D') && t[p + 2] == '-' &&
			ident_is_alpha((unsigned char) t[p - 1]) &&
			ident_is_alpha((unsigned char) t[p + 3]))
		{
			char		key[MET_WORK];
			size_t		kn;
			const met_entry *e;

			if (build_name(t + p + 3, *n - p - 3, true, key, sizeof(key), &kn) &&
				kn > 0 && (e = met_table_find(key, kn)) != NULL && e->natural == cfg)
			{
				size_t		ws = p;

				while (ws > 0 && ident_is_alpha((unsigned char) t[ws - 1]))
					ws--;
				if (prefix_word(t + ws, p - ws))
				{
					/* alpha-D-glucose -> alpha-glucose */
					memmove(t + p + 1, t + p + 3, *n - p - 3);
					*n -= 2;
				}
				else
				{
					memmove(t + p, t + p + 3, *n - p - 3);
					*n -= 3;
				}
				continue;
			}
		}
		p++;
	}
}

/* Names shaped like chemical names (for metabolite_evidence). */
static bool
chemical_suffix(const char *s, size_t n)
{
	static const char *const sufs[] = {
		"ine", "ate", "ite", "ose", "ol", "one", "ide", "ane", "ene", "yne",
		"yl", "ic", "oid", "acid", "ium", "amine", "sterol",
	};
	size_t		i;

	if (n < 5)
		return false;
	for (i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
		if (ident_ci_suffix(s, n, sufs[i]))
			return true;
	return false;
}

static bool
chemical_shape(const char *t, size_t n)
{
	size_t		i;
	size_t		k;
	bool		all_caps = true;
	bool		spaces = memchr(t, ' ', n) != NULL;

	if (n == 0)
		return false;
	/* locants: 17-hydroxy..., 2'-deoxy..., 3,4-dihydroxy... */
	i = ident_span_digits(t, n);
	if (i > 0)
	{
		while (i < n && (ident_is_digit((unsigned char) t[i]) || t[i] == ',' || t[i] == '\''))
			i++;
		if (i + 1 < n && t[i] == '-' && (ident_is_alpha((unsigned char) t[i + 1]) || t[i + 1] == '('))
			return true;
	}
	/* N-, O-, S-, L-, D-, DL-, n-, p-, (R)-, (S)-, (+)-, alpha-, myo- */
	for (k = 0; k < n && ident_is_alpha((unsigned char) t[k]); k++)
		;
	if (k < n && t[k] == '-' && k + 1 < n &&
		(k == 1 || ident_ci_eq(t, k, "dl") || prefix_word(t, k)) &&
		!ident_is_digit((unsigned char) t[k + 1]))
		return true;
	if (t[0] == '(')
	{
		for (k = 1; k < n && k < 12; k++)
		{
			char		c = t[k];

			if (c == ')')
				break;
			if (!ident_is_digit((unsigned char) c) && strchr("RSEZrs,+-/", c) == NULL)
				break;
		}
		if (k + 1 < n && t[k] == ')' && t[k + 1] == '-')
			return true;
	}

	for (i = 0; i < n; i++)
		if (ident_is_lower((unsigned char) t[i]))
			all_caps = false;
	if (all_caps)
		return false;			/* capitals only: leave it to the table */

	/* words ending like chemical names */
	i = 0;
	while (i < n)
	{
		size_t		ws = i;
		size_t		we;
		bool		letters_only = true;

		while (i < n && t[i] != ' ')
			i++;
		we = i;
		for (k = ws; k < we; k++)
			if (ident_is_digit((unsigned char) t[k]) && !spaces)
				letters_only = false;
		if (letters_only)
		{
			/* the last hyphen-separated part of the word */
			size_t		ps = we;

			while (ps > ws && t[ps - 1] != '-')
				ps--;
			if (chemical_suffix(t + ps, we - ps))
			{
				bool		alpha_part = true;

				for (k = ps; k < we; k++)
					if (!ident_is_alpha((unsigned char) t[k]))
						alpha_part = false;
				if (alpha_part)
					return true;
			}
		}
		while (i < n && t[i] == ' ')
			i++;
	}
	return false;
}

/* Normalize the name t[0..n) (decorations gone, not an id). */
static void
met_name(char *t, size_t n, met_res *r)
{
	char		cfg[3] = {0, 0, 0};
	size_t		cl = 0;
	const char *rest;
	size_t		rn;
	char		key[MET_WORK];
	size_t		kn;
	char		disp[MET_WORK];
	size_t		dn = 0;
	const met_entry *e;

	/* a leading configuration: L-, D-, DL- (any case), "L " from "L_Glutamic_acid" */
	if (n > 2 && (t[1] == '-' || t[1] == ' ') &&
		(ident_upper(t[0]) == 'L' || ident_upper(t[0]) == 'D') &&
		(t[1] == '-' || ident_is_alpha((unsigned char) t[2])))
	{
		cfg[0] = ident_upper(t[0]);
		cl = 1;
	}
	else if (n > 3 && t[2] == '-' && ident_ci_prefix(t, n, "dl"))
	{
		cfg[0] = 'D';
		cfg[1] = 'L';
		cl = 2;
	}
	{
		size_t		skip = cl > 0 ? cl + 1 : 0;

		rest = t + skip;
		rn = n - skip;
		drop_internal_config(t + skip, &rn);
		n = skip + rn;			/* t is shorter now */
	}
	if (rn == 0)
	{
		met_set_invalid(r, "no name after the configuration prefix");
		return;
	}

	if (!build_name(rest, rn, true, key, sizeof(key), &kn))
	{
		met_set_invalid(r, MET_REASON_LONG);
		return;
	}
	e = (kn > 0) ? met_table_find(key, kn) : NULL;
	if (cl > 0 && (e == NULL || cl == 2 || e->natural != cfg[0]))
	{
		met_put(disp, &dn, sizeof(disp), cfg, cl);
		met_put(disp, &dn, sizeof(disp), "-", 1);
	}
	if (e != NULL)
	{
		if (!met_put(disp, &dn, sizeof(disp), e->canonical, strlen(e->canonical)))
		{
			met_set_invalid(r, MET_REASON_LONG);
			return;
		}
	}
	else
	{
		size_t		bn;

		if (!build_name(rest, rn, false, disp + dn, sizeof(disp) - dn, &bn))
		{
			met_set_invalid(r, MET_REASON_LONG);
			return;
		}
		dn += bn;
	}
	met_set_result(r, disp, dn, NORM_OK, NULL, IDENT_NAME);

	/* evidence: a table hit, unless written in capitals as a gene symbol */
	if (e != NULL)
	{
		bool		caps = true;
		size_t		i;

		for (i = 0; i < n; i++)
			if (ident_is_lower((unsigned char) t[i]))
				caps = false;
		if ((e->flags & MET_GENE_CAPS) && caps)
			r->evidence = IDENT_NONE;
	}
	else if (!chemical_shape(t, n))
		r->evidence = IDENT_NONE;
}

/*
 * Would the decoration pass leave s[0..n) unchanged?  A name kept after
 * an id must, or normalizing the result again would change it.
 */
static bool
clean_text(const char *s, size_t n)
{
	char		tmp[MET_WORK];
	size_t		k = n;

	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	met_retrim(tmp, &k);
	if (met_strip_decorations(tmp, &k) != 0)
		return false;
	met_underscores_to_spaces(tmp, &k);
	met_retrim(tmp, &k);
	return k == n && memcmp(tmp, s, n) == 0;
}

static void
met_one(const char *s, size_t len, met_res *r)
{
	char		w[MET_WORK];
	size_t		n;
	int			dec;

	if (!met_map_text(s, len, w, sizeof(w), &n))
	{
		met_set_invalid(r, MET_REASON_LONG);
		return;
	}
	if (n == 0 || ident_is_missing(w, n))
	{
		met_set_invalid(r, "empty, or a missing-value token (NA, N/A, -, ...)");
		return;
	}
	/*
	 * Quotes can surface once Unicode is mapped or a decoration is gone
	 * ("Glucose" [M+H]+), and decorations once quotes are gone: repeat
	 * until nothing changes.
	 */
	dec = 0;
	for (;;)
	{
		char		before[MET_WORK];
		size_t		before_n = n;

		memcpy(before, w, n);
		met_retrim(w, &n);
		dec |= met_strip_decorations(w, &n);
		met_underscores_to_spaces(w, &n);
		met_retrim(w, &n);
		if (n == before_n && memcmp(before, w, n) == 0)
			break;
	}
	if (n == 0)
	{
		met_set_invalid(r, "nothing left once adducts and annotations are removed");
		return;
	}
	if (ident_is_missing(w, n))
	{
		met_set_invalid(r, "empty, or a missing-value token (NA, N/A, -, ...)");
		return;
	}
	if (met_is_unknown(w, n))
	{
		met_set_invalid(r, "an unidentified feature (unknown ...), not a metabolite name");
		return;
	}

	if (!met_parse_id(w, n, r))
	{
		/*
		 * "HMDB:12345 Glutamine", "KEGG:C00064 Glutamine": ids in front of
		 * a name are dropped and the name is kept, as long as what remains
		 * has letters and is not itself (or a malformed) id; the same test
		 * on the result keeps the result as it is.
		 */
		bool		id_before = false;
		met_res		probe;

		for (;;)
		{
			const char *sp = memchr(w, ' ', n);
			size_t		k = sp ? (size_t) (sp - w) : n;

			if (sp == NULL || ident_all_digits(w, k) ||
				!met_has_letters(w + k + 1, n - k - 1) ||
				!met_parse_id(w, k, &probe) || probe.status != NORM_OK ||
				met_parse_id(w + k + 1, n - k - 1, &probe) ||
				!clean_text(w + k + 1, n - k - 1))
				break;
			memmove(w, w + k + 1, n - k - 1);
			n -= k + 1;
			id_before = true;
		}
		if (!met_has_letters(w, n))
		{
			met_set_invalid(r, "no letters: not a metabolite name");
			return;
		}
		met_name(w, n, r);
		if (id_before && r->status != NORM_INVALID)
			r->evidence = IDENT_STRONG;
	}
	if (r->status == NORM_INVALID)
		return;
	if (dec & DEC_ANNOTATION)
	{
		if (r->evidence < IDENT_NAME)
			r->evidence = IDENT_NAME;
	}
	if (dec & (DEC_COUNTER | DEC_UNSURE))
	{
		r->status = NORM_AMBIGUOUS;
		r->reason = (dec & DEC_COUNTER) ?
			"an isomer or peak counter (_R2, _1, (2)) was removed; several features may share this name" :
			"a low-confidence annotation (w/o MS2:, trailing ?); the name was kept without the marker";
	}
}

/*
 * A cell: trimming, checks, and the ' | ' multi-values of mzTab-M
 * (first value kept, flagged when the others differ).
 */
static void
met_cell(const char *name, size_t len, met_res *r)
{
	const char *why;
	const char *s = name;
	size_t		n = (name == NULL) ? 0 : len;
	const char *bar;

	if ((why = ident_screen(&s, &n)) != NULL)
	{
		met_set_invalid(r, why);
		return;
	}
	if (n >= MET_WORK / 2)
	{
		met_set_invalid(r, MET_REASON_LONG);
		return;
	}
	bar = memchr(s, '|', n);
	if (bar == NULL)
	{
		met_one(s, n, r);
		return;
	}
	{
		const char *p = s;
		size_t		left = n;
		bool		first = true;
		bool		differ = false;
		met_res		part;

		met_set_invalid(r, "empty, or a missing-value token (NA, N/A, -, ...)");
		while (left > 0 || first)
		{
			const char *q = memchr(p, '|', left);
			size_t		pl = q ? (size_t) (q - p) : left;
			const char *ps = p;
			size_t		pn = pl;

			ident_trim(&ps, &pn);
			if (pn > 0)
			{
				met_one(ps, pn, &part);
				if (part.status != NORM_INVALID && r->status == NORM_INVALID)
					*r = part;
				else if (part.status == NORM_INVALID || strcmp(part.buf, r->buf) != 0)
					differ = true;
			}
			first = false;
			if (q == NULL)
				break;
			left -= pl + 1;
			p = q + 1;
		}
		if (r->status != NORM_INVALID && differ)
		{
			r->status = NORM_AMBIGUOUS;
			r->reason = "several names or identifiers in one cell; the first one was kept";
		}
	}
}

norm_status
metabolite_normalize(const char *name, size_t len, char *out, size_t outsz,
					 const char **reason)
{
	met_res		r;

	met_cell(name, len, &r);
	return ident_emit(out, outsz, reason, r.buf, r.n, r.status, r.reason);
}

ident_evidence
metabolite_evidence(const char *name, size_t len)
{
	met_res		r;

	met_cell(name, len, &r);
	return r.status == NORM_INVALID ? IDENT_NONE : r.evidence;
}
