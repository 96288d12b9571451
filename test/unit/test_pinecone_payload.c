/*
 * test_pinecone_payload.c - unit tests of the Pinecone upsert builder,
 * delete body and response parsers (src/core/pinecone_payload.c).
 *
 * The builder's byte count is compared with strlen() of the real body
 * after every add: it must be exact, since batches are cut on it.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "pinecone_payload.h"
#include "unit.h"
#include "payload_test.h"

static bool
bytes_exact(PcUpsert *u)
{
	char	   *body = pc_upsert_body(u);
	bool		ok = body != NULL && strlen(body) == pc_upsert_bytes(u);

	free(body);
	return ok;
}

/* Serialized metadata of the only vector of a fresh builder, or NULL. */
static char *
metadata_after(json_object *md)
{
	PcUpsert   *u = pc_upsert_new("");
	float		v[2] = {1.0f, 0.0f};
	char	   *out = NULL;

	if (pc_upsert_add(u, "id", v, 2, md))
	{
		char	   *body = pc_upsert_body(u);
		json_object *obj = parse_body(body);
		json_object *m = path(json_object_array_get_idx(path(obj, "vectors", NULL, NULL), 0),
							  "metadata", NULL, NULL);

		out = strdup(m ? json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN |
														JSON_C_TO_STRING_NOSLASHESCAPE) : "");
		json_object_put(obj);
		free(body);
	}
	pc_upsert_free(u);
	return out;
}

static void
test_body_shape(void)
{
	PcUpsert   *u = pc_upsert_new("tenant-a");
	float		v[3] = {1.0f, 0.5f, -0.25f};
	json_object *md = json_object_new_object();
	char	   *body;

	CHECK(u && pc_upsert_count(u) == 0 && bytes_exact(u), "empty builder: bytes exact");
	body = pc_upsert_body(u);
	CHECK_STR(body, "{\"vectors\":[],\"namespace\":\"tenant-a\"}", "empty body");
	free(body);

	json_object_object_add(md, "table", json_object_new_string("docs"));
	json_object_object_add(md, "pk", json_object_new_int(42));
	CHECK(pc_upsert_add(u, "docs:42#0", v, 3, md), "add one vector");
	body = pc_upsert_body(u);
	CHECK_STR(body, "{\"vectors\":[{\"id\":\"docs:42#0\",\"values\":[1.0,0.5,-0.25],"
			  "\"metadata\":{\"table\":\"docs\",\"pk\":42}}],\"namespace\":\"tenant-a\"}",
			  "upsert body");
	CHECK(strlen(body) == pc_upsert_bytes(u), "bytes exact after one add");
	free(body);
	CHECK(pc_upsert_add(u, "no-metadata", v, 3, NULL) && bytes_exact(u), "vector without metadata");
	pc_upsert_free(u);

	/* Zero is written "0"; negative zero keeps its sign (and its ".0"). */
	{
		float		z[3] = {0.0f, -0.0f, 2.0f};

		u = pc_upsert_new("");
		CHECK(pc_upsert_add(u, "z", z, 3, NULL) && bytes_exact(u), "add zeros");
		body = pc_upsert_body(u);
		CHECK_STR(body, "{\"vectors\":[{\"id\":\"z\",\"values\":[0,-0.0,2.0]}],\"namespace\":\"\"}",
				  "zeros in the body");
		free(body);
		pc_upsert_free(u);
	}

	u = pc_upsert_new(NULL);
	body = pc_upsert_body(u);
	CHECK_STR(body, "{\"vectors\":[],\"namespace\":\"\"}", "NULL namespace is the default \"\"");
	free(body);
	pc_upsert_free(u);
}

/*
 * Values of one vector through an upsert body and back: how many do not
 * read back bit for bit (-0.0 written "-0" would read back as an integer,
 * positive zero); -1 when the vector was refused.
 */
