/*
 * pinecone_payload.c - the upsert builder, the delete body and the
 * response parsers of Pinecone's data plane (see pinecone_payload.h).
 *
 * The upsert body, {"vectors":[...],"namespace":ns}, is kept as text: the
 * vectors' JSON joined by commas, each written once when it is added (its
 * id and metadata through json-c, its values by format_float below), and
 * the fixed parts around them added by pc_upsert_body().  So the body's
 * length is known exactly at every add (the unit tests check it against
 * the real body), and a batch costs its bytes, not a json-c object per
 * number.
 */
#include "pinecone_payload.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload_json.h"
#include "text_buf.h"

#define BODY_HEAD	"{\"vectors\":["
#define BODY_MID	"],\"namespace\":"

struct PcUpsert
{
	char	   *ns;				/* the namespace as a JSON string */
	TextBuf		vec;			/* the vectors' JSON, joined by "," */
	int			count;
	size_t		bytes;			/* length of the whole body */
};

/* Powers of ten as doubles, correctly rounded (decimal literals). */
static const double pow10_table[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
	1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27,
	1e28, 1e29, 1e30, 1e31, 1e32, 1e33, 1e34, 1e35, 1e36, 1e37, 1e38, 1e39, 1e40,
	1e41, 1e42, 1e43, 1e44, 1e45, 1e46, 1e47, 1e48, 1e49, 1e50, 1e51, 1e52, 1e53,
	1e54, 1e55, 1e56, 1e57, 1e58, 1e59, 1e60
};

/* d * 10^k, |k| <= 60 */
static double
scale10(double d, int k)
{
	return k >= 0 ? d * pow10_table[k] : d / pow10_table[-k];
}

/*
 * A finite float as printf's "%.9g" writes it: nine significant digits,
 * trailing zeros dropped, exponent form below 1e-4 and from 1e9.  Nine
 * digits always read back as the same float.  The digits come from one
 * multiplication by a power of ten in double precision instead of
 * printf's exact conversion: its error (well under 1e-15 relative) can
 * move the ninth digit by one in a rare tie, and a ninth digit one off
 * (at most 1.5e-8 relative away) still lies within half a float's spacing
 * (at least 2.98e-8 relative), so the value still reads back exactly.
 * A number that would print without '.' or exponent gets ".0", as json-c
 * writes doubles, except zero, written "0" (a JSON number all the same,
 * and a third of the bytes: the built-in embedder's vectors are mostly
 * zeros).  Returns the length written to out (at least 24 bytes).
 */
static int
format_float(float f, char *out)
{
	double		d = (double) f;
	char	   *p = out;
	char		digits[9];
	int			e,
				nd;
	uint64_t	m;

	if (d == 0.0 && !signbit(d))
	{
		/* Half the values of a sparse embedding: one byte, not three. */
		memcpy(out, "0", 2);
		return 1;
	}
	if (signbit(d))
	{
		*p++ = '-';
		d = -d;
	}
	if (d == 0.0)
	{
		memcpy(p, "0.0", 4);	/* -0.0: "-0" would read back as an integer 0 */
		return (int) (p - out) + 3;
	}
	e = (int) floor(log10(d));
	m = (uint64_t) llround(scale10(d, 8 - e));
	if (m >= UINT64_C(1000000000))
	{
		e++;
		m = (uint64_t) llround(scale10(d, 8 - e));
	}
	else if (m < UINT64_C(100000000))
	{
		e--;
		m = (uint64_t) llround(scale10(d, 8 - e));
	}
	if (m >= UINT64_C(1000000000))
	{
		/* 9.999999996... rounded up to ten digits */
		m /= 10;
		e++;
	}
	for (int i = 8; i >= 0; i--)
	{
		digits[i] = (char) ('0' + (int) (m % 10));
		m /= 10;
	}
	nd = 9;
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
	if (e < -4 || e >= 9)
	{
		int			ae = e < 0 ? -e : e;

		*p++ = digits[0];
		if (nd > 1)
		{
			*p++ = '.';
			memcpy(p, digits + 1, nd - 1);
			p += nd - 1;
		}
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		if (ae >= 10)
			*p++ = (char) ('0' + ae / 10);
		else
			*p++ = '0';
		*p++ = (char) ('0' + ae % 10);
	}
	else if (e >= 0)
	{
		for (int i = 0; i <= e; i++)
			*p++ = i < nd ? digits[i] : '0';
		if (nd > e + 1)
		{
			*p++ = '.';
			memcpy(p, digits + e + 1, nd - e - 1);
			p += nd - e - 1;
		}
	}
	else
	{
		*p++ = '0';
		*p++ = '.';
		for (int i = -1; i > e; i--)
			*p++ = '0';
		memcpy(p, digits, nd);
		p += nd;
	}
	/* Like json-c: a number without '.' or exponent gets ".0" (so -0 stays -0). */
	if (memchr(out, '.', p - out) == NULL && memchr(out, 'e', p - out) == NULL)
	{
		*p++ = '.';
		*p++ = '0';
	}
	*p = '\0';
	return (int) (p - out);
}

