/*
 * lipid_clean.c - strip what is not part of a lipid's identity before the
 * name is parsed: surrounding whitespace and invisible characters, adducts
 * ("[M+H]+", "+NH4", "; [M-H]-"), retention times ("@5.21", "_RT 5.2"),
 * polarity ("(neg)", " POS"), isomer counters ("(a)", " isomer 2", "_1"),
 * LIPID MAPS isomer tags ("[iso6]", "[rac]") and quality prefixes
 * ("w/o MS2:").  Names of isotope-labelled standards ("(d7)", "-13C30",
 * "(+[13]C4)") are rejected rather than cleaned: a labelled internal
 * standard is not the endogenous lipid and must not be matched as one.
 *
 * Interior whitespace is not collapsed: "DG  16:0-16:1" is malformed
 * (Goslin's must-reject list), only the ends of the name are trimmed.
 *
 * Works on a copy in the caller's buffer of LP_TEXT_MAX + 1 bytes and never
 * reads past the input length.
 */
#include <string.h>

#define AMPRENTA_LIPID_INTERNAL
#include "lipid.h"

static bool
lc_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
lc_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char
lc_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
}

/*
 * Case-insensitive: does b[at..] start with the ASCII word w (k bytes,
 * lower case)?
 */
static inline bool
lc_word_at_n(const char *b, size_t n, size_t at, const char *w, size_t k)
{
	if (at + k > n)
		return false;
	for (size_t i = 0; i < k; i++)
		if (lc_lower(b[at + i]) != w[i])
			return false;
	return true;
}

/*
 * Case-insensitive: does b[0..n) end with w (k bytes)?  The last byte
 * rejects nearly every word.
 */
static inline bool
lc_ends_with_n(const char *b, size_t n, const char *w, size_t k)
{
	if (k > n)
		return false;
	return k == 0 || (lc_lower(b[n - 1]) == w[k - 1] &&
					  lc_word_at_n(b, n, n - k, w, k));
}

/* The same for a string literal, its length known at compile time. */
#define LC_LEN(lit)		(sizeof(lit) - 1)
#define lc_word_at(b, n, at, lit)	lc_word_at_n(b, n, at, lit, LC_LEN(lit))
#define lc_ends_with(b, n, lit)		lc_ends_with_n(b, n, lit, LC_LEN(lit))

/* A word of a table, with its length. */
typedef struct lc_word
{
	const char *w;
	unsigned char len;
} lc_word;

#define LC_W(lit)		{lit, LC_LEN(lit)}
#define LC_NWORDS(a)	(sizeof(a) / sizeof(a[0]))

static void
lc_trim_end(const char *b, size_t *n)
{
	while (*n > 0 && b[*n - 1] == ' ')
		(*n)--;
}

/* Trailing separators left behind once a decoration is cut off. */
static void
lc_trim_seps(const char *b, size_t *n)
{
	while (*n > 0 && (b[*n - 1] == ' ' || b[*n - 1] == ';' ||
					  b[*n - 1] == ','))
		(*n)--;
}

/*
 * Length of an unsigned decimal number (digits, optional fraction) that
 * starts at b[at], or 0.
 */
static size_t
lc_number_len(const char *b, size_t n, size_t at)
{
	size_t		i = at;

	while (i < n && lc_digit(b[i]))
		i++;
	if (i == at)
		return 0;
	if (i + 1 < n && b[i] == '.' && lc_digit(b[i + 1]))
	{
		i++;
		while (i < n && lc_digit(b[i]))
			i++;
	}
	return i - at;
}

/* "@5.21", "@ 5.21 min" at the end. */
static bool
lc_strip_at_rt(const char *b, size_t *n)
{
	size_t		at;
	size_t		i,
				k;

	for (at = *n; at > 0 && b[at - 1] != '@'; at--)
		;
	if (at == 0)
		return false;
	i = at;
	while (i < *n && b[i] == ' ')
		i++;
	k = lc_number_len(b, *n, i);
	if (k == 0)
		return false;
	i += k;
	while (i < *n && b[i] == ' ')
		i++;
	if (i + 3 <= *n && lc_word_at(b, *n, i, "min"))
		i += 3;
	if (i != *n)
		return false;
	*n = at - 1;
	return true;
}

