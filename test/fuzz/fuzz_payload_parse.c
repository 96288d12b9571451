/*
 * fuzz_payload_parse.c - libFuzzer target for the API payload code:
 * every response parser of notion_payload.c, pinecone_payload.c and
 * embed_payload.c, and the text-driven builders.
 *
 * Build and run (from the repository root):
 *   tools/fuzz.sh payload_parse
 * (clang -fsanitize=fuzzer,address,undefined over every src/core/ source, linked
 * with -lcsv -ljson-c -lm).
 *
 * The input bytes are handed to each parser without a terminator, in a
 * buffer of exactly their size, so AddressSanitizer sees any read past
 * `len`.  The first two bytes also pick the input count and dimension
 * given to embed_parse_response().  Invariants:
 *   - no parser crashes, leaks or writes past its output buffers; every
 *     output string is terminated within its buffer;
 *   - notion_parse_query_ids() returns -1..max_ids;
 *   - embed_parse_response() returns 0, -1, -2 or -3, leaves out alone
 *     unless it returns 0, and then every value is finite;
 *   - the same bytes as text (NUL-terminated copy) give properties and
 *     blocks whose request bodies are strict, valid UTF-8 JSON, with every
 *     rich-text item within 2000 UTF-16 units.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed_payload.h"
#include "notion_payload.h"
#include "pinecone_payload.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

/* Strictly parsed (UTF-8 validated) body, or abort. */
static json_object *
reparse(const char *body)
{
	json_tokener *tok = json_tokener_new();
	json_object *obj;

	REQUIRE(body != NULL && tok != NULL);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	obj = json_tokener_parse_ex(tok, body, (int) strlen(body));
	REQUIRE(obj != NULL && json_tokener_get_error(tok) == json_tokener_success);
	json_tokener_free(tok);
	return obj;
}

static size_t
utf16_len(const char *s)
{
	size_t		n = 0;

	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if ((*p & 0xC0) != 0x80)
			n += (*p >= 0xF0) ? 2 : 1;
	return n;
}

/* Every rich-text item of arr within the limits. */
static void
check_rich_text(json_object *arr)
{
	REQUIRE(json_object_is_type(arr, json_type_array));
	REQUIRE(json_object_array_length(arr) <= NOTION_MAX_ITEMS);
	for (size_t i = 0; i < json_object_array_length(arr); i++)
	{
		json_object *text,
				   *content;

		REQUIRE(json_object_object_get_ex(json_object_array_get_idx(arr, i), "text", &text));
		REQUIRE(json_object_object_get_ex(text, "content", &content));
		REQUIRE(utf16_len(json_object_get_string(content)) <= NOTION_TEXT_MAX_UNITS);
	}
}

static void
parsers(const char *buf, size_t size)
{
	char		s1[40],
				s2[80];
	char		ids[3][NOTION_ID_MAX];
	long		count;
	int			n;

	memset(s1, 'x', sizeof(s1));
	if (notion_parse_object_id(buf, size, s1, sizeof(s1)))
		REQUIRE(memchr(s1, '\0', sizeof(s1)) != NULL && s1[0] != '\0');
	n = notion_parse_query_ids(buf, size, ids, 3);
	REQUIRE(n >= -1 && n <= 3);
	for (int i = 0; i < n; i++)
		REQUIRE(memchr(ids[i], '\0', NOTION_ID_MAX) != NULL);
	memset(s1, 'x', sizeof(s1));
	if (notion_parse_query_next(buf, size, s1, sizeof(s1)))
		REQUIRE(memchr(s1, '\0', sizeof(s1)) != NULL && s1[0] != '\0');
	memset(s2, 'x', sizeof(s2));
	notion_parse_error(buf, size, s1, sizeof(s1), s2, sizeof(s2));
	REQUIRE(memchr(s1, '\0', sizeof(s1)) != NULL && memchr(s2, '\0', sizeof(s2)) != NULL);
	notion_parse_error(buf, size, NULL, 0, s2, 1);

	memset(s1, 'x', sizeof(s1));
	pc_parse_index_host(buf, size, s1, sizeof(s1));
	REQUIRE(memchr(s1, '\0', sizeof(s1)) != NULL);
	pc_parse_upsert_count(buf, size, &count);
	memset(s2, 'x', sizeof(s2));
	pc_parse_error(buf, size, s2, sizeof(s2));
	REQUIRE(memchr(s2, '\0', sizeof(s2)) != NULL);
}