/*
 * The text of a vector's values, each preceded by a comma, through a small
 * memo of the values formatted last: a vector holds few distinct values
 * (the built-in embedder's are sums of a handful of equal weights, scaled
 * by one norm), and zero takes no formatting at all.  Direct-mapped by the
 * float's bits; reset per vector.
 */
#define FORMAT_MEMO_SLOTS 16

typedef struct FormatMemo
{
	bool		used[FORMAT_MEMO_SLOTS];
	uint32_t	bits[FORMAT_MEMO_SLOTS];
	int			len[FORMAT_MEMO_SLOTS];
	char		text[FORMAT_MEMO_SLOTS][40];
} FormatMemo;

/* Sets *text to ",<number>" and returns its length. */
static int
format_float_memo(FormatMemo *memo, float f, const char **text)
{
	uint32_t	bits;
	int			slot;

	if (f == 0.0f && !signbit(f))
	{
		*text = ",0";
		return 2;
	}
	memcpy(&bits, &f, sizeof(bits));
	slot = (int) ((bits * UINT32_C(0x9E3779B1)) >> 28);
	if (!memo->used[slot] || memo->bits[slot] != bits)
	{
		memo->text[slot][0] = ',';
		memo->len[slot] = 1 + format_float(f, memo->text[slot] + 1);
		memo->bits[slot] = bits;
		memo->used[slot] = true;
	}
	*text = memo->text[slot];
	return memo->len[slot];
}

PcUpsert *
pc_upsert_new(const char *namespace_)
{
	PcUpsert   *u = calloc(1, sizeof(PcUpsert));
	json_object *ns;

	if (u == NULL)
		return NULL;
	ns = pj_string(namespace_ ? namespace_ : "");
	u->ns = ns ? pj_serialize(ns) : NULL;
	json_object_put(ns);
	if (u->ns == NULL)
	{
		free(u);
		return NULL;
	}
	u->bytes = strlen(BODY_HEAD) + strlen(BODY_MID) + strlen(u->ns) + 1;
	return u;
}

int
pc_upsert_count(const PcUpsert *u)
{
	return u ? u->count : 0;
}

size_t
pc_upsert_bytes(const PcUpsert *u)
{
	return u ? u->bytes : 0;
}

char *
pc_upsert_body(PcUpsert *u)
{
	char	   *body;

	if (u == NULL || (body = malloc(u->bytes + 1)) == NULL)
		return NULL;
	snprintf(body, u->bytes + 1, "%s%s%s%s}", BODY_HEAD, u->vec.len ? u->vec.data : "", BODY_MID, u->ns);
	return body;
}

void
pc_upsert_free(PcUpsert *u)
{
	if (u == NULL)
		return;
	free(u->ns);
	text_buf_free(&u->vec);
	free(u);
}

/* ------------------------------------------------------------------------
 * Metadata
 */

static json_object *
string_copy(json_object *s)
{
	return pj_string_len(json_object_get_string(s), (size_t) json_object_get_string_len(s));
}