static int
floats_read_back(const float *vals, int dim)
{
	PcUpsert   *u = pc_upsert_new("");
	char	   *body;
	json_object *obj,
			   *arr;
	int			bad = 0;

	if (!pc_upsert_add(u, "f", vals, dim, NULL))
	{
		pc_upsert_free(u);
		return -1;
	}
	body = pc_upsert_body(u);
	obj = parse_body(body);
	arr = path(json_object_array_get_idx(path(obj, "vectors", NULL, NULL), 0),
			   "values", NULL, NULL);
	for (int i = 0; i < dim; i++)
	{
		float		back = arr ? (float) json_object_get_double(json_object_array_get_idx(arr, (size_t) i)) : 0;

		if (arr == NULL || memcmp(&back, &vals[i], sizeof(float)) != 0)
			bad++;
	}
	json_object_put(obj);
	free(body);
	pc_upsert_free(u);
	return bad;
}

static void
test_floats(void)
{
	static const float vals[] = {0.1f, -1e-30f, 3.4028235e38f, -1.17549435e-38f, 1.4e-45f,
	1.0f / 3.0f, 123456.789f, -0.0f, 7.0f, 0.0f};

	CHECK(floats_read_back(vals, (int) (sizeof(vals) / sizeof(vals[0]))) == 0,
		  "every awkward float reads back bit for bit (%%.9g)");

	/* Random bit patterns over the whole float range, every exponent. */
	{
		enum
		{
			RDIM = 1000, ROUNDS = 50
		};
		float	   *r = malloc(sizeof(float) * RDIM);
		uint32_t	x = 2463534242u;
		int			bad = 0;

		for (int round = 0; round < ROUNDS; round++)
		{
			for (int i = 0; i < RDIM; i++)
			{
				do
				{
					x ^= x << 13;
					x ^= x >> 17;
					x ^= x << 5;
					memcpy(&r[i], &x, sizeof(float));
				} while (!isfinite(r[i]));
			}
			bad += abs(floats_read_back(r, RDIM));
		}
		CHECK(bad == 0, "50,000 random floats read back bit for bit (%d did not)", bad);
		free(r);
	}

	/*
	 * Few distinct values repeated, as the built-in embedder makes them
	 * (formatted once per vector and reused): each repeat reads back, also
	 * when neighbours in bits share a memo slot, and -0.0 stays -0.0.
	 */
	{
		enum
		{
			DIM = 384, DISTINCT = 40
		};
		float		v[DIM],
					base[DISTINCT];
		int			negzero = 0,
					bad;

		for (int k = 0; k < DISTINCT; k++)
		{
			uint32_t	b = 0x3d970000u + (uint32_t) k * 0x10000u;	/* about 0.07 upwards */

			memcpy(&base[k], &b, sizeof(float));
			if (k % 3 == 1)
				base[k] = -base[k];
		}
		base[7] = 0.0f;
		base[8] = -0.0f;
		for (int i = 0; i < DIM; i++)
		{
			v[i] = base[(i * 7) % DISTINCT];
			if (signbit(v[i]) && v[i] == 0.0f)
				negzero++;
		}
		bad = floats_read_back(v, DIM);
		CHECK(negzero > 0 && bad == 0,
			  "384 values of 40 distinct ones, -0.0 among them (%d times), read back bit for bit (%d did not)",
			  negzero, bad);
	}
}

static void
test_refusals(void)
{
	PcUpsert   *u = pc_upsert_new("");
	float		v[2] = {0.5f, 0.5f};
	float		zero[2] = {0.0f, 0.0f};
	float		nan2[2] = {NAN, 1.0f};
	char	   *id512 = rep("\xC3\xA9", 512, NULL);	/* 512 characters, 1024 bytes */
	char	   *id513 = rep("a", 513, NULL);

	CHECK(!pc_upsert_add(u, "", v, 2, json_object_new_object()), "empty id refused");
	CHECK(!pc_upsert_add(u, NULL, v, 2, NULL), "NULL id refused");
	CHECK(!pc_upsert_add(u, id513, v, 2, NULL), "513-character id refused");
	CHECK(pc_upsert_add(u, id512, v, 2, NULL), "512-character id accepted");
	CHECK(!pc_upsert_add(u, "z", zero, 2, NULL), "all-zero vector refused");
	CHECK(!pc_upsert_add(u, "n", nan2, 2, NULL), "NaN value refused");
	CHECK(!pc_upsert_add(u, "d", v, 0, NULL) && !pc_upsert_add(u, "d", NULL, 2, NULL),
		  "no values refused");
	CHECK(!pc_upsert_add(u, "a", v, 2, json_object_new_array()), "metadata that is not an object refused");
	CHECK(pc_upsert_count(u) == 1 && bytes_exact(u), "refusals leave the builder as it was");
	pc_upsert_free(u);
	free(id512);
	free(id513);
}

