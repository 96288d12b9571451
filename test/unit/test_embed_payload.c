/*
 * test_embed_payload.c - unit tests of the remote embedding request bodies
 * and response parser (src/core/embed_payload.c).
 */
#include <stdbool.h>
#include <stdlib.h>

#include "embed_payload.h"
#include "unit.h"
#include "payload_test.h"

static void
test_bodies(void)
{
	const char *in[] = {"first chunk", "caf\xC3\xA9 \"q\" a/b"};
	const char *bad[] = {"x", ""};
	const char *with_null[] = {"x", NULL};
	char	   *body;

	body = openai_embed_body("text-embedding-3-small", in, 2, 0);
	CHECK_STR(body, "{\"model\":\"text-embedding-3-small\",\"input\":[\"first chunk\","
			  "\"caf\xC3\xA9 \\\"q\\\" a/b\"],\"encoding_format\":\"float\"}", "OpenAI body");
	free(body);
	body = openai_embed_body("text-embedding-3-small", in, 1, 512);
	CHECK_STR(body, "{\"model\":\"text-embedding-3-small\",\"input\":[\"first chunk\"],"
			  "\"encoding_format\":\"float\",\"dimensions\":512}", "OpenAI body with dimensions");
	free(body);
	CHECK(openai_embed_body("m", in, 0, 0) == NULL && openai_embed_body("m", bad, 2, 0) == NULL &&
		  openai_embed_body("m", with_null, 2, 0) == NULL && openai_embed_body(NULL, in, 1, 0) == NULL &&
		  openai_embed_body("", in, 1, 0) == NULL && openai_embed_body("m", NULL, 1, 0) == NULL,
		  "OpenAI: no inputs, empty or NULL input, no model refused");
	{
		const char **many = malloc(2049 * sizeof(char *));

		for (int i = 0; i < 2049; i++)
			many[i] = "t";
		body = openai_embed_body("m", many, 2048, 0);
		CHECK(body != NULL && openai_embed_body("m", many, 2049, 0) == NULL,
			  "OpenAI: 2048 inputs accepted, 2049 refused");
		free(body);
		free(many);
	}

	body = pinecone_embed_body("multilingual-e5-large", "passage", in, 2, 0);
	CHECK_STR(body, "{\"model\":\"multilingual-e5-large\",\"parameters\":{\"input_type\":\"passage\","
			  "\"truncate\":\"END\"},\"inputs\":[{\"text\":\"first chunk\"},"
			  "{\"text\":\"caf\xC3\xA9 \\\"q\\\" a/b\"}]}", "Pinecone body");
	free(body);
	body = pinecone_embed_body("multilingual-e5-large", "query", in, 1, 0);
	CHECK(body && strstr(body, "\"input_type\":\"query\""), "Pinecone query body");
	free(body);
	CHECK(pinecone_embed_body("m", "document", in, 1, 0) == NULL &&
		  pinecone_embed_body("m", NULL, in, 1, 0) == NULL &&
		  pinecone_embed_body("m", "passage", bad, 2, 0) == NULL &&
		  pinecone_embed_body("m", "passage", in, 0, 0) == NULL,
		  "Pinecone: bad input_type, empty input, no inputs refused");

	body = pinecone_embed_body("llama-text-embed-v2", "passage", in, 1, 384);
	CHECK_STR(body, "{\"model\":\"llama-text-embed-v2\",\"parameters\":{\"input_type\":\"passage\","
			  "\"truncate\":\"END\",\"dimension\":384},\"inputs\":[{\"text\":\"first chunk\"}]}",
			  "Pinecone body with a dimension");
	free(body);

	/* which models are told the size of their vectors */
	CHECK(openai_model_takes_dimensions("text-embedding-3-small") &&
		  openai_model_takes_dimensions("text-embedding-3-large"),
		  "OpenAI: the text-embedding-3 models take dimensions");
	CHECK(!openai_model_takes_dimensions("text-embedding-ada-002") &&
		  !openai_model_takes_dimensions("nomic-embed-text") &&
		  !openai_model_takes_dimensions("text-embedding-") &&
		  !openai_model_takes_dimensions("") && !openai_model_takes_dimensions(NULL),
		  "OpenAI: ada-002, other servers' models, empty and NULL do not");
	CHECK(pinecone_model_takes_dimension("llama-text-embed-v2"),
		  "Pinecone: llama-text-embed-v2 takes a dimension");
	CHECK(!pinecone_model_takes_dimension("multilingual-e5-large") &&
		  !pinecone_model_takes_dimension("llama-text-embed-v2x") &&
		  !pinecone_model_takes_dimension("") && !pinecone_model_takes_dimension(NULL),
		  "Pinecone: multilingual-e5-large (1024 only), unknown, empty and NULL do not");

	/* invalid UTF-8 is sent as U+FFFD, so the body is valid JSON text */
	{
		const char *raw[] = {"a\xff"};
		json_object *obj;

		body = openai_embed_body("m", raw, 1, 0);
		obj = parse_body(body);
		CHECK(obj != NULL && strstr(body, "a\xEF\xBF\xBD") != NULL, "invalid UTF-8 replaced");
		json_object_put(obj);
		free(body);
	}
}