/* "_RT 5.2", " RT=5.21", " (RT 5.2 min)", "_rt5.2" at the end. */
static bool
lc_strip_rt_word(const char *b, size_t *n)
{
	for (size_t at = *n; at-- > 1;)
	{
		size_t		i;
		size_t		k;
		char		before = b[at - 1];

		if ((b[at] != 'r' && b[at] != 'R') || !lc_word_at(b, *n, at, "rt"))
			continue;
		if (before != ' ' && before != '_' && before != '(' && before != '[')
			continue;
		i = at + 2;
		while (i < *n && (b[i] == ' ' || b[i] == ':' || b[i] == '=' ||
						  b[i] == '_'))
			i++;
		k = lc_number_len(b, *n, i);
		if (k == 0)
			continue;
		i += k;
		while (i < *n && b[i] == ' ')
			i++;
		if (i + 3 <= *n && lc_word_at(b, *n, i, "min"))
			i += 3;
		if (i < *n && (b[i] == ')' || b[i] == ']'))
			i++;
		if (i != *n)
			continue;
		*n = at - 1;
		return true;
	}
	return false;
}

/*
 * A bracketed adduct "[M+H]+", "[M-H]1-", "[M+NH4]+", "[2M+Na]+", "[M]+",
 * "[+NH4]+", or a LIPID MAPS isomer tag "[iso6]", "[rac]", "[U]" at the end.
 */
static bool
lc_strip_bracket(const char *b, size_t *n)
{
	size_t		end = *n;
	size_t		open;
	size_t		i;
	bool		adduct;

	/* charge after the bracket: "+", "1+", "2-", "+1" */
	while (end > 0 && (b[end - 1] == '+' || b[end - 1] == '-' ||
					   lc_digit(b[end - 1])))
		end--;
	if (end == 0 || b[end - 1] != ']')
		return false;
	for (open = end - 1; open > 0 && b[open - 1] != '['; open--)
		;
	if (open == 0)
		return false;
	open--;						/* index of '[' */
	i = open + 1;
	while (i < end - 1 && lc_digit(b[i]))
		i++;
	/* "[M...", "[2M...", or "[+NH4]": a ring "[6-8SScy5]" is not one */
	adduct = (i < end - 1 &&
			  (b[i] == 'M' || ((b[i] == '+' || b[i] == '-') && i == open + 1)));
	if (adduct)
	{
		for (size_t j = open + 1; j < end - 1; j++)
			if (!lc_alpha(b[j]) && !lc_digit(b[j]) && b[j] != '+' &&
				b[j] != '-')
				return false;
	}
	else
	{
		/* isomer tags carry no charge */
		static const lc_word tags[] = {LC_W("[rac]"), LC_W("[u]"),
		LC_W("[r]"), LC_W("[s]"), LC_W("[iso]")};
		bool		tag = false;

		if (end != *n)
			return false;
		for (size_t t = 0; t < LC_NWORDS(tags); t++)
			if (end - open == tags[t].len &&
				lc_word_at_n(b, *n, open, tags[t].w, tags[t].len))
				tag = true;
		if (!tag && lc_word_at(b, *n, open, "[iso"))
		{
			tag = true;
			for (size_t j = open + 4; j < end - 1; j++)
				if (!lc_digit(b[j]))
					tag = false;
		}
		if (!tag || open == 0)
			return false;
	}
	*n = open;
	return true;
}

/*
 * Adducts written without brackets at the end: "+H", "+NH4", "-H",
 * "+HCOO", "-H2O+H".  Only known adduct formulas are cut, so that
 * "PC 21:0+22:6" stays malformed instead of losing a chain.
 */
