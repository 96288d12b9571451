/*
 * payload_json.h - helpers shared by the request builders and response
 * parsers of the external APIs (notion_payload.c, pinecone_payload.c,
 * embed_payload.c).  Internal to the core ring: the glue includes the
 * payload headers, not this one.
 *
 * All JSON is built and parsed with json-c.  Bodies are serialized with
 * PJ_FLAGS: no white space and "/" left unescaped, so the bytes counted
 * against a service's size limit are the bytes sent.
 *
 * Strings put into a body go through pj_string(), which replaces bytes
 * that are not well-formed UTF-8 (stray continuation bytes, overlong
 * forms, surrogates, code points above U+10FFFF, truncated sequences) by
 * U+FFFD: every service here decodes the body strictly as UTF-8 and
 * rejects the whole request otherwise, and a database that is not UTF-8
 * encoded (SQL_ASCII) can hold any bytes.  The replacement is
 * deterministic, so the same input always gives the same string.
 *
 * Responses are parsed with pj_parse(): strict JSON, UTF-8 validated,
 * nesting limited by json-c's default depth, one value followed only by
 * white space.  Anything else (an HTML error page, a truncated body, an
 * empty body) gives NULL.
 *
 * Plain C, no PostgreSQL headers, no global state.
 */
#ifndef AMPRENTA_PAYLOAD_JSON_H
#define AMPRENTA_PAYLOAD_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define PJ_FLAGS	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* U+FFFD REPLACEMENT CHARACTER and U+2026 HORIZONTAL ELLIPSIS in UTF-8. */
#define PJ_REPLACEMENT	"\xEF\xBF\xBD"
#define PJ_ELLIPSIS		"\xE2\x80\xA6"

/*
 * Length in bytes of the well-formed UTF-8 sequence at s[0..len), or 0 if
 * the bytes there do not start one (len >= 1).  *cp gets the code point.
 */
extern size_t pj_utf8_seq(const unsigned char *s, size_t len, unsigned int *cp);

/* Largest n <= max such that s[0..n) ends on a character boundary. */
extern size_t pj_utf8_cut(const char *s, size_t len, size_t max);

/* Number of UTF-16 code units of s[0..len) (invalid bytes count 1 each). */
extern size_t pj_utf16_units(const char *s, size_t len);

/*
 * Bytes json-c writes (PJ_FLAGS) for the character cp encoded in n bytes
 * inside a string: 2 for " \ and \b \f \n \r \t, 6 for other control
 * characters (\u00XX), n otherwise.
 */
extern size_t pj_escaped_len(unsigned int cp, size_t n);

/*
 * Longest prefix of the valid UTF-8 s[0..len), at a character boundary,
 * whose escaped JSON text takes at most max_json bytes.
 */
extern size_t pj_json_prefix(const char *s, size_t len, size_t max_json);

/* A json-c string of s[0..len), invalid UTF-8 replaced by U+FFFD. */
extern json_object *pj_string_len(const char *s, size_t len);
extern json_object *pj_string(const char *s);

/*
 * A json-c double printed in the shortest form that reads back as the
 * same double (at most 17 significant digits); d must be finite.
 */
extern json_object *pj_number(double d);

/*
 * obj[key] = val / arr += val, taking val (put on failure).  False when
 * val is NULL (an allocation that failed) or the insertion fails.
 * pj_add_null() sets obj[key] to JSON null.
 */
extern bool pj_add(json_object *obj, const char *key, json_object *val);
extern bool pj_add_null(json_object *obj, const char *key);
extern bool pj_append(json_object *arr, json_object *val);

/* malloc'd serialization of o with PJ_FLAGS; NULL on allocation failure. */
extern char *pj_serialize(json_object *o);

/* Serialized length of o with PJ_FLAGS (0 on allocation failure). */
extern size_t pj_serialized_len(json_object *o);

/* Parse a response body (see above); the caller puts the result. */
extern json_object *pj_parse(const char *body, size_t len);

/* The member key of obj if it is a string: its bytes, *len its length. */
extern const char *pj_member_string(json_object *obj, const char *key,
									size_t *len);

/*
 * Copy src[0..len) into out[outsz] only if it fits whole with its
 * terminator and holds no NUL byte; false (out emptied) otherwise.
 */
extern bool pj_copy_exact(const char *src, size_t len, char *out, size_t outsz);

/*
 * Copy src[0..len) into out[outsz], cut at a character boundary when it
 * does not fit, stopping at an embedded NUL.  No-op when outsz is 0.
 */
extern void pj_copy_trunc(const char *src, size_t len, char *out, size_t outsz);

#endif