static bool
all_strings(json_object *arr)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		if (!json_object_is_type(json_object_array_get_idx(arr, i), json_type_string))
			return false;
	return true;
}

/*
 * A copy of md holding only what Pinecone accepts (see the header); NULL
 * on allocation failure.  Strings are fresh objects, so they can be
 * replaced by shorter ones; scalars are shared.
 */
static json_object *
metadata_clean(json_object *md)
{
	json_object *out = json_object_new_object();

	if (out == NULL)
		return NULL;
	json_object_object_foreach(md, key, val)
	{
		json_object *copy = NULL;
		json_object *name;
		bool		ok;

		if (key[0] == '$' || val == NULL)
			continue;
		switch (json_object_get_type(val))
		{
			case json_type_boolean:
			case json_type_int:
				copy = json_object_get(val);
				break;
			case json_type_double:
				if (!isfinite(json_object_get_double(val)))
					continue;
				copy = json_object_get(val);
				break;
			case json_type_string:
				copy = string_copy(val);
				break;
			case json_type_array:
				if (!all_strings(val))
					continue;
				copy = json_object_new_array_ext((int) json_object_array_length(val));
				for (size_t i = 0; i < json_object_array_length(val) && copy; i++)
					if (!pj_append(copy, string_copy(json_object_array_get_idx(val, i))))
					{
						json_object_put(copy);
						copy = NULL;
					}
				break;
			default:			/* null, nested object */
				continue;
		}
		name = pj_string(key);
		ok = name != NULL && pj_add(out, json_object_get_string(name), copy);
		if (name == NULL)
			json_object_put(copy);
		json_object_put(name);
		if (!ok)
		{
			json_object_put(out);
			return NULL;
		}
	}
	return out;
}

/* Serialized size of md, every number charged PC_NUMBER_WORST bytes. */
static size_t
metadata_cost(json_object *md)
{
	size_t		cost = pj_serialized_len(md);

	json_object_object_foreach(md, key, val)
	{
		(void) key;
		if (json_object_is_type(val, json_type_int) ||
			json_object_is_type(val, json_type_double))
			cost += PC_NUMBER_WORST - pj_serialized_len(val);
	}
	return cost;
}

/*
 * Shorten the longest strings of md until metadata_cost() fits.  Each cut
 * keeps the longest prefix of the longest string whose JSON text is
 * shorter by at least the excess, so it either fits (within a character
 * of the limit) or empties that string, and the loop ends.  False when
 * every string is empty and it still does not fit.
 */