static bool
lc_strip_plain_adduct(const char *b, size_t *n)
{
	static const lc_word tokens[] = {
		LC_W("H"), LC_W("2H"), LC_W("3H"), LC_W("NH4"), LC_W("Na"),
		LC_W("2Na"), LC_W("K"), LC_W("Li"), LC_W("HCOO"), LC_W("CH3COO"),
		LC_W("OAc"), LC_W("Ac"), LC_W("Cl"), LC_W("Br"), LC_W("H2O"),
		LC_W("2H2O"), LC_W("NH3"), LC_W("CH3OH"), LC_W("ACN")
	};
	size_t		end = *n;
	bool		any = false;

	for (;;)
	{
		bool		found = false;

		for (size_t t = 0; t < LC_NWORDS(tokens); t++)
		{
			size_t		k = tokens[t].len;

			/* the last byte rejects nearly every token */
			if (end >= k + 2 && b[end - 1] == tokens[t].w[k - 1] &&
				(b[end - k - 1] == '+' || b[end - k - 1] == '-') &&
				memcmp(b + end - k, tokens[t].w, k) == 0)
			{
				end -= k + 1;
				found = any = true;
				break;
			}
		}
		if (!found)
			break;
	}
	if (!any || end == 0)
		return false;
	*n = end;
	return true;
}

/* "(neg)", "(POS)", " NEG", "_pos", " positive", " (+)", " (-)". */
static bool
lc_strip_polarity(const char *b, size_t *n)
{
	static const lc_word paren[] = {LC_W("(pos)"), LC_W("(neg)"),
	LC_W("(positive)"), LC_W("(negative)")};
	static const lc_word words[] = {LC_W("pos"), LC_W("neg"),
	LC_W("positive"), LC_W("negative")};

	for (size_t i = 0; i < LC_NWORDS(paren); i++)
		if (lc_ends_with_n(b, *n, paren[i].w, paren[i].len) &&
			*n > paren[i].len)
		{
			*n -= paren[i].len;
			return true;
		}
	for (size_t i = 0; i < LC_NWORDS(words); i++)
	{
		size_t		k = words[i].len;

		if (lc_ends_with_n(b, *n, words[i].w, k) && *n > k + 1 &&
			(b[*n - k - 1] == ' ' || b[*n - k - 1] == '_'))
		{
			*n -= k + 1;
			return true;
		}
	}
	if (*n > 4 && (lc_ends_with(b, *n, " (+)") || lc_ends_with(b, *n, " (-)")))
	{
		*n -= 4;
		return true;
	}
	return false;
}

/*
 * Isomer counters: " isomer 2", "_isomer B", "(a)", " (2)", "_1", "_R2".
 * A parenthesised number directly after a chain is a double-bond position
 * ("18:1(9)"), so only " (2)" with a space is taken as a counter; "_1"
 * needs a single digit so that a truncated chain ("16:0_18") is not
 * silently dropped.
 */
static bool
lc_strip_isomer(const char *b, size_t *n, bool words)
{
	size_t		i;

	/* " isomer X" / "_isomer X" (words: the name has an 'i' at all) */
	for (size_t at = words ? *n : 0; at-- > 1;)
	{
		if ((b[at] != 'i' && b[at] != 'I') || !lc_word_at(b, *n, at, "isomer"))
			continue;
		if (b[at - 1] != ' ' && b[at - 1] != '_')
			continue;
		i = at + 6;
		while (i < *n && (b[i] == ' ' || b[i] == '_'))
			i++;
		while (i < *n && (lc_alpha(b[i]) || lc_digit(b[i])))
			i++;
		if (i == *n)
		{
			*n = at - 1;
			return true;
		}
	}
	/* "(a)" */
	if (*n > 3 && b[*n - 1] == ')' && b[*n - 3] == '(' &&
		b[*n - 2] >= 'a' && b[*n - 2] <= 'z')
	{
		*n -= 3;
		return true;
	}
	/* " (2)" */
	if (*n > 3 && b[*n - 1] == ')')
	{
		i = *n - 1;
		while (i > 0 && lc_digit(b[i - 1]))
			i--;
		if (i < *n - 1 && i >= 2 && b[i - 1] == '(' && b[i - 2] == ' ')
		{
			*n = i - 2;
			return true;
		}
	}
	/* "_1", "_R2" */
	if (*n > 2 && lc_digit(b[*n - 1]))
	{
		i = *n - 1;
		if (i >= 2 && b[i - 1] == '_' && b[i] != '0')
		{
			*n = i - 1;
			return true;
		}
		if (i >= 3 && b[i - 1] == 'R' && b[i - 2] == '_')
		{
			*n = i - 2;
			return true;
		}
	}
	return false;
}

