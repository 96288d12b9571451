/*
 * metabolite_text.c - the text layer of the metabolite normalizer: Unicode
 * spellings mapped to ASCII, white space and quotes, and the decorations
 * tools add to names (adducts, charges, retention times, polarity,
 * quality prefixes, isomer counters).  See metabolite.c.
 */
#include "metabolite_int.h"

static const char *const greek[25] = {
	"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
	"iota", "kappa", "lambda", "mu", "nu", "xi", "omicron", "pi", "rho",
	"sigma", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega",
};

/* Is s[0..n) the name of a Greek letter (any case)? */
bool
met_is_greek(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < sizeof(greek) / sizeof(greek[0]); i++)
		if (ident_ci_eq(s, n, greek[i]))
			return true;
	return false;
}

/*
 * Copy s into w with the Unicode spellings of omics.md §6 item 2 mapped to
 * ASCII, tabs and odd spaces turned into spaces, runs of spaces collapsed
 * and the ends trimmed.  Other non-ASCII characters are copied unchanged.
 */
bool
met_map_text(const char *s, size_t len, char *w, size_t cap, size_t *wn)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;
	size_t		n = 0;

	while (i < len)
	{
		unsigned int cp;
		size_t		k;
		const char *rep = NULL;
		char		one[2] = {0, 0};

		if (p[i] < 0x80)
		{
			one[0] = (p[i] == '\t' || p[i] == '\r' || p[i] == '\n') ? ' ' : (char) p[i];
			if (!met_put(w, &n, cap, one, 1))
				return false;
			i++;
			continue;
		}
		/* the input is valid UTF-8 (checked by the caller) */
		if (p[i] < 0xE0)
		{
			k = 2;
			cp = p[i] & 0x1F;
		}
		else if (p[i] < 0xF0)
		{
			k = 3;
			cp = p[i] & 0x0F;
		}
		else
		{
			k = 4;
			cp = p[i] & 0x07;
		}
		{
			size_t		j;

			for (j = 1; j < k; j++)
				cp = (cp << 6) | (p[i + j] & 0x3F);
		}

		if (cp == 0x00A0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
			cp == 0x205F || cp == 0x3000)
			rep = " ";
		else if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
			rep = "";
		else if (cp == 0x2018 || cp == 0x2019 || cp == 0x201B || cp == 0x2032 ||
				 cp == 0x2035 || cp == 0x00B4 || cp == 0x02B9 || cp == 0x02BC)
			rep = "'";
		else if (cp == 0x2033)
			rep = "''";
		else if (cp == 0x201C || cp == 0x201D)
			rep = "\"";
		else if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE63)
			rep = "-";
		else if (cp == 0x00B1)
			rep = "+/-";
		else if (cp == 0x00DF)	/* German sharp s, typed for beta */
			rep = "beta";
		else if (cp == 0x00B5)	/* micro sign */
			rep = "mu";
		else if (cp >= 0x03B1 && cp <= 0x03C9)
			rep = greek[cp - 0x03B1];
		else if (cp >= 0x0391 && cp <= 0x03A9 && cp != 0x03A2)
			rep = greek[cp - 0x0391];
		else if (cp == 0x207A)
			rep = "+";
		else if (cp == 0x207B)
			rep = "-";
		else if (cp == 0x00B9)
			rep = "1";
		else if (cp == 0x00B2)
			rep = "2";
		else if (cp == 0x00B3)
			rep = "3";
		else if (cp == 0x2070 || (cp >= 0x2074 && cp <= 0x2079) ||
				 (cp >= 0x2080 && cp <= 0x2089))
		{
			one[0] = (char) ('0' + (cp == 0x2070 ? 0 : cp >= 0x2080 ? cp - 0x2080 : cp - 0x2070));
			rep = one;
		}
		else if (cp >= 0xFF01 && cp <= 0xFF5E)	/* full-width ASCII */
		{
			one[0] = (char) (cp - 0xFEE0);
			rep = one;
		}

		if (rep != NULL)
		{
			if (!met_put(w, &n, cap, rep, strlen(rep)))
				return false;
		}
		else if (!met_put(w, &n, cap, s + i, k))
			return false;
		i += k;
	}

	/* collapse spaces and trim */
	{
		size_t		j = 0;

		for (i = 0; i < n; i++)
		{
			if (w[i] == ' ' && (j == 0 || w[j - 1] == ' '))
				continue;
			w[j++] = w[i];
		}
		while (j > 0 && w[j - 1] == ' ')
			j--;
		*wn = j;
	}
	return true;
}

/* ---- decorations ---- */

/* Remove trailing spaces, ';' and ',' from w[0..*n). */
static void
trim_tail(const char *w, size_t *n)
{
	while (*n > 0 && (w[*n - 1] == ' ' || w[*n - 1] == ';' || w[*n - 1] == ','))
		(*n)--;
}