static bool
metadata_fit(json_object *md)
{
	size_t		cost;

	while ((cost = metadata_cost(md)) > PC_MAX_METADATA_BYTES)
	{
		json_object *best = NULL,
				   *owner = NULL;
		const char *best_key = NULL;
		size_t		best_idx = 0,
					best_len = 0,
					excess = cost - PC_MAX_METADATA_BYTES,
					esc,
					keep;
		json_object *shorter;

		json_object_object_foreach(md, key, val)
		{
			size_t		n = json_object_is_type(val, json_type_array) ?
				json_object_array_length(val) : 1;

			for (size_t i = 0; i < n; i++)
			{
				json_object *s = json_object_is_type(val, json_type_array) ?
					json_object_array_get_idx(val, i) : val;
				size_t		len;

				if (!json_object_is_type(s, json_type_string))
					continue;
				len = (size_t) json_object_get_string_len(s);
				if (len > best_len)
				{
					best = s;
					best_len = len;
					best_key = key;
					owner = val;
					best_idx = i;
				}
			}
		}
		if (best == NULL)
			return false;
		/* the longest prefix that sheds at least the excess of JSON text */
		esc = pj_serialized_len(best) - 2;
		keep = pj_json_prefix(json_object_get_string(best), best_len,
							  esc > excess ? esc - excess : 0);
		shorter = json_object_new_string_len(json_object_get_string(best), (int) keep);
		if (shorter == NULL)
			return false;
		if (owner != best)
		{
			if (json_object_array_put_idx(owner, best_idx, shorter) != 0)
			{
				json_object_put(shorter);
				return false;
			}
		}
		else if (!pj_add(md, best_key, shorter))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------------
 * Vectors
 */

static bool
valid_id(const char *id)
{
	size_t		len = id ? strlen(id) : 0,
				chars = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; chars++)
	{
		unsigned int cp;
		size_t		n = pj_utf8_seq((const unsigned char *) id + i, len - i, &cp);

		i += n ? n : 1;
	}
	return chars <= PC_MAX_ID_CHARS;
}

static bool
valid_values(const float *values, int dim)
{
	bool		nonzero = false;

	if (values == NULL || dim < 1 || dim > PC_MAX_DIM)
		return false;
	for (int i = 0; i < dim; i++)
	{
		if (!isfinite(values[i]))
			return false;
		if (values[i] != 0.0f)
			nonzero = true;
	}
	return nonzero;
}

/*
 * Append {"id":...,"values":[...],"metadata":{...}} ("metadata" left out
 * when empty), preceded by a comma unless it is the first vector.
 * Returns the bytes added, 0 on allocation failure (the text is then cut
 * back to where it was).
 */
static size_t
append_vector(PcUpsert *u, const char *id, const float *values, int dim, json_object *md)
{
	size_t		start = u->vec.len;
	json_object *idj = pj_string(id);
	char	   *idtext = idj ? pj_serialize(idj) : NULL;
	char	   *mdtext = NULL;
	bool		ok = idtext != NULL;
	FormatMemo	memo;

	json_object_put(idj);
	if (ok && md != NULL && json_object_object_length(md) > 0)
		ok = (mdtext = pj_serialize(md)) != NULL;
	ok = ok && (u->count == 0 || text_buf_add(&u->vec, ",", 1)) &&
		text_buf_add(&u->vec, "{\"id\":", 6) && text_buf_add(&u->vec, idtext, strlen(idtext)) &&
		text_buf_add(&u->vec, ",\"values\":[", 11);
	memset(memo.used, 0, sizeof(memo.used));
	for (int i = 0; i < dim && ok; i++)
	{
		const char *num;
		int			n = format_float_memo(&memo, values[i], &num);

		ok = i == 0 ? text_buf_add(&u->vec, num + 1, (size_t) n - 1)
			: text_buf_add(&u->vec, num, (size_t) n);
	}
	ok = ok && text_buf_add(&u->vec, "]", 1);
	if (ok && mdtext)
		ok = text_buf_add(&u->vec, ",\"metadata\":", 12) && text_buf_add(&u->vec, mdtext, strlen(mdtext));
	ok = ok && text_buf_add(&u->vec, "}", 1);
	free(idtext);
	free(mdtext);
	if (!ok)
	{
		text_buf_truncate(&u->vec, start);
		return 0;
	}
	return u->vec.len - start;
}

bool
pc_upsert_add(PcUpsert *u, const char *id, const float *values, int dim,
			  json_object *metadata)
{
	json_object *md = NULL;
	size_t		start,
				add;

	if (u == NULL || u->count >= PC_MAX_VECTORS_PER_UPSERT || !valid_id(id) ||
		!valid_values(values, dim) ||
		(metadata != NULL && !json_object_is_type(metadata, json_type_object)))
	{
		json_object_put(metadata);
		return false;
	}
	if (metadata != NULL)
	{
		md = metadata_clean(metadata);
		json_object_put(metadata);
		if (md == NULL || !metadata_fit(md))
		{
			json_object_put(md);
			return false;
		}
	}
	start = u->vec.len;
	add = append_vector(u, id, values, dim, md);
	json_object_put(md);
	if (add == 0)
		return false;
	if (u->bytes + add > PC_MAX_UPSERT_BYTES)
	{
		/* It does not fit: the batch stays as it was. */
		text_buf_truncate(&u->vec, start);
		return false;
	}
	u->count++;
	u->bytes += add;
	return true;
}

char *
pc_delete_ids_body(const char *const *ids, int n, const char *namespace_)
{
	json_object *body,
			   *arr;
	char	   *out = NULL;
	bool		ok;

	if (ids == NULL || n < 1 || n > PC_MAX_DELETE_IDS)
		return NULL;
	for (int i = 0; i < n; i++)
		if (ids[i] == NULL || ids[i][0] == '\0')
			return NULL;
	body = json_object_new_object();
	arr = json_object_new_array_ext(n);
	ok = body != NULL && arr != NULL;
	for (int i = 0; i < n && ok; i++)
		ok = pj_append(arr, pj_string(ids[i]));
	if (ok && pj_add(body, "ids", json_object_get(arr)) &&
		pj_add(body, "namespace", pj_string(namespace_ ? namespace_ : "")))
		out = pj_serialize(body);
	json_object_put(arr);
	json_object_put(body);
	return out;
}

/* ------------------------------------------------------------------------
 * Responses
 */

bool
pc_parse_index_host(const char *body, size_t len, char *host, size_t hostsz)
{
	json_object *obj = pj_parse(body, len);
	size_t		hlen = 0;
	const char *h = pj_member_string(obj, "host", &hlen);
	bool		ok = false;

	if (host && hostsz)
		host[0] = '\0';
	if (h != NULL && hlen > 0)
		ok = pj_copy_exact(h, hlen, host, hostsz);
	json_object_put(obj);
	return ok;
}

bool
pc_parse_index_ready(const char *body, size_t len, char *state, size_t statesz)
{
	json_object *obj = pj_parse(body, len);
	json_object *status = NULL,
			   *ready;
	const char *st = NULL;
	size_t		stlen = 0;
	bool		ok = true;

	if (obj != NULL && json_object_is_type(obj, json_type_object) &&
		json_object_object_get_ex(obj, "status", &status) &&
		json_object_is_type(status, json_type_object))
	{
		if (json_object_object_get_ex(status, "ready", &ready) &&
			json_object_is_type(ready, json_type_boolean))
			ok = json_object_get_boolean(ready);
		st = pj_member_string(status, "state", &stlen);
	}
	pj_copy_trunc(st, stlen, state, statesz);
	json_object_put(obj);
	return ok;
}

bool
pc_parse_object(const char *body, size_t len)
{
	json_object *obj = pj_parse(body, len);
	bool		ok = obj != NULL && json_object_is_type(obj, json_type_object);

	json_object_put(obj);
	return ok;
}

bool
pc_parse_upsert_count(const char *body, size_t len, long *count)
{
	json_object *obj = pj_parse(body, len);
	json_object *v;
	bool		ok = false;

	if (obj != NULL && json_object_is_type(obj, json_type_object) &&
		json_object_object_get_ex(obj, "upsertedCount", &v) &&
		json_object_is_type(v, json_type_int))
	{
		int64_t		n = json_object_get_int64(v);

		if (n >= 0 && n <= LONG_MAX)
		{
			if (count)
				*count = (long) n;
			ok = true;
		}
	}
	json_object_put(obj);
	return ok;
}

bool
pc_parse_error(const char *body, size_t len, char *msg, size_t msgsz)
{
	json_object *obj = pj_parse(body, len);
	json_object *err;
	const char *m = NULL;
	size_t		mlen = 0;

	if (obj != NULL && json_object_is_type(obj, json_type_string))
	{
		m = json_object_get_string(obj);
		mlen = (size_t) json_object_get_string_len(obj);
	}
	else if (obj != NULL && json_object_is_type(obj, json_type_object))
	{
		if (json_object_object_get_ex(obj, "error", &err))
		{
			if (json_object_is_type(err, json_type_string))
			{
				m = json_object_get_string(err);
				mlen = (size_t) json_object_get_string_len(err);
			}
			else
				m = pj_member_string(err, "message", &mlen);
		}
		if (m == NULL)
			m = pj_member_string(obj, "message", &mlen);
		if (m == NULL)
			m = pj_member_string(obj, "detail", &mlen);
	}
	pj_copy_trunc(m, mlen, msg, msgsz);
	json_object_put(obj);
	return m != NULL;
}