/* Heavy-isotope labels anywhere in the name. */
static bool
lc_has_label(const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		size_t		j;

		switch (b[i])
		{
			case '(':
				/* Goslin "(+[13]C4)" */
				if (i + 2 < n && b[i + 1] == '+' && b[i + 2] == '[')
					return true;
				/* "(d7)" after a chain; not "(d18:1" */
				if (i + 2 < n && (b[i + 1] == 'd' || b[i + 1] == 'D') &&
					lc_digit(b[i + 2]))
				{
					j = i + 2;
					while (j < n && lc_digit(b[j]))
						j++;
					if (j < n && b[j] == ')')
						return true;
				}
				break;
			case '-':
				/* "-d7" at the end or before a separator */
				if (i + 2 < n && b[i + 1] == 'd' && lc_digit(b[i + 2]))
				{
					j = i + 2;
					while (j < n && lc_digit(b[j]))
						j++;
					if (j == n || b[j] == ' ' || b[j] == ')' || b[j] == '/' ||
						b[j] == '_')
						return true;
				}
				break;
			case '1':
				/* "13C", "[13C]", "-13C30", "(13C16)" */
				if (i + 2 < n && b[i + 1] == '3' && b[i + 2] == 'C' &&
					(i == 0 || b[i - 1] == '[' || b[i - 1] == '(' ||
					 b[i - 1] == '-' || b[i - 1] == ' ' || b[i - 1] == '+'))
					return true;
				break;
			case 's':
			case 'S':
				if (lc_word_at(b, n, i, "splash"))
					return true;
				break;
			default:
				break;
		}
	}
	return false;
}

/*
 * Bytes whose absence lets lp_clean() skip a whole scan: no '@', no
 * "@5.2"; no 'r', no "_RT 5.2"; no 'i', no " isomer 2"; no '+' or '-', no
 * plain adduct "+NH4".  Every label lc_has_label() finds starts with
 * "(+", "(d", "(D", "-d", "13C" or an 's': LC_SEEN_LABEL is set on such a
 * run of adjacent bytes (LC_LAST marks the bytes that may end one) or on
 * an 's'.  Cutting the name only removes
 * bytes at its ends, so what was not seen in the copy is not in the cut
 * name either.
 */
#define LC_SEEN_AT		0x01
#define LC_SEEN_R		0x02
#define LC_SEEN_I		0x04
#define LC_SEEN_LABEL	0x08
#define LC_SEEN_SIGN	0x10
#define LC_LAST			0x20

static const unsigned char lc_seen[256] = {
	['@'] = LC_SEEN_AT,
	['r'] = LC_SEEN_R, ['R'] = LC_SEEN_R,
	['i'] = LC_SEEN_I, ['I'] = LC_SEEN_I,
	['s'] = LC_SEEN_LABEL, ['S'] = LC_SEEN_LABEL,
	['+'] = LC_SEEN_SIGN | LC_LAST, ['-'] = LC_SEEN_SIGN,
	['C'] = LC_LAST, ['d'] = LC_LAST, ['D'] = LC_LAST,
};

/* The LC_SEEN_* bits of byte c, copied after bytes p2 and p1. */
static inline unsigned char
lc_seen_after(unsigned char p2, unsigned char p1, unsigned char c)
{
	unsigned char f = lc_seen[c];

	if ((f & LC_LAST) &&
		((p1 == '(' && c != 'C') || (p1 == '-' && c == 'd') ||
		 (c == 'C' && p1 == '3' && p2 == '1')))
		f |= LC_SEEN_LABEL;
	return f;
}

/*
 * Copy name[0..len) into buf (LP_TEXT_MAX + 1 bytes), mapping whitespace
 * and typographic characters to ASCII and removing decorations.  Returns
 * NORM_OK with *outlen set (buf is NUL-terminated), or NORM_INVALID.
 */