static void
test_metadata(void)
{
	json_object *md = json_object_new_object();
	json_object *nested = json_object_new_object();
	json_object *mixed = json_object_new_array();
	json_object *tags = json_object_new_array();
	char	   *got;

	json_object_object_add(nested, "x", json_object_new_int(1));
	json_object_array_add(mixed, json_object_new_string("a"));
	json_object_array_add(mixed, json_object_new_int(1));
	json_object_array_add(tags, json_object_new_string("a"));
	json_object_array_add(tags, json_object_new_string("b"));
	json_object_object_add(md, "gone", NULL);
	json_object_object_add(md, "s", json_object_new_string("v/1"));
	json_object_object_add(md, "nested", nested);
	json_object_object_add(md, "mixed", mixed);
	json_object_object_add(md, "tags", tags);
	json_object_object_add(md, "$op", json_object_new_string("x"));
	json_object_object_add(md, "b", json_object_new_boolean(1));
	json_object_object_add(md, "d", json_object_new_double(2.5));
	json_object_object_add(md, "inf", json_object_new_double(INFINITY));
	json_object_object_add(md, "bad\xff", json_object_new_string("\xc3"));
	got = metadata_after(md);
	CHECK_STR(got, "{\"s\":\"v/1\",\"tags\":[\"a\",\"b\"],\"b\":true,\"d\":2.5,"
			  "\"bad\xEF\xBF\xBD\":\"\xEF\xBF\xBD\"}",
			  "null, nested, mixed lists, $keys, non-finite dropped; invalid UTF-8 replaced");
	free(got);

	md = json_object_new_object();
	json_object_object_add(md, "gone", NULL);
	got = metadata_after(md);
	CHECK_STR(got, "", "metadata left empty is not sent");
	free(got);

	/* a long text is cut at a character boundary to fit, numbers charged 24 bytes */
	{
		char	   *text = rep("\xC3\xA9", 50000, NULL);	/* 100,000 bytes */
		size_t		len;
		const char *s;
		json_object *obj;

		md = json_object_new_object();
		json_object_object_add(md, "pk", json_object_new_int(42));
		json_object_object_add(md, "text", json_object_new_string(text));
		json_object_object_add(md, "title", json_object_new_string("short"));
		got = metadata_after(md);
		obj = parse_body(got);
		s = str_at(obj, "text", NULL, NULL);
		len = s ? strlen(s) : 0;
		CHECK(got && strlen(got) + (24 - 2) <= PC_MAX_METADATA_BYTES &&
			  strlen(got) + 22 > PC_MAX_METADATA_BYTES - 2 &&
			  utf8_ok(s, len) && strncmp(s, text, len) == 0 &&
			  strcmp(str_at(obj, "title", NULL, NULL), "short") == 0,
			  "100 KB text cut to %zu bytes: metadata %zu bytes + number allowance <= 40 KB",
			  len, got ? strlen(got) : 0);
		json_object_put(obj);
		free(got);
		free(text);
	}

	/* escapes count: 30,000 quotes serialize to 60,000 bytes */
	{
		char	   *text = rep("\"", 30000, NULL);

		md = json_object_new_object();
		json_object_object_add(md, "q", json_object_new_string(text));
		json_object_object_add(md, "tags", json_object_new_array());
		json_object_array_add(json_object_object_get(md, "tags"), json_object_new_string(text));
		got = metadata_after(md);
		CHECK(got && strlen(got) <= PC_MAX_METADATA_BYTES && strlen(got) > PC_MAX_METADATA_BYTES - 8,
			  "escaped strings (also in lists) cut to fit: %zu bytes", got ? strlen(got) : 0);
		free(got);
		free(text);
	}

	/* metadata that cannot fit: too many numbers; refused on an empty builder */
	{
		PcUpsert   *u = pc_upsert_new("");
		float		v[1] = {1.0f};
		char		key[16];

		md = json_object_new_object();
		for (int i = 0; i < 2000; i++)
		{
			snprintf(key, sizeof(key), "k%d", i);
			json_object_object_add(md, key, json_object_new_int(i));
		}
		CHECK(!pc_upsert_add(u, "x", v, 1, md) && pc_upsert_count(u) == 0,
			  "metadata that can never fit: false on an empty builder");
		pc_upsert_free(u);
	}
}

