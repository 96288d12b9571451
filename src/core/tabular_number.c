/*
 * tabular_number.c - locale-independent parsing of numeric cells.
 *
 * Accepted (after trimming spaces, tabs, CR/LF and U+00A0 on both sides):
 *
 *	[sign] mantissa [exponent]
 *	sign      '+', '-' or U+2212 (typographic minus, from copy-paste)
 *	mantissa  digits with at most one decimal mark, optionally grouped in
 *	          thousands: "1234.5", ".5", "5.", "1,234.5", "1 234,5"
 *	exponent  'e' or 'E', optional sign, digits: "5.61E-147"
 *	Inf, Infinity (any case, with sign): infinities, TAB_NUM_OK
 *
 * The decimal mark is '.' by default and ',' when decimal_comma is set.
 * Thousands grouping (the other mark, or a space, U+00A0, U+202F) is
 * accepted only when it cannot be misread: groups of exactly three digits
 * after a first group of one to three, and either a decimal mark after
 * the groups ("1,234.5") or at least two group marks ("1,234,567"), or
 * space grouping.  "1,234" alone is TAB_NUM_INVALID in point mode (1.234
 * or 1234?), as is "1.234" in comma mode.  In comma mode a lone '.' that
 * cannot be a thousands mark ("0.75", "1234.5") is read as a decimal
 * point, because European files often carry such cells; in point mode
 * "0,75" is invalid (decimal comma only when asked).
 *
 * Missing (TAB_NUM_MISSING, any case): empty, NA, N/A, #N/A, NaN, null,
 * None, -, ., ND, n.d., n/d, n.a., the Excel errors #DIV/0! #VALUE! #NUM!
 * #REF! #NAME? #NULL!, and "<LOD" / "<LOQ" (optional space).
 *
 * Out of range ("1e999") is TAB_NUM_INVALID; underflow gives 0 or a
 * subnormal (p-values written as 1e-400 are zero for our purposes).
 * Everything else, including "12%", hex and "< 0.5", is TAB_NUM_INVALID.
 *
 * Conversion is exact (correctly rounded): a fast path for up to 19
 * significant digits and small exponents, where one IEEE multiplication
 * or division is exact, and strtod_l() with the "C" locale otherwise (on
 * glibc newlocale("C") returns a static object, so this allocates
 * nothing).  strtod() alone would follow LC_NUMERIC.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE				/* strtod_l, newlocale */
#endif

#include "tabular_int.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NUMBER_TEXT 800		/* longer cells are not numbers */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ASCII case-insensitive equality of s[0..n) and lit[0..n). */
static bool
ieq_n(const char *s, const char *lit, size_t n)
{
	for (size_t i = 0; i < n; i++)
	{
		char		a = s[i],
					b = lit[i];

		if (a >= 'A' && a <= 'Z')
			a += 'a' - 'A';
		if (b >= 'A' && b <= 'Z')
			b += 'a' - 'A';
		if (a != b)
			return false;
	}
	return true;
}

static bool
ieq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && ieq_n(s, lit, n);
}

typedef struct token
{
	const char *text;
	size_t		len;
} token;

#define TOKEN(s) {s, sizeof(s) - 1}

static const token missing_tokens[] = {
	TOKEN("NA"), TOKEN("N/A"), TOKEN("#N/A"), TOKEN("NaN"), TOKEN("-NaN"),
	TOKEN("+NaN"), TOKEN("null"), TOKEN("None"), TOKEN("-"), TOKEN("."),
	TOKEN("ND"), TOKEN("n.d."), TOKEN("n/d"), TOKEN("n.a."), TOKEN("#DIV/0!"),
	TOKEN("#VALUE!"), TOKEN("#NUM!"), TOKEN("#REF!"), TOKEN("#NAME?"),
	TOKEN("#NULL!"), TOKEN("<LOD"), TOKEN("< LOD"), TOKEN("<LOQ"),
	TOKEN("< LOQ"), {NULL, 0}
};

/* A missing-value token?  None starts with a digit: numbers skip the scan. */
static bool
is_missing(const char *s, size_t n)
{
	if (n == 0)
		return true;
	if (s[0] >= '0' && s[0] <= '9')
		return false;
	for (int k = 0; missing_tokens[k].text != NULL; k++)
		if (missing_tokens[k].len == n && ieq_n(s, missing_tokens[k].text, n))
			return true;
	return false;
}

/* Length of a blank (space, tab, CR, LF, U+00A0) at s, or 0. */
static size_t
blank_len(const unsigned char *s, size_t n)
{
	if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n'))
		return 1;
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
		return 2;
	return 0;
}