/* out filled with a sentinel, to see that failures leave it alone */
static void
sentinel(float *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = -99.0f;
}

static bool
untouched(const float *out, int n)
{
	for (int i = 0; i < n; i++)
		if (out[i] != -99.0f)
			return false;
	return true;
}

static void
check_parse(const char *body, bool pc, int n, int dim, int want, const char *label)
{
	float		out[16];
	char		err[160];
	int			rc;

	sentinel(out, 16);
	rc = embed_parse_response(body, strlen(body), pc, n, dim, out, err, sizeof(err));
	CHECK(rc == want && (rc == 0 || (untouched(out, 16) && err[0] != '\0')),
		  "%s: %d (want %d) %s", label, rc, want, err);
}

static void
test_parse(void)
{
	const char *oa = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":1,"
		"\"embedding\":[0.5,-1]},{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,2]}],"
		"\"model\":\"m\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
	const char *pc = "{\"model\":\"multilingual-e5-large\",\"vector_type\":\"dense\",\"data\":["
		"{\"vector_type\":\"dense\",\"values\":[0.012,-0.034]},{\"values\":[1,0]}],"
		"\"usage\":{\"total_tokens\":12}}";
	float		out[4];
	char		err[160];

	CHECK(embed_parse_response(oa, strlen(oa), false, 2, 2, out, err, sizeof(err)) == 0 &&
		  out[0] == 0.25f && out[1] == 2.0f && out[2] == 0.5f && out[3] == -1.0f && err[0] == '\0',
		  "OpenAI: placed by index, not array order");
	CHECK(embed_parse_response(pc, strlen(pc), true, 2, 2, out, NULL, 0) == 0 &&
		  out[0] == 0.012f && out[1] == -0.034f && out[2] == 1.0f && out[3] == 0.0f,
		  "Pinecone: in order");

	check_parse(oa, false, 2, 3, -3, "OpenAI dimension mismatch");
	check_parse(pc, true, 2, 1024, -3, "Pinecone dimension mismatch");
	check_parse(oa, false, 3, 2, -2, "OpenAI count mismatch");
	check_parse(pc, true, 1, 2, -2, "Pinecone count mismatch");
	check_parse("{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":0,\"embedding\":[2]}]}",
				false, 2, 1, -2, "repeated index");
	check_parse("{\"data\":[{\"index\":0,\"embedding\":[1]},{\"index\":2,\"embedding\":[2]}]}",
				false, 2, 1, -2, "index out of range");
	check_parse("{\"data\":[{\"embedding\":[1]}]}", false, 1, 1, -1, "no index");
	check_parse("{\"data\":[{\"index\":0,\"embedding\":\"AACAPw==\"}]}", false, 1, 1, -1, "base64");
	check_parse("{\"data\":[{\"index\":0,\"embedding\":[\"1\"]}]}", false, 1, 1, -1, "string value");
	check_parse("{\"data\":[{\"index\":0,\"embedding\":[1e40]}]}", false, 1, 1, -1, "beyond float range");
	check_parse("{\"data\":[{\"vector_type\":\"sparse\",\"sparse_values\":[1]}]}", true, 1, 1, -1,
				"sparse vector");
	check_parse("{\"data\":[{\"values\":null}]}", true, 1, 1, -1, "null values");
	check_parse("{\"data\":{}}", false, 1, 1, -1, "data not a list");
	check_parse("[]", false, 1, 1, -1, "not an object");
	check_parse("<html><body>502 Bad Gateway</body></html>", false, 1, 1, -1, "HTML page");
	check_parse("{\"object\":\"list\",\"data\":[{\"index\":0,\"embedding\":[1,", false, 1, 2, -1,
				"truncated");
	check_parse("", false, 1, 1, -1, "empty body");
	{
		const char *e = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"tokens\","
			"\"code\":\"rate_limit_exceeded\"}}";

		CHECK(embed_parse_response(e, strlen(e), false, 1, 1, out, err, sizeof(err)) == -1 &&
			  strstr(err, "Rate limit reached") != NULL, "error object: its message reported");
	}
	CHECK(embed_parse_response(oa, strlen(oa), false, 0, 2, out, err, sizeof(err)) == -1 &&
		  embed_parse_response(oa, strlen(oa), false, 2, 0, out, err, sizeof(err)) == -1 &&
		  embed_parse_response(oa, strlen(oa), false, 2, 2, NULL, err, sizeof(err)) == -1,
		  "bad arguments: -1");
}

static void
test_tokens(void)
{
	CHECK(embed_estimate_tokens(NULL) == 1 && embed_estimate_tokens("") == 1 &&
		  embed_estimate_tokens("abcd") == 1 && embed_estimate_tokens("abcde") == 2 &&
		  embed_estimate_tokens("abcdefgh") == 2 && embed_estimate_tokens("\xC3\xA9") == 1,
		  "token estimate: ceil(bytes / 4), at least 1");
	{
		char	   *t = rep("a", 32769, NULL);

		CHECK(embed_estimate_tokens(t) == 8193, "32769 bytes -> 8193 tokens");
		free(t);
	}
}

int
main(void)
{
	test_bodies();
	test_parse();
	test_tokens();
	return unit_done();
}