static void
test_caps(void)
{
	PcUpsert   *u = pc_upsert_new("ns");
	float		v[4] = {0.25f, -0.5f, 0.125f, 1.0f};
	char		id[32];
	bool		exact = true;
	int			added = 0;

	for (int i = 0; i < 1000; i++)
	{
		json_object *md = json_object_new_object();

		json_object_object_add(md, "i", json_object_new_int(i));
		json_object_object_add(md, "t", json_object_new_string(i % 7 ? "a\"b\\c/d\n" : "\xE2\x82\xAC"));
		snprintf(id, sizeof(id), "docs:%d#%d", i / 3, i % 3);
		added += pc_upsert_add(u, id, v, 4, md);
		if (i % 97 == 0)
			exact = exact && bytes_exact(u);
	}
	CHECK(added == 1000 && exact && bytes_exact(u), "1000 vectors, byte count exact throughout");
	CHECK(!pc_upsert_add(u, "one-more", v, 4, NULL) && pc_upsert_count(u) == 1000,
		  "the 1001st vector is refused");
	pc_upsert_free(u);

	/* big vectors: the 2,000,000-byte cap comes first */
	{
		enum
		{
		DIM = 1536};
		float	   *big = malloc(DIM * sizeof(float));
		size_t		one;
		PcUpsert   *probe = pc_upsert_new("ns");

		for (int i = 0; i < DIM; i++)
			big[i] = (float) sin(i + 1.0) / 3.0f;
		pc_upsert_add(probe, "docs:0#0", big, DIM, NULL);
		one = pc_upsert_bytes(probe) - strlen("{\"vectors\":[],\"namespace\":\"ns\"}");
		pc_upsert_free(probe);

		u = pc_upsert_new("ns");
		added = 0;
		while (pc_upsert_add(u, "docs:0#0", big, DIM, NULL))
			added++;
		CHECK(added > 50 && added < 1000 && pc_upsert_bytes(u) <= PC_MAX_UPSERT_BYTES &&
			  pc_upsert_bytes(u) + one + 1 > PC_MAX_UPSERT_BYTES && bytes_exact(u),
			  "%d vectors of %zu bytes fill %zu bytes; the next would pass the cap",
			  added, one, pc_upsert_bytes(u));
		pc_upsert_free(u);
		free(big);
	}
}

static void
test_delete(void)
{
	const char *ids[] = {"docs:42#0", "docs:42#1"};
	const char *bad[] = {"a", ""};
	const char **many = malloc(1001 * sizeof(char *));
	char	   *body = pc_delete_ids_body(ids, 2, "tenant-a");

	CHECK_STR(body, "{\"ids\":[\"docs:42#0\",\"docs:42#1\"],\"namespace\":\"tenant-a\"}", "delete body");
	free(body);
	body = pc_delete_ids_body(ids, 1, NULL);
	CHECK_STR(body, "{\"ids\":[\"docs:42#0\"],\"namespace\":\"\"}", "delete, default namespace");
	free(body);
	for (int i = 0; i < 1001; i++)
		many[i] = "x";
	body = pc_delete_ids_body(many, 1000, "");
	CHECK(body != NULL, "1000 ids accepted");
	free(body);
	CHECK(pc_delete_ids_body(many, 1001, "") == NULL && pc_delete_ids_body(ids, 0, "") == NULL &&
		  pc_delete_ids_body(bad, 2, "") == NULL && pc_delete_ids_body(NULL, 1, "") == NULL,
		  "delete: 0, 1001, empty and NULL ids refused");
	free(many);
}