static void
trim_number(const char **sp, size_t *np)
{
	const unsigned char *s = (const unsigned char *) *sp;
	size_t		n = *np;
	size_t		k;

	while (n > 0 && (k = blank_len(s, n)) > 0)
	{
		s += k;
		n -= k;
	}
	for (;;)
	{
		if (n >= 1 && blank_len(s + n - 1, 1) == 1)
			n--;
		else if (n >= 2 && blank_len(s + n - 2, 2) == 2)
			n -= 2;
		else
			break;
	}
	*sp = (const char *) s;
	*np = n;
}

/* Length of a separator at s ('.', ',', space, U+00A0, U+202F) and its kind. */
static size_t
sep_at(const unsigned char *s, size_t n, char *kind)
{
	if (n >= 1 && (s[0] == '.' || s[0] == ','))
	{
		*kind = (char) s[0];
		return 1;
	}
	if (n >= 1 && s[0] == ' ')
	{
		*kind = ' ';
		return 1;
	}
	if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
	{
		*kind = ' ';
		return 2;
	}
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] == 0xAF)
	{
		*kind = ' ';
		return 3;
	}
	return 0;
}

/* Result of scanning a mantissa: where its separators are. */
typedef struct mscan
{
	int			nsep;			/* separators */
	char		first_sep;		/* kind of the first one */
	char		last_sep;		/* kind of the last one */
	bool		same_seps;		/* all but the last have the kind of the first */
	bool		inner3;			/* every group between two separators has 3 digits */
	size_t		g0;				/* digits before the first separator */
	bool		g0_zero;		/* that first group is "0" */
	size_t		tail;			/* digits after the last separator */
	size_t		ndigits;
	bool		all_same;		/* all separators of one kind */
} mscan;

/*
 * Scan the mantissa s[0..n) made of digits and separators.  Returns the
 * number of bytes consumed (stops at the first other byte).
 */
static size_t
scan_mantissa(const unsigned char *s, size_t n, mscan *m)
{
	size_t		i = 0;
	size_t		group = 0;

	memset(m, 0, sizeof(*m));
	m->same_seps = true;
	m->all_same = true;
	m->inner3 = true;
	while (i < n)
	{
		char		kind;
		size_t		k;

		if (is_digit((char) s[i]))
		{
			group++;
			m->ndigits++;
			i++;
			continue;
		}
		k = sep_at(s + i, n - i, &kind);
		if (k == 0)
			break;
		/* a separator must follow a digit (".5" is the one exception) */
		if (group == 0 && !(m->nsep == 0 && kind != ' '))
			return 0;
		if (m->nsep == 0)
		{
			m->g0 = group;
			m->g0_zero = group == 1 && s[i - 1] == '0';
			m->first_sep = kind;
		}
		else
		{
			if (group != 3)
				m->inner3 = false;
			if (kind != m->first_sep)
				m->all_same = false;
			if (m->last_sep != m->first_sep)
				m->same_seps = false;
		}
		m->last_sep = kind;
		m->nsep++;
		group = 0;
		i += k;
	}
	m->tail = group;
	if (m->nsep == 0)
		m->g0 = group;
	return i;
}

/*
 * Decide which separator (if any) is the decimal mark.  Returns 1 when the
 * last separator is the decimal mark, 0 when there is none, -1 when the
 * separators do not form an acceptable number.
 */
