/*
 * ident_text.c - byte-level helpers shared by the identifier normalizers.
 *
 * See ident_text.h.  Everything here reads at most `len` bytes and never
 * assumes NUL termination of its input.
 */
#include "ident_text.h"

#include <string.h>

/*
 * Length of the invisible character (white space, BOM, no-break or
 * zero-width space) that starts at s, or 0.
 */
static size_t
blank_at_start(const unsigned char *s, size_t len)
{
	if (len >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
		return 1;
	if (len >= 2 && s[0] == 0xC2 && s[1] == 0xA0)	/* U+00A0 no-break space */
		return 2;
	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)	/* BOM */
		return 3;
	if (len >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
		((s[2] >= 0x80 && s[2] <= 0x8D) || s[2] == 0xAF))	/* U+2000..200D,
															 * U+202F */
		return 3;
	if (len >= 3 && s[0] == 0xE2 && s[1] == 0x81 &&
		(s[2] == 0x9F || s[2] == 0xA0))	/* U+205F, U+2060 */
		return 3;
	if (len >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)	/* U+3000 */
		return 3;
	return 0;
}

/* Length of the invisible character that ends s[0..len), or 0. */
static size_t
blank_at_end(const unsigned char *s, size_t len)
{
	unsigned char c;

	if (len == 0)
		return 0;
	c = s[len - 1];
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (len >= 2 && blank_at_start(s + len - 2, 2) == 2)
		return 2;
	if (len >= 3 && blank_at_start(s + len - 3, 3) == 3)
		return 3;
	return 0;
}

/*
 * If s[0..len) is wrapped in a matching pair of quotes, return the byte
 * length of the opening quote and set *close to that of the closing one.
 */
static size_t
quote_pair(const unsigned char *s, size_t len, size_t *close)
{
	static const struct
	{
		const char *open;
		const char *close;
	}			pairs[] = {
		{"\"", "\""},
		{"'", "'"},
		{"`", "`"},
		{"\xE2\x80\x9C", "\xE2\x80\x9D"},	/* “ ” */
		{"\xE2\x80\x9D", "\xE2\x80\x9D"},	/* ” ” */
		{"\xE2\x80\x9E", "\xE2\x80\x9C"},	/* „ “ */
		{"\xE2\x80\x98", "\xE2\x80\x99"},	/* ‘ ’ */
		{"\xE2\x80\x99", "\xE2\x80\x99"},	/* ’ ’ */
		{"\xC2\xAB", "\xC2\xBB"},	/* « » */
	};
	size_t		i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
	{
		size_t		lo = strlen(pairs[i].open);
		size_t		lc = strlen(pairs[i].close);

		if (len >= lo + lc &&
			memcmp(s, pairs[i].open, lo) == 0 &&
			memcmp(s + len - lc, pairs[i].close, lc) == 0)
		{
			*close = lc;
			return lo;
		}
	}
	return 0;
}

void
ident_trim(const char **s, size_t *len)
{
	const unsigned char *p = (const unsigned char *) *s;
	size_t		n = *len;

	for (;;)
	{
		size_t		k;
		size_t		close;
		bool		changed = false;

		while ((k = blank_at_start(p, n)) > 0)
		{
			p += k;
			n -= k;
			changed = true;
		}
		while ((k = blank_at_end(p, n)) > 0)
		{
			n -= k;
			changed = true;
		}
		if ((k = quote_pair(p, n, &close)) > 0)
		{
			p += k;
			n -= k + close;
			changed = true;
		}
		if (!changed)
			break;
	}
	*s = (const char *) p;
	*len = n;
}

bool
ident_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = p[i];
		size_t		need;
		unsigned int cp;
		size_t		j;

		if (c < 0x80)
		{
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
		{
			need = 1;
			cp = c & 0x1F;
		}
		else if (c >= 0xE0 && c <= 0xEF)
		{
			need = 2;
			cp = c & 0x0F;
		}
		else if (c >= 0xF0 && c <= 0xF4)
		{
			need = 3;
			cp = c & 0x07;
		}
		else
			return false;
		if (len - i <= need)
			return false;
		for (j = 1; j <= need; j++)
		{
			if ((p[i + j] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + j] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
			cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += need + 1;
	}
	return true;
}

bool
ident_has_control(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c < 0x20 || c == 0x7F)
			return true;
	}
	return false;
}

bool
ident_ci_eq(const char *s, size_t len, const char *word)
{
	size_t		i;

	for (i = 0; i < len; i++)
	{
		if (word[i] == '\0' || ident_lower(s[i]) != ident_lower(word[i]))
			return false;
	}
	return word[len] == '\0';
}

bool
ident_ci_prefix(const char *s, size_t len, const char *prefix)
{
	size_t		i;

	for (i = 0; prefix[i] != '\0'; i++)
	{
		if (i >= len || ident_lower(s[i]) != ident_lower(prefix[i]))
			return false;
	}
	return true;
}

