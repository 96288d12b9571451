/*
 * embed_payload.c - bodies and response parsing of the remote embedding
 * providers (see embed_payload.h).
 */
#include "embed_payload.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload_json.h"

static bool
valid_inputs(const char *const *inputs, int n)
{
	if (inputs == NULL || n < 1)
		return false;
	for (int i = 0; i < n; i++)
		if (inputs[i] == NULL || inputs[i][0] == '\0')
			return false;
	return true;
}

char *
openai_embed_body(const char *model, const char *const *inputs, int n, int dimensions)
{
	json_object *body,
			   *arr;
	char	   *out = NULL;
	bool		ok;

	if (model == NULL || *model == '\0' || n > OPENAI_EMBED_MAX_INPUTS ||
		!valid_inputs(inputs, n))
		return NULL;
	body = json_object_new_object();
	arr = json_object_new_array_ext(n);
	ok = body != NULL && arr != NULL && pj_add(body, "model", pj_string(model));
	for (int i = 0; i < n && ok; i++)
		ok = pj_append(arr, pj_string(inputs[i]));
	if (ok && pj_add(body, "input", json_object_get(arr)) &&
	/* explicit: some clients default to base64, which we do not parse */
		pj_add(body, "encoding_format", json_object_new_string("float")) &&
		(dimensions <= 0 || pj_add(body, "dimensions", json_object_new_int(dimensions))))
		out = pj_serialize(body);
	json_object_put(arr);
	json_object_put(body);
	return out;
}

bool
openai_model_takes_dimensions(const char *model)
{
	return model != NULL && strncmp(model, "text-embedding-3", strlen("text-embedding-3")) == 0;
}

bool
pinecone_model_takes_dimension(const char *model)
{
	/* Pinecone's hosted models with a choice of sizes (GET /models/{name}) */
	static const char *const sized[] = {"llama-text-embed-v2"};

	for (size_t i = 0; model != NULL && i < sizeof(sized) / sizeof(sized[0]); i++)
		if (strcmp(model, sized[i]) == 0)
			return true;
	return false;
}

char *
pinecone_embed_body(const char *model, const char *input_type,
					const char *const *inputs, int n, int dimension)
{
	json_object *body,
			   *params,
			   *arr;
	char	   *out = NULL;
	bool		ok;

	if (model == NULL || *model == '\0' || input_type == NULL ||
		(strcmp(input_type, "passage") != 0 && strcmp(input_type, "query") != 0) ||
		!valid_inputs(inputs, n))
		return NULL;
	body = json_object_new_object();
	params = json_object_new_object();
	arr = json_object_new_array_ext(n);
	ok = body != NULL && params != NULL && arr != NULL &&
		pj_add(body, "model", pj_string(model)) &&
		pj_add(params, "input_type", json_object_new_string(input_type)) &&
	/* cut overlong inputs instead of failing the batch */
		pj_add(params, "truncate", json_object_new_string("END")) &&
		(dimension <= 0 || pj_add(params, "dimension", json_object_new_int(dimension))) &&
		pj_add(body, "parameters", json_object_get(params));
	for (int i = 0; i < n && ok; i++)
	{
		json_object *item = json_object_new_object();

		ok = item != NULL && pj_add(item, "text", pj_string(inputs[i])) &&
			pj_append(arr, json_object_get(item));
		json_object_put(item);
	}
	if (ok && pj_add(body, "inputs", json_object_get(arr)))
		out = pj_serialize(body);
	json_object_put(arr);
	json_object_put(params);
	json_object_put(body);
	return out;
}

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int
fail(char *errmsg, size_t errsz, int code, const char *fmt,...)
{
	va_list		ap;

	if (errmsg != NULL && errsz > 0)
	{
		va_start(ap, fmt);
		vsnprintf(errmsg, errsz, fmt, ap);
		va_end(ap);
	}
	return code;
}

/* The error message a 200 body may carry instead of data (gateways do). */
static const char *
error_message(json_object *obj)
{
	json_object *err;
	size_t		len;
	const char *m;

	if (!json_object_object_get_ex(obj, "error", &err))
		return NULL;
	if (json_object_is_type(err, json_type_string))
		return json_object_get_string(err);
	m = pj_member_string(err, "message", &len);
	return m ? m : "(no message)";
}

/* A float of v, if v is a finite number within float range. */
static bool
as_float(json_object *v, float *f)
{
	double		d;

	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return false;
	d = json_object_get_double(v);
	if (!isfinite(d) || fabs(d) > FLT_MAX)
		return false;
	*f = (float) d;
	return true;
}