static int
decide_decimal(const mscan *m, bool decimal_comma)
{
	char		dmark = decimal_comma ? ',' : '.';
	bool		grouped_ok;

	if (m->nsep == 0)
		return 0;
	/* a space is never a decimal mark; a trailing one is not allowed */
	if (m->last_sep == dmark ||
		(decimal_comma && m->last_sep == '.' && m->nsep == 1 &&
		 !(m->g0 >= 1 && m->g0 <= 3 && !m->g0_zero && m->tail == 3)))
	{
		if (m->nsep == 1)
			return (m->g0 + m->tail > 0) ? 1 : -1;
		/* the marks before the decimal one group thousands */
		grouped_ok = m->same_seps && m->first_sep != m->last_sep &&
			m->g0 >= 1 && m->g0 <= 3 && m->inner3;
		return grouped_ok ? 1 : -1;
	}
	/* no decimal mark: every separator groups thousands */
	if (m->last_sep == '.' || m->last_sep == ',')
	{
		if (m->last_sep == dmark)
			return -1;
	}
	grouped_ok = m->all_same && m->g0 >= 1 && m->g0 <= 3 && m->inner3 &&
		m->tail == 3;
	if (!grouped_ok)
		return -1;
	/* one "1,234" is ambiguous; "1,234,567" and "1 234" are not */
	if (m->first_sep != ' ' && m->nsep == 1)
		return -1;
	return 0;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

int
tab_parse_double(const char *str, size_t len, int decimal_comma, double *out)
{
	const unsigned char *s;
	size_t		n,
				i = 0,
				used;
	bool		neg = false;
	mscan		m;
	int			dec;
	long		exp10 = 0;
	char		buf[MAX_NUMBER_TEXT + 32];
	size_t		b = 0;
	uint64_t	mant = 0;
	int			sig = 0;
	long		frac_digits = 0;
	bool		exact = true;

	*out = NAN;
	trim_number(&str, &len);
	if (is_missing(str, len))
		return TAB_NUM_MISSING;
	if (len > MAX_NUMBER_TEXT)
		return TAB_NUM_INVALID;

	s = (const unsigned char *) str;
	n = len;
	if (s[0] == '+' || s[0] == '-')
	{
		neg = s[0] == '-';
		i = 1;
	}
	else if (n >= 3 && s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92)
	{
		neg = true;
		i = 3;
	}
	if (i < n && (s[i] == 'i' || s[i] == 'I') &&
		(ieq(str + i, n - i, "inf") || ieq(str + i, n - i, "infinity")))
	{
		*out = neg ? -INFINITY : INFINITY;
		return TAB_NUM_OK;
	}

	used = scan_mantissa(s + i, n - i, &m);
	if (used == 0 || m.ndigits == 0)
		return TAB_NUM_INVALID;
	dec = decide_decimal(&m, decimal_comma != 0);
	if (dec < 0)
		return TAB_NUM_INVALID;

	/* the digits; frac_digits of them follow the decimal mark */
	frac_digits = dec == 1 ? (long) m.tail : 0;
	if (neg)
		buf[b++] = '-';
	for (size_t j = i; j < i + used; j++)
	{
		int			d;

		if (!is_digit((char) s[j]))
			continue;			/* separators: their bytes are skipped */
		d = s[j] - '0';
		buf[b++] = (char) s[j];
		if (sig == 0 && d == 0)
			continue;			/* leading zeros are not significant */
		if (sig < 19)
		{
			mant = mant * 10 + (uint64_t) d;
			sig++;
		}
		else
		{
			exact = false;
		}
	}
	i += used;

	/* exponent */
	if (i < n && (s[i] == 'e' || s[i] == 'E'))
	{
		bool		eneg = false;
		size_t		start;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		start = i;
		while (i < n && is_digit((char) s[i]))
		{
			if (exp10 < 100000)
				exp10 = exp10 * 10 + (s[i] - '0');
			i++;
		}
		if (i == start)
			return TAB_NUM_INVALID;
		if (eneg)
			exp10 = -exp10;
	}
	if (i != n)
		return TAB_NUM_INVALID;

	/* fast path: exact mantissa and an exactly representable power of 10 */
	exp10 -= frac_digits;
	if (exact && mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22)
	{
		double		v = (double) mant;

		v = exp10 >= 0 ? v * pow10_exact[exp10] : v / pow10_exact[-exp10];
		*out = neg ? -v : v;
		return TAB_NUM_OK;
	}

	/* slow path: "-digits" + "e" + total exponent, parsed in the C locale */
	{
		locale_t	c_locale;
		double		v;
		char	   *end;

		b += (size_t) snprintf(buf + b, sizeof(buf) - b, "e%ld", exp10);
		c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t) 0);
		if (c_locale == (locale_t) 0)
			return TAB_NUM_INVALID;
		errno = 0;
		v = strtod_l(buf, &end, c_locale);
		if (errno == ERANGE && isinf(v))
		{
			freelocale(c_locale);
			return TAB_NUM_INVALID;
		}
		freelocale(c_locale);
		*out = v;
		return TAB_NUM_OK;
	}
}

/*
 * Shape of a cell for the sniffer's decimal-mark vote (see tab_sniff):
 * which reading of '.' and ',' makes it a number.
 */
tab_shape
tab_number_shape(const char *s, size_t len)
{
	double		v;
	bool		ok_point,
				ok_comma;
	size_t		i = 0,
				g0 = 0;

	ok_point = tab_parse_double(s, len, 0, &v) == TAB_NUM_OK;
	ok_comma = tab_parse_double(s, len, 1, &v) == TAB_NUM_OK;
	if (!ok_point && !ok_comma)
		return TAB_SHAPE_NONE;
	trim_number(&s, &len);
	if (memchr(s, '.', len) == NULL && memchr(s, ',', len) == NULL)
		return TAB_SHAPE_PLAIN;

	/* [sign] [1-9]d{0,2} mark ddd: readable both ways */
	if (len > 0 && (s[0] == '+' || s[0] == '-'))
		i = 1;
	while (i + g0 < len && is_digit(s[i + g0]))
		g0++;
	if (g0 >= 1 && g0 <= 3 && s[i] != '0' && i + g0 + 4 == len &&
		(s[i + g0] == '.' || s[i + g0] == ',') &&
		is_digit(s[len - 3]) && is_digit(s[len - 2]) && is_digit(s[len - 1]))
		return s[i + g0] == ',' ? TAB_SHAPE_COMMA3 : TAB_SHAPE_POINT3;

	if (ok_comma && !ok_point)
		return TAB_SHAPE_COMMA;
	return TAB_SHAPE_POINT;		/* "0.75": comma mode reads it as a point too */
}