/* Does w[a..b) look like the inside of an adduct: [M+H], [2M-H], [+NH4]? */
static bool
adduct_body(const char *w, size_t a, size_t b)
{
	size_t		i = a;
	size_t		k;

	if (i >= b)
		return false;
	i += ident_span_digits(w + i, b - i);
	if (i < b && w[i] == 'M')
	{
		i++;
		if (i == b)
			return true;		/* [M]+ */
	}
	else if (i != a)
		return false;
	if (w[i] != '+' && w[i] != '-')
		return false;
	for (k = i; k < b; k++)
		if (!ident_is_alnum((unsigned char) w[k]) && w[k] != '+' && w[k] != '-')
			return false;
	return true;
}

/* A bare adduct word: M+H, M-H, 2M+Na, M+NH4+, +H, -H2O. */
static bool
adduct_word(const char *w, size_t a, size_t b)
{
	static const char *const ions[] = {
		"+H", "-H", "+Na", "+K", "+NH4", "+Li", "+Cl", "-H2O", "+2H", "+HCOO", "+Ac",
	};
	size_t		i;

	if (b > a && w[b - 1] == '+')	/* trailing charge sign of "M+H+" */
		b--;
	if (adduct_body(w, a, b) && ident_span_digits(w + a, b - a) + a < b &&
		w[a + ident_span_digits(w + a, b - a)] == 'M')
		return true;
	for (i = 0; i < sizeof(ions) / sizeof(ions[0]); i++)
		if (ident_ci_eq(w + a, b - a, ions[i]))	/* any case: display case may change it */
			return true;
	return false;
}

static const char *const quality_prefixes[] = {
	"w/o MS2:", "no MS2:", "low score:", "unsettled:", "putative:", "tentative:",
};

/*
 * Strip, from the ends of w[0..*n), what tools append or prepend to a
 * name without changing the compound.  Returns DEC_* bits.
 */
int
met_strip_decorations(char *w, size_t *n)
{
	int			found = 0;
	bool		changed = true;
	size_t		i;

	while (changed && *n > 0)
	{
		size_t		m;

		changed = false;
		trim_tail(w, n);
		m = *n;

		/* quality prefixes of MS-DIAL and others */
		for (i = 0; i < sizeof(quality_prefixes) / sizeof(quality_prefixes[0]); i++)
		{
			size_t		pl = strlen(quality_prefixes[i]);

			if (m > pl && ident_ci_prefix(w, m, quality_prefixes[i]))
			{
				size_t		k = pl;

				while (k < m && w[k] == ' ')
					k++;
				memmove(w, w + k, m - k);
				*n = m - k;
				found |= DEC_UNSURE;
				changed = true;
				break;
			}
		}
		if (changed)
			continue;

		/* retention time: "@7.48", "@ 7.48 min" */
		{
			const char *at = memchr(w, '@', m);

			if (at != NULL && at > w)
			{
				size_t		k = (size_t) (at - w) + 1;

				while (k < m && w[k] == ' ')
					k++;
				if (k < m && (ident_is_digit((unsigned char) w[k]) || w[k] == '.'))
				{
					while (k < m && (ident_is_digit((unsigned char) w[k]) || w[k] == '.'))
						k++;
					while (k < m && w[k] == ' ')
						k++;
					if (k == m || ident_ci_eq(w + k, m - k, "min"))
					{
						*n = (size_t) (at - w);
						found |= DEC_ANNOTATION;
						changed = true;
						continue;
					}
				}
			}
		}

		/* uncertain annotation: "mhppa sulphate?" */
		if (m > 1 && w[m - 1] == '?')
		{
			*n = m - 1;
			found |= DEC_UNSURE;
			changed = true;
			continue;
		}

		/* bracketed adduct with optional charge: [M+H]+, [M-H]1-, [M]+, [+NH4]+ */
		{
			size_t		k = m;

			while (k > 0 && (w[k - 1] == '+' || w[k - 1] == '-' ||
							 ident_is_digit((unsigned char) w[k - 1])) && m - k < 4)
				k--;
			if (k > 0 && (w[k - 1] == ']' || w[k - 1] == ')'))
			{
				char		open = w[k - 1] == ']' ? '[' : '(';
				size_t		o = k - 1;

				while (o > 0 && w[o - 1] != open)
					o--;
				if (o >= 1 && adduct_body(w, o, k - 1) &&
					(open == '[' || w[o] == 'M' || ident_is_digit((unsigned char) w[o])))
				{
					*n = o - 1;
					found |= DEC_ANNOTATION;
					changed = true;
					continue;
				}
			}
		}

		/* polarity and ion mode */
		{
			static const char *const pol[] = {
				"(pos)", "(neg)", "(+)", "(-)", "(ESI+)", "(ESI-)",
			};
			static const char *const polword[] = {
				"pos", "neg", "positive", "negative", "ESI+", "ESI-",
			};

			for (i = 0; i < sizeof(pol) / sizeof(pol[0]); i++)
			{
				size_t		pl = strlen(pol[i]);

				if (m > pl && ident_ci_suffix(w, m, pol[i]))
				{
					*n = m - pl;
					found |= DEC_ANNOTATION;
					changed = true;
					break;
				}
			}
			if (changed)
				continue;
			for (i = 0; i < sizeof(polword) / sizeof(polword[0]); i++)
			{
				size_t		pl = strlen(polword[i]);

				if (m > pl + 1 && ident_ci_suffix(w, m, polword[i]) &&
					(w[m - pl - 1] == ' ' || w[m - pl - 1] == '_'))
				{
					*n = m - pl - 1;
					found |= DEC_ANNOTATION;
					changed = true;
					break;
				}
			}
			if (changed)
				continue;
		}

		/* a bare adduct as the last word: "Glucose M+Na", "X; M-H" */
		{
			size_t		k = m;

			while (k > 0 && w[k - 1] != ' ' && w[k - 1] != ';' && w[k - 1] != ',')
				k--;
			if (k > 0 && adduct_word(w, k, m))
			{
				*n = k;
				found |= DEC_ANNOTATION;
				changed = true;
				continue;
			}
		}

		/* isomer and peak counters: _R2, _1, " (2)", " isomer 2" */
		{
			size_t		d = 0;

			while (d < m && d < 3 && ident_is_digit((unsigned char) w[m - 1 - d]))
				d++;
			if (d >= 1 && d <= 2 && m > d + 2)
			{
				size_t		k = m - d;

				if (w[k - 1] == 'R' && w[k - 2] == '_' && m > d + 3)
				{
					*n = k - 2;
					found |= DEC_COUNTER;
					changed = true;
					continue;
				}
				if (w[k - 1] == '_' && w[m - d] != '0' &&
					(ident_is_alpha((unsigned char) w[k - 2]) || w[k - 2] == ')'))
				{
					*n = k - 1;
					found |= DEC_COUNTER;
					changed = true;
					continue;
				}
			}
			if (m > 4 && w[m - 1] == ')' && d == 0)
			{
				size_t		dd = 0;

				while (dd < m - 1 && dd < 3 && ident_is_digit((unsigned char) w[m - 2 - dd]))
					dd++;
				if (dd >= 1 && dd <= 2 && m > dd + 3 && w[m - 2 - dd] == '(' &&
					w[m - 3 - dd] == ' ')
				{
					*n = m - 3 - dd;
					found |= DEC_COUNTER;
					changed = true;
					continue;
				}
			}
			if (d >= 1 && d <= 2)
			{
				/* " isomer 2", " isomer2", "_isomer2" */
				size_t		k = m - d;

				if (k > 0 && w[k - 1] == ' ')
					k--;
				if (k > 7 && (w[k - 7] == ' ' || w[k - 7] == '_') &&
					ident_ci_prefix(w + k - 6, 6, "isomer"))
				{
					*n = k - 7;
					found |= DEC_COUNTER;
					changed = true;
					continue;
				}
			}
		}
	}
	trim_tail(w, n);
	return found;
}