norm_status
lp_clean(const char *name, size_t len, char *buf, size_t *outlen,
		 const char **reason)
{
	size_t		n = 0;
	size_t		i = 0;
	size_t		start;
	bool		changed;
	unsigned char seen = 0;		/* LC_SEEN_* of every byte copied */
	unsigned char prev = 0;		/* last byte copied */
	unsigned char prev2 = 0;	/* the one before */

	while (i < len)
	{
		unsigned char c = (unsigned char) name[i];
		unsigned char c1;
		unsigned char c2;
		char		emit = 0;
		size_t		step = 1;

		/* printable ASCII, nearly every byte: copied as is */
		if (c >= 0x20 && c < 0x7f)
		{
			if (n >= LP_TEXT_MAX)
			{
				*reason = "lipid name is too long";
				return NORM_INVALID;
			}
			buf[n++] = (char) c;
			seen |= lc_seen_after(prev2, prev, c);
			prev2 = prev;
			prev = c;
			i++;
			continue;
		}
		c1 = (i + 1 < len) ? (unsigned char) name[i + 1] : 0;
		c2 = (i + 2 < len) ? (unsigned char) name[i + 2] : 0;
		if (c == 0)
		{
			*reason = "lipid name contains a NUL byte";
			return NORM_INVALID;
		}
		if (c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f')
			emit = ' ';
		else if (c < 0x20 || c == 0x7f)
		{
			*reason = "lipid name contains a control character";
			return NORM_INVALID;
		}
		else if (c < 0x80)
			emit = (char) c;
		else if (c == 0xc2 && c1 == 0xa0)
		{
			emit = ' ';			/* no-break space */
			step = 2;
		}
		else if (c == 0xef && c1 == 0xbb && c2 == 0xbf)
			step = 3;			/* byte-order mark */
		else if (c == 0xe2 && c1 == 0x80 &&
				 (c2 == 0x8b || c2 == 0x8c || c2 == 0x8d))
			step = 3;			/* zero-width characters */
		else if (c == 0xe2 && c1 == 0x80 && c2 == 0xaf)
		{
			emit = ' ';			/* narrow no-break space */
			step = 3;
		}
		else if (c == 0xe2 && c1 == 0x80 &&
				 (c2 == 0xb2 || c2 == 0x98 || c2 == 0x99))
		{
			emit = '\'';		/* prime and typographic quotes: PIP(3′) */
			step = 3;
		}
		else if ((c == 0xe2 && c1 == 0x80 && c2 >= 0x90 && c2 <= 0x93) ||
				 (c == 0xe2 && c1 == 0x88 && c2 == 0x92))
		{
			emit = '-';			/* hyphens, dashes, minus sign */
			step = 3;
		}
		else
		{
			*reason = "lipid name contains a non-ASCII character";
			return NORM_INVALID;
		}
		if (emit)
		{
			if (n >= LP_TEXT_MAX)
			{
				*reason = "lipid name is too long";
				return NORM_INVALID;
			}
			buf[n++] = emit;
			seen |= lc_seen_after(prev2, prev, (unsigned char) emit);
			prev2 = prev;
			prev = (unsigned char) emit;
		}
		i += step;
	}

	/* trim both ends */
	start = 0;
	while (start < n && buf[start] == ' ')
		start++;
	if (start > 0)
	{
		memmove(buf, buf + start, n - start);
		n -= start;
	}
	lc_trim_end(buf, &n);

	/* MS-DIAL's "w/o MS2:" quality prefix */
	if (lc_word_at(buf, n, 0, "w/o ms2:"))
	{
		start = 8;
		while (start < n && buf[start] == ' ')
			start++;
		memmove(buf, buf + start, n - start);
		n -= start;
	}

	/* decorations at the end, in any order and combination */
	do
	{
		changed = false;
		if (((seen & LC_SEEN_AT) && lc_strip_at_rt(buf, &n)) ||
			((seen & LC_SEEN_R) && lc_strip_rt_word(buf, &n)) ||
			lc_strip_bracket(buf, &n) ||
			((seen & LC_SEEN_SIGN) && lc_strip_plain_adduct(buf, &n)) ||
			lc_strip_polarity(buf, &n) ||
			lc_strip_isomer(buf, &n, (seen & LC_SEEN_I) != 0))
		{
			changed = true;
			lc_trim_seps(buf, &n);
		}
	} while (changed && n > 0);

	if (n == 0)
	{
		*reason = "empty lipid name";
		return NORM_INVALID;
	}
	if ((seen & LC_SEEN_LABEL) && lc_has_label(buf, n))
	{
		*reason = "name of an isotope-labelled standard, not of an endogenous lipid";
		return NORM_INVALID;
	}
	buf[n] = '\0';
	*outlen = n;
	return NORM_OK;
}
