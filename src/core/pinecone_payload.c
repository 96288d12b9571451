/*
 * pinecone_payload.c - the upsert builder, the delete body and the
 * response parsers of Pinecone's data plane (see pinecone_payload.h).
 *
 * The upsert body is one json-c object, {"vectors":[...],"namespace":ns},
 * with the vectors appended as they come.  Its serialized size is known
 * without serializing it again: with PJ_FLAGS json-c writes an array as
 * "[" elements joined by "," "]", so adding an element adds exactly the
 * element's own serialized length, plus one comma after the first.  Each
 * vector is serialized once, when it is added; the unit tests check the
 * sum against the real body.
 */
#include "pinecone_payload.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "payload_json.h"

struct PcUpsert
{
	json_object *body;			/* {"vectors":[...],"namespace":ns} */
	json_object *vectors;		/* borrowed from body */
	int			count;
	size_t		bytes;			/* serialized length of body */
};

/*
 * Every value is printed with this format: nine significant digits read
 * back as the same float, and json-c's double serializer takes it as its
 * user data (never freed: it is a literal).
 */
static char float_format[] = "%.9g";

PcUpsert *
pc_upsert_new(const char *namespace_)
{
	PcUpsert   *u = calloc(1, sizeof(PcUpsert));

	if (u == NULL)
		return NULL;
	u->body = json_object_new_object();
	u->vectors = json_object_new_array();
	if (u->body == NULL || !pj_add(u->body, "vectors", u->vectors))
	{
		if (u->body == NULL)
			json_object_put(u->vectors);
		json_object_put(u->body);
		free(u);
		return NULL;
	}
	if (!pj_add(u->body, "namespace", pj_string(namespace_ ? namespace_ : "")) ||
		(u->bytes = pj_serialized_len(u->body)) == 0)
	{
		pc_upsert_free(u);
		return NULL;
	}
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
	return u ? pj_serialize(u->body) : NULL;
}

void
pc_upsert_free(PcUpsert *u)
{
	if (u == NULL)
		return;
	json_object_put(u->body);
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

static json_object *
make_vector(const char *id, const float *values, int dim, json_object *md)
{
	json_object *vec = json_object_new_object();
	json_object *arr = json_object_new_array_ext(dim);

	if (vec == NULL || arr == NULL || !pj_add(vec, "id", pj_string(id)))
		goto fail;
	for (int i = 0; i < dim; i++)
	{
		json_object *d = json_object_new_double((double) values[i]);

		if (d == NULL)
			goto fail;
		json_object_set_serializer(d, json_object_double_to_json_string, float_format, NULL);
		if (!pj_append(arr, d))
			goto fail;
	}
	if (!pj_add(vec, "values", arr))
	{
		arr = NULL;
		goto fail;
	}
	arr = NULL;
	if (md != NULL && json_object_object_length(md) > 0 &&
		!pj_add(vec, "metadata", json_object_get(md)))
		goto fail;
	return vec;
fail:
	json_object_put(arr);
	json_object_put(vec);
	return NULL;
}

bool
pc_upsert_add(PcUpsert *u, const char *id, const float *values, int dim,
			  json_object *metadata)
{
	json_object *md = NULL,
			   *vec;
	size_t		add;

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
	vec = make_vector(id, values, dim, md);
	json_object_put(md);
	if (vec == NULL)
		return false;
	add = pj_serialized_len(vec) + (u->count > 0 ? 1 : 0);
	if (add <= 1 || u->bytes + add > PC_MAX_UPSERT_BYTES)
	{
		json_object_put(vec);
		return false;
	}
	if (!pj_append(u->vectors, vec))
		return false;
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