static void
test_parsers(void)
{
	const char *describe = "{\"name\":\"amprenta\",\"dimension\":384,\"metric\":\"cosine\","
		"\"host\":\"127.0.0.1:41003\",\"status\":{\"ready\":true,\"state\":\"Ready\"}}";
	const char *html = "<html><body>502 Bad Gateway</body></html>";
	char		host[64],
				msg[64];
	long		n = -1;

	CHECK(pc_parse_index_host(describe, strlen(describe), host, sizeof(host)) &&
		  strcmp(host, "127.0.0.1:41003") == 0, "index host");
	CHECK(!pc_parse_index_host(describe, strlen(describe), host, 15) && host[0] == '\0',
		  "host that does not fit: false");
	CHECK(!pc_parse_index_host("{\"host\":\"\"}", 11, host, sizeof(host)) &&
		  !pc_parse_index_host("{\"name\":\"x\"}", 12, host, sizeof(host)) &&
		  !pc_parse_index_host(html, strlen(html), host, sizeof(host)), "no host: false");
	{
		const char *init = "{\"host\":\"h\",\"status\":{\"ready\":false,\"state\":\"Initializing\"}}";
		char		state[16];

		CHECK(pc_parse_index_ready(describe, strlen(describe), state, sizeof(state)) &&
			  strcmp(state, "Ready") == 0, "ready index");
		CHECK(!pc_parse_index_ready(init, strlen(init), state, sizeof(state)) &&
			  strcmp(state, "Initializing") == 0, "initializing index: not ready, with its state");
		CHECK(!pc_parse_index_ready(init, strlen(init), state, 5) && strcmp(state, "Init") == 0,
			  "state cut to fit");
		CHECK(pc_parse_index_ready("{\"host\":\"h\"}", 12, state, sizeof(state)) && state[0] == '\0' &&
			  pc_parse_index_ready(html, strlen(html), NULL, 0), "no status: ready");
		CHECK(pc_parse_object("{}", 2) && pc_parse_object(" {\"a\":1} ", 9), "delete answer: an object");
		CHECK(!pc_parse_object("{", 1) && !pc_parse_object("", 0) && !pc_parse_object(NULL, 0) &&
			  !pc_parse_object("[]", 2) && !pc_parse_object(html, strlen(html)), "not an object: false");
	}

	CHECK(pc_parse_upsert_count("{\"upsertedCount\":1000}", 22, &n) && n == 1000, "upsertedCount");
	CHECK(!pc_parse_upsert_count("{\"upsertedCount\":\"3\"}", 21, &n) &&
		  !pc_parse_upsert_count("{}", 2, &n) && !pc_parse_upsert_count(html, strlen(html), &n) &&
		  !pc_parse_upsert_count("{\"upsertedCount\":-1}", 20, &n), "bad upsertedCount: false");

	{
		struct
		{
			const char *body,
					   *want;
		}			cases[] = {
			{"{\"error\":{\"code\":\"NOT_FOUND\",\"message\":\"Index x not found.\"},\"status\":404}",
			"Index x not found."},
			{"{\"code\":3,\"message\":\"Vector dimension 0 does not match the dimension of the index 1536\",\"details\":[]}",
			"Vector dimension 0 does not match the dimension of the index 1536"},
			{"{\"message\":\"Too many requests\"}", "Too many requests"},
			{"{\"detail\":\"Bad gateway\"}", "Bad gateway"},
			{"\"Unauthorized\"", "Unauthorized"},
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		{
			bool		ok = pc_parse_error(cases[i].body, strlen(cases[i].body), msg, sizeof(msg));

			CHECK(ok && strncmp(msg, cases[i].want, sizeof(msg) - 1) == 0,
				  "error shape %zu: %s", i, msg);
		}
	}
	CHECK(!pc_parse_error("Unauthorized", 12, msg, sizeof(msg)) && msg[0] == '\0',
		  "plain-text body: false");
	CHECK(!pc_parse_error(html, strlen(html), msg, sizeof(msg)) &&
		  !pc_parse_error("{\"status\":500}", 14, msg, sizeof(msg)) &&
		  !pc_parse_error("{\"code\":3,\"message\":", 20, msg, sizeof(msg)), "no message: false");
}

int
main(void)
{
	test_body_shape();
	test_floats();
	test_refusals();
	test_metadata();
	test_caps();
	test_delete();
	test_parsers();
	return unit_done();
}