bool
ident_ci_suffix(const char *s, size_t len, const char *suffix)
{
	size_t		n = strlen(suffix);

	return n <= len && ident_ci_eq(s + len - n, n, suffix);
}

size_t
ident_span_digits(const char *s, size_t len)
{
	size_t		i = 0;

	while (i < len && ident_is_digit((unsigned char) s[i]))
		i++;
	return i;
}

bool
ident_all_digits(const char *s, size_t len)
{
	return len > 0 && ident_span_digits(s, len) == len;
}

bool
ident_is_missing(const char *s, size_t len)
{
	/* Spellings of "no value" seen in result files (omics.md §6 item 10). */
	static const char *const tokens[] = {
		"na", "n/a", "#n/a", "n.a.", "nan", "null", "none", "nil", "missing",
		"-", "--", "---", ".", "?", "nd", "n.d.", "n.d", "not detected",
		"<lod", "< lod", "<loq", "< loq", "inf", "-inf", "+inf",
		"#value!", "#div/0!", "#ref!", "#name?", "#num!", "#null!",
	};
	size_t		i;

	if (len == 0)
		return true;
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
	{
		if (ident_ci_eq(s, len, tokens[i]))
			return true;
	}
	return false;
}

norm_status
ident_reject(char *out, size_t outsz, const char **reason, const char *why)
{
	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (reason != NULL)
		*reason = why;
	return NORM_INVALID;
}

norm_status
ident_emit(char *out, size_t outsz, const char **reason,
		   const char *src, size_t n, norm_status status, const char *why)
{
	if (status == NORM_INVALID)
		return ident_reject(out, outsz, reason, why);
	if (out == NULL || n + 1 > outsz)
		return ident_reject(out, outsz, reason,
							"the canonical form does not fit the output buffer");
	memmove(out, src, n);
	out[n] = '\0';
	if (reason != NULL)
		*reason = (status == NORM_OK) ? NULL : why;
	return status;
}

void
ident_copy_upper(char *dst, const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		dst[i] = ident_upper(s[i]);
}

/* Length of an optional ".<digits>" version at s[0..len), or 0. */
static size_t
version_suffix(const char *s, size_t len)
{
	size_t		d;

	if (len < 2 || s[0] != '.')
		return 0;
	d = ident_span_digits(s + 1, len - 1);
	return d > 0 ? d + 1 : 0;
}

char
ident_ensembl(const char *s, size_t len, size_t *core_len, bool *par_y)
{
	size_t		i = 3;
	size_t		letters;
	char		f1;
	char		f2;
	char		kind;

	*par_y = false;
	if (len < 3 + 1 + 11 || !ident_ci_prefix(s, len, "ENS"))
		return 0;
	while (i < len && ident_is_alpha((unsigned char) s[i]))
		i++;
	letters = i - 3;
	if (letters != 1 && letters != 2 && letters != 4 && letters != 5)
		return 0;
	f1 = ident_upper(s[3 + (letters >= 4 ? 3 : 0)]);
	f2 = (letters == 2 || letters == 5) ? ident_upper(s[i - 1]) : 0;
	if (f2 == 0)
	{
		if (f1 != 'G' && f1 != 'T' && f1 != 'P' && f1 != 'E' && f1 != 'R')
			return 0;
		kind = f1;
	}
	else if (f1 == 'F' && f2 == 'M')
		kind = 'F';
	else if (f1 == 'G' && f2 == 'T')
		kind = 'X';
	else
		return 0;
	if (len - i < 11 || ident_span_digits(s + i, len - i) != 11)
		return 0;
	i += 11;
	*core_len = i;
	i += version_suffix(s + i, len - i);
	if (i < len && ident_ci_eq(s + i, len - i, "_PAR_Y"))
	{
		*par_y = true;
		i = len;
	}
	return i == len ? kind : 0;
}

bool
ident_refseq(const char *s, size_t len, char prefix[2], size_t *core_len)
{
	size_t		d;
	size_t		i;

	if (len < 3 + 5 || !ident_is_alpha((unsigned char) s[0]) ||
		!ident_is_alpha((unsigned char) s[1]) || s[2] != '_')
		return false;
	d = ident_span_digits(s + 3, len - 3);
	if (d < 5 || d > 9)
		return false;
	i = 3 + d;
	*core_len = i;
	i += version_suffix(s + i, len - i);
	if (i != len)
		return false;
	prefix[0] = ident_upper(s[0]);
	prefix[1] = ident_upper(s[1]);
	return true;
}

const char *
ident_screen(const char **s, size_t *len)
{
	ident_trim(s, len);
	if (*len == 0 || ident_is_missing(*s, *len))
		return IDENT_REASON_EMPTY;
	if (ident_has_control(*s, *len))
		return "contains control characters";
	if (!ident_utf8_valid(*s, *len))
		return "not valid UTF-8";
	return NULL;
}
