/*
 * payload_test.h - helpers shared by the unit tests of the API payload
 * builders (test_notion_payload.c, test_pinecone_payload.c,
 * test_embed_payload.c).  Include after unit.h.
 *
 * The checks here are written independently of the code under test: a
 * body is re-parsed with json-c's strict parser, UTF-8 is validated and
 * UTF-16 units are counted by simple rules of their own.
 */
#ifndef AMPRENTA_PAYLOAD_TEST_H
#define AMPRENTA_PAYLOAD_TEST_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* unit times `unit`, then `tail` (may be NULL); malloc'd. */
static inline char *
rep(const char *unit, size_t times, const char *tail)
{
	size_t		ul = strlen(unit),
				tl = tail ? strlen(tail) : 0;
	char	   *s = malloc(ul * times + tl + 1);

	for (size_t i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	if (tl)
		memcpy(s + ul * times, tail, tl);
	s[ul * times + tl] = '\0';
	return s;
}

/* Strict parse of a whole body; NULL if it is not one JSON value. */
static inline json_object *
parse_body(const char *body)
{
	json_tokener *tok;
	json_object *obj;

	if (body == NULL)
		return NULL;
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, body, (int) strlen(body));
	if (json_tokener_get_error(tok) != json_tokener_success)
	{
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

/* Well-formed UTF-8 (RFC 3629), by a plain table of lead bytes. */
static inline bool
utf8_ok(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;

	for (size_t i = 0; i < len;)
	{
		unsigned char c = p[i];
		size_t		n = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 :
			c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;

		if (n == 0 || i + n > len)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
		if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] > 0x9F) ||
			(c == 0xF0 && p[i + 1] < 0x90) || (c == 0xF4 && p[i + 1] > 0x8F))
			return false;
		i += n;
	}
	return true;
}

/* UTF-16 code units of valid UTF-8: one per lead byte, two for 4-byte. */
static inline size_t
utf16_len(const char *s)
{
	size_t		n = 0;

	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n += (*p >= 0xF0) ? 2 : 1;
	return n;
}

/* obj[k1][k2]... as a json_object (NULL when absent). */
static inline json_object *
path(json_object *obj, const char *k1, const char *k2, const char *k3)
{
	const char *keys[3] = {k1, k2, k3};

	for (int i = 0; i < 3 && keys[i] && obj; i++)
		if (!json_object_object_get_ex(obj, keys[i], &obj))
			return NULL;
	return obj;
}

static inline const char *
str_at(json_object *obj, const char *k1, const char *k2, const char *k3)
{
	json_object *v = path(obj, k1, k2, k3);

	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

#endif
