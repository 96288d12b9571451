/*
 * payload_json.c - UTF-8 handling, number printing, serialization and
 * strict parsing shared by the API payload code (see payload_json.h).
 */
#include "payload_json.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t
pj_utf8_seq(const unsigned char *s, size_t len, unsigned int *cp)
{
	unsigned char b0 = s[0];
	unsigned char lo = 0x80,
				hi = 0xBF;		/* allowed range of the second byte */
	size_t		n;
	unsigned int c;

	if (b0 < 0x80)
	{
		*cp = b0;
		return 1;
	}
	if (b0 >= 0xC2 && b0 <= 0xDF)
	{
		n = 2;
		c = b0 & 0x1F;
	}
	else if (b0 >= 0xE0 && b0 <= 0xEF)
	{
		n = 3;
		c = b0 & 0x0F;
		if (b0 == 0xE0)
			lo = 0xA0;			/* no overlong forms */
		else if (b0 == 0xED)
			hi = 0x9F;			/* no UTF-16 surrogates */
	}
	else if (b0 >= 0xF0 && b0 <= 0xF4)
	{
		n = 4;
		c = b0 & 0x07;
		if (b0 == 0xF0)
			lo = 0x90;
		else if (b0 == 0xF4)
			hi = 0x8F;			/* nothing above U+10FFFF */
	}
	else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	c = (c << 6) | (s[1] & 0x3F);
	for (size_t i = 2; i < n; i++)
	{
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	*cp = c;
	return n;
}

size_t
pj_utf8_cut(const char *s, size_t len, size_t max)
{
	size_t		n = max;

	if (len <= max)
		return len;
	/*
	 * s[n] is the first byte left out: while it continues a sequence, the
	 * sequence's start moves out too.  Three steps at most, the longest
	 * tail of a sequence; a longer run of continuation bytes is not UTF-8
	 * anyway and is cut where it falls.
	 */
	for (int i = 0; i < 3 && n > 0 && (((unsigned char) s[n]) & 0xC0) == 0x80; i++)
		n--;
	if (n > 0 && (((unsigned char) s[n]) & 0xC0) == 0x80)
		n = max;
	return n;
}

size_t
pj_utf16_units(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		units = 0;

	for (size_t i = 0; i < len;)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq(p + i, len - i, &cp);

		if (n == 0)
			n = 1;				/* becomes U+FFFD: one unit */
		units += (n == 4) ? 2 : 1;
		i += n;
	}
	return units;
}

size_t
pj_escaped_len(unsigned int cp, size_t n)
{
	if (cp == '"' || cp == '\\')
		return 2;
	if (cp < 0x20)
		return (cp == '\b' || cp == '\f' || cp == '\n' || cp == '\r' || cp == '\t') ? 2 : 6;
	return n;
}

size_t
pj_json_prefix(const char *s, size_t len, size_t max_json)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0,
				used = 0;

	while (i < len)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq(p + i, len - i, &cp);
		size_t		e;

		if (n == 0)
		{
			n = 1;				/* not UTF-8: counted as itself */
			cp = 0xFFFD;
		}
		e = pj_escaped_len(cp, n);
		if (used + e > max_json)
			break;
		used += e;
		i += n;
	}
	return i;
}

json_object *
pj_string_len(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;
	char	   *clean;
	size_t		o = 0;
	json_object *out;

	if (s == NULL)
		return json_object_new_string("");
	if (len > INT_MAX)
		return NULL;
	while (i < len)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq(p + i, len - i, &cp);

		if (n == 0)
			break;
		i += n;
	}
	if (i == len)
		return json_object_new_string_len(s, (int) len);

	/* Some byte is not UTF-8: copy, replacing each such byte. */
	if (len > (SIZE_MAX - 1) / 3 || (clean = malloc(3 * len + 1)) == NULL)
		return NULL;
	memcpy(clean, s, i);
	o = i;
	while (i < len)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq(p + i, len - i, &cp);

		if (n == 0)
		{
			memcpy(clean + o, PJ_REPLACEMENT, 3);
			o += 3;
			i++;
		}
		else
		{
			memcpy(clean + o, s + i, n);
			o += n;
			i += n;
		}
	}
	out = o <= INT_MAX ? json_object_new_string_len(clean, (int) o) : NULL;
	free(clean);
	return out;
}