/*
 * Underscores written for spaces ("L_Glutamic_acid", "Corticosterone_
 * DOC") become spaces; those between digits (TG 16:0_18:1) stay.
 */
void
met_underscores_to_spaces(char *w, size_t *n)
{
	size_t		i = 0;
	size_t		j = 0;

	while (i < *n)
	{
		char		c = w[i];

		if (c == '_')
		{
			/* a run of underscores is one separator: decide on its neighbours */
			size_t		e = i;
			char		before = i > 0 ? w[i - 1] : ' ';
			char		after;

			while (e < *n && w[e] == '_')
				e++;
			after = e < *n ? w[e] : ' ';
			if (ident_is_alpha((unsigned char) before) || before == ' ' ||
				ident_is_alpha((unsigned char) after) || after == ' ')
			{
				if (j > 0 && w[j - 1] != ' ')
					w[j++] = ' ';
			}
			else
			{
				memmove(w + j, w + i, e - i);
				j += e - i;
			}
			i = e;
			continue;
		}
		if (c == ' ' && (j == 0 || w[j - 1] == ' '))
		{
			i++;
			continue;
		}
		w[j++] = c;
		i++;
	}
	while (j > 0 && w[j - 1] == ' ')
		j--;
	*n = j;
}

/* ident_trim() on the working buffer, keeping it at the start. */
void
met_retrim(char *w, size_t *n)
{
	const char *p = w;
	size_t		k = *n;

	ident_trim(&p, &k);
	memmove(w, p, k);
	*n = k;
}

/* "unknown", "Unknown_d_5.11", "unidentified 12": not a metabolite. */
bool
met_is_unknown(const char *w, size_t n)
{
	static const char *const words[] = {
		"unknown", "unk", "unidentified", "unassigned", "unannotated",
		"not identified", "no match", "nomatch",
	};
	size_t		i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
	{
		size_t		l = strlen(words[i]);

		if (ident_ci_prefix(w, n, words[i]) &&
			(l == n || !ident_is_alpha((unsigned char) w[l])))
			return true;
	}
	return false;
}