/*
 * Check every embedding (write == false), then copy them (write == true):
 * out is left alone unless the whole response is good.
 */
static int
walk(json_object *data, bool pinecone_style, int n, int dim, float *out, bool write,
	 char *errmsg, size_t errsz)
{
	bool	   *seen = NULL;
	int			rc = 0;

	if (!pinecone_style && !write && (seen = calloc((size_t) n, sizeof(bool))) == NULL)
		return fail(errmsg, errsz, -1, "out of memory");
	for (int i = 0; i < n && rc == 0; i++)
	{
		json_object *item = json_object_array_get_idx(data, (size_t) i);
		json_object *emb = NULL,
				   *idx;
		int			slot = i;
		size_t		kind_len;
		const char *kind = pj_member_string(item, "vector_type", &kind_len);

		if (!json_object_is_type(item, json_type_object))
			rc = fail(errmsg, errsz, -1, "data[%d] is not an object", i);
		else if (pinecone_style)
		{
			if (kind != NULL && strcmp(kind, "dense") != 0)
				rc = fail(errmsg, errsz, -1, "data[%d] is a %.20s vector, not dense", i, kind);
			else
				json_object_object_get_ex(item, "values", &emb);
		}
		else
		{
			if (!json_object_object_get_ex(item, "index", &idx) ||
				!json_object_is_type(idx, json_type_int))
				rc = fail(errmsg, errsz, -1, "data[%d] has no index", i);
			else
			{
				int64_t		k = json_object_get_int64(idx);

				if (k < 0 || k >= n || (seen && seen[k]))
					rc = fail(errmsg, errsz, -2,
							  "data[%d] has index %lld: not one embedding per input (%d)",
							  i, (long long) k, n);
				else
				{
					slot = (int) k;
					if (seen)
						seen[k] = true;
				}
			}
			if (rc == 0)
				json_object_object_get_ex(item, "embedding", &emb);
		}
		if (rc != 0)
			break;
		if (json_object_is_type(emb, json_type_string))
			rc = fail(errmsg, errsz, -1, "data[%d] is base64, not a list of floats", i);
		else if (!json_object_is_type(emb, json_type_array))
			rc = fail(errmsg, errsz, -1, "data[%d] has no %s list", i,
					  pinecone_style ? "values" : "embedding");
		else if ((int) json_object_array_length(emb) != dim ||
				 json_object_array_length(emb) > INT_MAX)
			rc = fail(errmsg, errsz, -3, "embedding %d has %zu dimensions, expected %d",
					  i, json_object_array_length(emb), dim);
		for (int j = 0; j < dim && rc == 0; j++)
		{
			float		f;

			if (!as_float(json_object_array_get_idx(emb, (size_t) j), &f))
				rc = fail(errmsg, errsz, -1, "embedding %d: value %d is not a finite float", i, j);
			else if (write)
				out[(size_t) slot * (size_t) dim + (size_t) j] = f;
		}
	}
	free(seen);
	return rc;
}

int
embed_parse_response(const char *body, size_t len, bool pinecone_style, int n, int dim,
					 float *out, char *errmsg, size_t errsz)
{
	json_object *obj,
			   *data;
	const char *m;
	int			rc;

	if (errmsg != NULL && errsz > 0)
		errmsg[0] = '\0';
	if (n < 1 || dim < 1 || out == NULL)
		return fail(errmsg, errsz, -1, "bad arguments");
	if ((obj = pj_parse(body, len)) == NULL)
		return fail(errmsg, errsz, -1, "response is not JSON");
	if (!json_object_is_type(obj, json_type_object))
		rc = fail(errmsg, errsz, -1, "response is not a JSON object");
	else if ((m = error_message(obj)) != NULL)
		rc = fail(errmsg, errsz, -1, "error from the service: %.200s", m);
	else if (!json_object_object_get_ex(obj, "data", &data) ||
			 !json_object_is_type(data, json_type_array))
		rc = fail(errmsg, errsz, -1, "response has no data list");
	else if (json_object_array_length(data) != (size_t) n)
		rc = fail(errmsg, errsz, -2, "%zu embeddings for %d inputs",
				  json_object_array_length(data), n);
	else if ((rc = walk(data, pinecone_style, n, dim, out, false, errmsg, errsz)) == 0)
		rc = walk(data, pinecone_style, n, dim, out, true, errmsg, errsz);
	json_object_put(obj);
	return rc;
}

int
embed_estimate_tokens(const char *text)
{
	size_t		len = text ? strlen(text) : 0;
	size_t		t = len / 4 + (len % 4 != 0);

	if (t < 1)
		return 1;
	return t > INT_MAX ? INT_MAX : (int) t;
}