json_object *
pj_string(const char *s)
{
	return pj_string_len(s, s ? strlen(s) : 0);
}

json_object *
pj_number(double d)
{
	char		buf[40];

	/*
	 * The shortest of 15, 16 and 17 significant digits that reads back
	 * exactly: 0.1 stays "0.1" where json-c's default "%.17g" would send
	 * 0.10000000000000001.  %g drops trailing zeros, so 15 digits is
	 * short for every double that has a short form.
	 */
	for (int prec = 15; prec <= 17; prec++)
	{
		snprintf(buf, sizeof(buf), "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	/* A locale with a decimal comma would print one: JSON wants a point. */
	for (char *c = buf; *c; c++)
		if (*c == ',')
			*c = '.';
	return json_object_new_double_s(d, buf);
}

bool
pj_add(json_object *obj, const char *key, json_object *val)
{
	if (val == NULL)
		return false;
	if (json_object_object_add(obj, key, val) != 0)
	{
		json_object_put(val);
		return false;
	}
	return true;
}

bool
pj_add_null(json_object *obj, const char *key)
{
	return json_object_object_add(obj, key, NULL) == 0;
}

bool
pj_append(json_object *arr, json_object *val)
{
	if (val == NULL)
		return false;
	if (json_object_array_add(arr, val) != 0)
	{
		json_object_put(val);
		return false;
	}
	return true;
}

char *
pj_serialize(json_object *o)
{
	size_t		len;
	const char *s = json_object_to_json_string_length(o, PJ_FLAGS, &len);
	char	   *copy;

	if (s == NULL || (copy = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(copy, s, len + 1);
	return copy;
}

size_t
pj_serialized_len(json_object *o)
{
	size_t		len = 0;

	if (json_object_to_json_string_length(o, PJ_FLAGS, &len) == NULL)
		return 0;
	return len;
}

json_object *
pj_parse(const char *body, size_t len)
{
	json_tokener *tok;
	json_object *obj;

	if (body == NULL || len == 0 || len > INT_MAX)
		return NULL;
	tok = json_tokener_new();
	if (tok == NULL)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, body, (int) len);

	/*
	 * In strict mode the tokener refuses anything but white space after
	 * the value.  A body cut short (or a bare number, which could still
	 * go on) stops with json_tokener_continue and no object.
	 */
	if (obj != NULL && (json_tokener_get_error(tok) != json_tokener_success ||
						json_tokener_get_parse_end(tok) > len))
	{
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

const char *
pj_member_string(json_object *obj, const char *key, size_t *len)
{
	json_object *v;

	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
		!json_object_object_get_ex(obj, key, &v) ||
		!json_object_is_type(v, json_type_string))
		return NULL;
	*len = (size_t) json_object_get_string_len(v);
	return json_object_get_string(v);
}

bool
pj_copy_exact(const char *src, size_t len, char *out, size_t outsz)
{
	if (out == NULL || outsz == 0)
		return false;
	out[0] = '\0';
	if (src == NULL || len >= outsz || memchr(src, '\0', len) != NULL)
		return false;
	memcpy(out, src, len);
	out[len] = '\0';
	return true;
}

void
pj_copy_trunc(const char *src, size_t len, char *out, size_t outsz)
{
	const char *nul;
	size_t		n;

	if (out == NULL || outsz == 0)
		return;
	if (src == NULL)
	{
		out[0] = '\0';
		return;
	}
	nul = memchr(src, '\0', len);
	if (nul != NULL)
		len = (size_t) (nul - src);
	n = pj_utf8_cut(src, len, outsz - 1);
	memcpy(out, src, n);
	out[n] = '\0';
}