static void
embeddings(const char *buf, size_t size, int n, int dim)
{
	float		out[64];
	char		err[100];

	for (int style = 0; style < 2; style++)
	{
		int			rc;

		for (int i = 0; i < 64; i++)
			out[i] = -99.0f;
		rc = embed_parse_response(buf, size, style == 1, n, dim, out, err, sizeof(err));
		REQUIRE(rc <= 0 && rc >= -3);
		REQUIRE(memchr(err, '\0', sizeof(err)) != NULL);
		for (int i = 0; i < n * dim; i++)
			REQUIRE(rc == 0 ? isfinite(out[i]) : out[i] == -99.0f);
		for (int i = n * dim; i < 64; i++)
			REQUIRE(out[i] == -99.0f);
	}
}

static void
builders(const char *text)
{
	NotionProp	props[8];
	json_object *p,
			   *blocks,
			   *obj,
			   *v;
	char	   *body;
	int			used;

	for (int t = 0; t < 8; t++)
	{
		static const char *const names[8] = {"a", "b", "c", "d", "e", "f", "g", "h"};

		props[t].name = names[t];
		props[t].type = (NotionPropType) t;
		props[t].value = text;
	}
	p = notion_properties(props, 8);
	REQUIRE(p != NULL);
	blocks = notion_blocks_from_text(text);
	REQUIRE(blocks != NULL);
	body = notion_create_page_body(true, "f336d0bc-b841-465b-8045-024475c079dd", p, blocks, &used);
	obj = reparse(body);
	REQUIRE(json_object_object_get_ex(obj, "properties", &v));
	check_rich_text(json_object_object_get(json_object_object_get(v, "a"), "title"));
	check_rich_text(json_object_object_get(json_object_object_get(v, "b"), "rich_text"));
	REQUIRE(used >= 0 && used <= NOTION_MAX_CHILDREN);
	REQUIRE((size_t) used <= json_object_array_length(blocks));
	for (size_t i = 0; i < json_object_array_length(blocks); i++)
	{
		json_object *b = json_object_array_get_idx(blocks, i);
		const char *type = json_object_get_string(json_object_object_get(b, "type"));

		check_rich_text(json_object_object_get(json_object_object_get(b, type), "rich_text"));
	}
	json_object_put(obj);
	free(body);
	if (json_object_array_length(blocks) > 0)
	{
		int			k = notion_append_children_count(blocks, 0);

		REQUIRE(k >= 1 && k <= NOTION_MAX_CHILDREN);
		body = notion_append_children_body(blocks, 0, k);
		json_object_put(reparse(body));
		free(body);
	}
	body = notion_query_equals_body(text, text, text);
	json_object_put(reparse(body));
	free(body);
	json_object_put(blocks);
	json_object_put(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *buf = malloc(size ? size : 1);
	char	   *text = malloc(size + 1);
	int			n = 1,
				dim = 2;

	if (buf == NULL || text == NULL)
	{
		free(buf);
		free(text);
		return 0;
	}
	if (size)
		memcpy(buf, data, size);
	if (size >= 2)
	{
		n = 1 + data[0] % 4;
		dim = 1 + data[1] % 8;
	}
	parsers(buf, size);
	embeddings(buf, size, n, dim);

	memcpy(text, data, size);
	text[size] = '\0';
	builders(text);

	free(text);
	free(buf);
	return 0;
}
