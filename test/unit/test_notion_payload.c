/*
 * test_notion_payload.c - unit tests of the Notion request bodies and
 * response parsers (src/core/notion_payload.c, notion_props.c).
 *
 * Text splitting is checked at the edges that matter to the API: exactly
 * 2000 and 2001 UTF-16 units, with 2-, 3- and 4-byte characters (a 4-byte
 * character is a surrogate pair, two units, and must never straddle two
 * items), and the 100-item cap with its "…".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "notion_payload.h"
#include "unit.h"
#include "payload_test.h"

#define ELL "\xE2\x80\xA6"		/* … */
#define E_ACUTE "\xC3\xA9"		/* é: 2 bytes, 1 unit */
#define EURO "\xE2\x82\xAC"		/* €: 3 bytes, 1 unit */
#define GRIN "\xF0\x9F\x98\x80"	/* U+1F600: 4 bytes, 2 units */

/*
 * Check a rich-text array: every item {"type":"text","text":{"content"}}
 * of valid UTF-8 within 2000 units.  Returns the joined contents
 * (malloc'd; NULL if the shape is wrong), *n the item count and
 * *last_units the units of the last item.
 */
static char *
rt_join(json_object *arr, int *n, size_t *last_units)
{
	size_t		total = 0;
	char	   *out;

	*n = -1;
	if (!json_object_is_type(arr, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
	{
		const char *c = str_at(json_object_array_get_idx(arr, i), "text", "content", NULL);

		if (c == NULL || !utf8_ok(c, strlen(c)) || utf16_len(c) > 2000 ||
			strcmp(str_at(json_object_array_get_idx(arr, i), "type", NULL, NULL), "text") != 0)
			return NULL;
		total += strlen(c);
	}
	out = calloc(1, total + 1);
	*last_units = 0;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
	{
		const char *c = str_at(json_object_array_get_idx(arr, i), "text", "content", NULL);

		strcat(out, c);
		*last_units = utf16_len(c);
	}
	*n = (int) json_object_array_length(arr);
	return out;
}

/* The title array of {"T": {"title": [...]}} built from text. */
static json_object *
title_of(const char *text)
{
	NotionProp	p = {"T", NP_TITLE, text};

	return notion_properties(&p, 1);
}

/* Split `text` as a title; expect `items` items and, unless truncated, the same text back. */
static void
check_split(const char *label, const char *text, int items, size_t last_units, bool truncated)
{
	json_object *props = title_of(text);
	int			n;
	size_t		lu;
	char	   *joined = rt_join(path(props, "T", "title", NULL), &n, &lu);

	CHECK(joined != NULL && n == items && lu == last_units,
		  "%s: %d items (got %d), last %zu units (got %zu)", label, items, n, last_units, lu);
	if (joined && !truncated)
		CHECK(strcmp(joined, text) == 0, "%s: items join to the text", label);
	if (joined && truncated)
	{
		size_t		jl = strlen(joined);

		CHECK(jl >= 3 && strcmp(joined + jl - 3, ELL) == 0 &&
			  strncmp(joined, text, jl - 3) == 0,
			  "%s: truncated text is a prefix followed by …", label);
	}
	free(joined);
	json_object_put(props);
}

static void
test_splitting(void)
{
	struct
	{
		const char *label,
				   *unit;
		size_t		times;
		const char *tail;
		int			items;
		size_t		last;
		bool		trunc;
	}			cases[] = {
		{"2000 ASCII", "a", 2000, NULL, 1, 2000, false},
		{"2001 ASCII", "a", 2001, NULL, 2, 1, false},
		{"2000 x 2-byte", E_ACUTE, 2000, NULL, 1, 2000, false},
		{"2001 x 2-byte", E_ACUTE, 2001, NULL, 2, 1, false},
		{"2001 x 3-byte", EURO, 2001, NULL, 2, 1, false},
		{"1000 pairs = 2000 units", GRIN, 1000, NULL, 1, 2000, false},
		{"1001 pairs", GRIN, 1001, NULL, 2, 2, false},
		{"1998 + pair = 2000", "a", 1998, GRIN, 1, 2000, false},
		{"1999 + pair: pair moves on", "a", 1999, GRIN, 2, 2, false},
		{"2000 + x", "a", 2000, "x", 2, 1, false},
		{"exactly 100 items", "a", 200000, NULL, 100, 2000, false},
		{"100 items + 1: truncated", "a", 200001, NULL, 100, 2000, true},
		{"pairs past 100 items", GRIN, 100001, NULL, 100, 1999, true},
		{"3-byte past 100 items", EURO, 250000, NULL, 100, 2000, true},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		char	   *text = rep(cases[i].unit, cases[i].times, cases[i].tail);

		check_split(cases[i].label, text, cases[i].items, cases[i].last, cases[i].trunc);
		free(text);
	}

	/* "1999 + pair": the first item is exactly the 1999 ASCII bytes */
	{
		char	   *text = rep("a", 1999, GRIN);
		json_object *props = title_of(text);
		json_object *arr = path(props, "T", "title", NULL);

		CHECK(strlen(str_at(json_object_array_get_idx(arr, 0), "text", "content", NULL)) == 1999 &&
			  strcmp(str_at(json_object_array_get_idx(arr, 1), "text", "content", NULL), GRIN) == 0,
			  "the surrogate pair is not split across items");
		json_object_put(props);
		free(text);
	}

	/* mixed widths: every cut is a character boundary, nothing lost */
	{
		char	   *text = rep("ab" E_ACUTE EURO GRIN "\"\\\n", 3000, NULL);	/* 27000 units */
		json_object *props = title_of(text);
		int			n;
		size_t		lu;
		char	   *j = rt_join(path(props, "T", "title", NULL), &n, &lu);

		CHECK(j != NULL && strcmp(j, text) == 0 && n >= 14 && n <= 15,
			  "mixed widths and escapes: %d valid items join to the text", n);
		free(j);
		json_object_put(props);
		free(text);
	}

	/* bytes that are not UTF-8 become U+FFFD */
	{
		json_object *props = title_of("a\xff" "b\xc3");
		int			n;
		size_t		lu;
		char	   *j = rt_join(path(props, "T", "title", NULL), &n, &lu);

		CHECK_STR(j, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD", "invalid UTF-8 replaced by U+FFFD");
		free(j);
		json_object_put(props);
	}
}

/* Serialized value of property "P" of type t built from v. */
static char *
prop_json(NotionPropType t, const char *v)
{
	NotionProp	p = {"P", t, v};
	json_object *props = notion_properties(&p, 1);
	char	   *out = strdup(json_object_to_json_string_ext(path(props, "P", NULL, NULL),
															JSON_C_TO_STRING_PLAIN |
															JSON_C_TO_STRING_NOSLASHESCAPE));

	json_object_put(props);
	return out;
}

static void
check_prop(NotionPropType t, const char *v, const char *want)
{
	char	   *got = prop_json(t, v);
	char		desc[200];

	snprintf(desc, sizeof(desc), "property %d from \"%.40s\" -> %.60s", (int) t,
			 v ? v : "(null)", want);
	CHECK_STR(got, want, desc);
	free(got);
}

static void
test_properties(void)
{
	static const char *names[] = {"title", "rich_text", "number", "select", "multi_select",
	"date", "url", "checkbox"};
	NotionPropType t;

	for (int i = 0; i < 8; i++)
		CHECK(notion_prop_type_parse(names[i], &t) && (int) t == i, "type name %s", names[i]);
	CHECK(!notion_prop_type_parse("Title", &t) && !notion_prop_type_parse("relation", &t) &&
		  !notion_prop_type_parse("", &t) && !notion_prop_type_parse(NULL, &t),
		  "unknown type names refused");

	check_prop(NP_TITLE, NULL, "{\"title\":[]}");
	check_prop(NP_RICH_TEXT, "", "{\"rich_text\":[]}");
	check_prop(NP_RICH_TEXT, "a/b", "{\"rich_text\":[{\"type\":\"text\",\"text\":{\"content\":\"a/b\"}}]}");

	check_prop(NP_NUMBER, "42", "{\"number\":42}");
	check_prop(NP_NUMBER, " 0.1 ", "{\"number\":0.1}");
	check_prop(NP_NUMBER, "-2.5e-3", "{\"number\":-0.0025}");
	check_prop(NP_NUMBER, "0.30000000000000004", "{\"number\":0.30000000000000004}");
	check_prop(NP_NUMBER, "12abc", "{\"number\":null}");
	check_prop(NP_NUMBER, "abc", "{\"number\":null}");
	check_prop(NP_NUMBER, "1e400", "{\"number\":null}");
	check_prop(NP_NUMBER, "NaN", "{\"number\":null}");
	check_prop(NP_NUMBER, "-Infinity", "{\"number\":null}");
	check_prop(NP_NUMBER, "", "{\"number\":null}");
	check_prop(NP_NUMBER, NULL, "{\"number\":null}");

	check_prop(NP_SELECT, "a,b", "{\"select\":{\"name\":\"a b\"}}");
	check_prop(NP_SELECT, "  Indexed ", "{\"select\":{\"name\":\"Indexed\"}}");
	check_prop(NP_SELECT, " , ", "{\"select\":null}");
	check_prop(NP_SELECT, NULL, "{\"select\":null}");
	{
		char	   *v = rep("a", 99, GRIN);	/* 101 units: the pair goes */
		char	   *w = rep("a", 99, NULL);
		char		want[200];

		snprintf(want, sizeof(want), "{\"select\":{\"name\":\"%s\"}}", w);
		check_prop(NP_SELECT, v, want);
		free(v);
		free(w);
	}

	check_prop(NP_MULTI_SELECT, "pg, vector,,pg , x,y", "{\"multi_select\":[{\"name\":\"pg\"},"
			   "{\"name\":\"vector\"},{\"name\":\"x\"},{\"name\":\"y\"}]}");
	check_prop(NP_MULTI_SELECT, NULL, "{\"multi_select\":[]}");
	check_prop(NP_MULTI_SELECT, " , ,", "{\"multi_select\":[]}");
	{
		char		buf[2000] = "";
		NotionProp	p = {"P", NP_MULTI_SELECT, buf};
		json_object *props;

		for (int i = 0; i < 150; i++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "o%d,", i);
		props = notion_properties(&p, 1);
		CHECK(json_object_array_length(path(props, "P", "multi_select", NULL)) == 100,
			  "multi_select keeps at most 100 options");
		json_object_put(props);
	}

	check_prop(NP_DATE, "2026-08-01", "{\"date\":{\"start\":\"2026-08-01\"}}");
	check_prop(NP_DATE, "2026-08-01 12:34:56+02", "{\"date\":{\"start\":\"2026-08-01T12:34:56+02:00\"}}");
	check_prop(NP_DATE, "2026-08-01T12:34:56.123456Z", "{\"date\":{\"start\":\"2026-08-01T12:34:56.123Z\"}}");
	check_prop(NP_DATE, "2026-08-01 12:34:56.5", "{\"date\":{\"start\":\"2026-08-01T12:34:56.500\"}}");
	check_prop(NP_DATE, "2026-08-01T12:00", "{\"date\":{\"start\":\"2026-08-01T12:00:00\"}}");
	check_prop(NP_DATE, "2026-08-01T12:00:00-0530", "{\"date\":{\"start\":\"2026-08-01T12:00:00-05:30\"}}");
	check_prop(NP_DATE, "2024-02-29", "{\"date\":{\"start\":\"2024-02-29\"}}");
	check_prop(NP_DATE, "2026-08-01 BC", "{\"date\":{\"start\":\"2026-08-01\"}}");
	check_prop(NP_DATE, "2026-08-01T25:00:00", "{\"date\":{\"start\":\"2026-08-01\"}}");
	check_prop(NP_DATE, "2026-08-01T12:00:00+05:53:28", "{\"date\":{\"start\":\"2026-08-01\"}}");
	check_prop(NP_DATE, "2026-02-29", "{\"date\":null}");
	check_prop(NP_DATE, "0000-01-01", "{\"date\":null}");
	check_prop(NP_DATE, "infinity", "{\"date\":null}");
	check_prop(NP_DATE, "2026-8-1", "{\"date\":null}");
	check_prop(NP_DATE, NULL, "{\"date\":null}");

	{
		char	   *u2000 = rep("h", 2000, NULL);
		char	   *u2001 = rep("h", 2001, NULL);
		char	   *got = prop_json(NP_URL, u2000);

		CHECK(strlen(got) == 2000 + 10, "url of 2000 characters kept");
		free(got);
		check_prop(NP_URL, u2001, "{\"url\":null}");
		free(u2000);
		free(u2001);
	}
	check_prop(NP_URL, " https://example.com/doc/1 ", "{\"url\":\"https://example.com/doc/1\"}");
	check_prop(NP_URL, "", "{\"url\":null}");

	{
		static const char *yes[] = {"t", "true", "on", "1", "TRUE", " Yes ", "y"};
		static const char *no[] = {"f", "false", "0", "off", "", "tru", NULL};

		for (int i = 0; i < 7; i++)
			check_prop(NP_CHECKBOX, yes[i], "{\"checkbox\":true}");
		for (int i = 0; i < 7; i++)
			check_prop(NP_CHECKBOX, no[i], "{\"checkbox\":false}");
	}

	/* several properties; NULL names skipped; a repeated name: last wins */
	{
		NotionProp	p[] = {
			{"Name", NP_TITLE, "Row title"},
			{NULL, NP_NUMBER, "1"},
			{"Score", NP_NUMBER, "1"},
			{"Score", NP_NUMBER, "2"},
			{"SyncKey", NP_RICH_TEXT, "public.docs:42"},
		};
		json_object *props = notion_properties(p, 5);

		CHECK_STR(json_object_to_json_string_ext(props, JSON_C_TO_STRING_PLAIN),
				  "{\"Name\":{\"title\":[{\"type\":\"text\",\"text\":{\"content\":\"Row title\"}}]},"
				  "\"Score\":{\"number\":2},"
				  "\"SyncKey\":{\"rich_text\":[{\"type\":\"text\",\"text\":{\"content\":\"public.docs:42\"}}]}}",
				  "several properties");
		json_object_put(props);
		props = notion_properties(NULL, 0);
		CHECK_STR(json_object_to_json_string_ext(props, JSON_C_TO_STRING_PLAIN), "{}",
				  "no properties: {}");
		json_object_put(props);
		CHECK(notion_properties(NULL, 1) == NULL, "NULL array with n > 0 refused");
	}
}

/* type and joined text of block i */
static char *
block_text(json_object *blocks, size_t i, const char **type, int *items)
{
	json_object *b = json_object_array_get_idx(blocks, i);
	size_t		lu;

	*type = str_at(b, "type", NULL, NULL);
	if (*type == NULL || strcmp(str_at(b, "object", NULL, NULL), "block") != 0)
		return NULL;
	return rt_join(path(b, *type, "rich_text", NULL), items, &lu);
}

static void
check_blocks(const char *text, int n, const char *const *want, const char *label)
{
	json_object *blocks = notion_blocks_from_text(text);
	bool		ok = blocks != NULL && (int) json_object_array_length(blocks) == n;

	for (int i = 0; ok && i < n; i++)
	{
		const char *type;
		int			items;
		char	   *t = block_text(blocks, (size_t) i, &type, &items);

		ok = t != NULL && strcmp(type, want[2 * i]) == 0 && strcmp(t, want[2 * i + 1]) == 0;
		free(t);
	}
	CHECK(ok, "blocks: %s", label);
	json_object_put(blocks);
}

static void
test_blocks(void)
{
	const char *w1[] = {"paragraph", "Hello\nworld", "paragraph", "Second"};
	const char *w2[] = {"paragraph", "a\nb", "paragraph", "c"};
	const char *w3[] = {"heading_2", "Title", "paragraph", "Body\nmore", "heading_2", "Next",
	"paragraph", "#NoSpace\n## Sub"};

	check_blocks(NULL, 0, NULL, "NULL text");
	check_blocks("", 0, NULL, "empty text");
	check_blocks(" \n\n\t \r\n", 0, NULL, "blank text");
	check_blocks("Hello\nworld\n\nSecond\n", 2, w1, "paragraphs split on blank lines");
	check_blocks("\r\n\r\na\r\nb\r\n  \r\nc", 2, w2, "CRLF lines");
	check_blocks("#  Title \nBody\nmore\n# Next\n#NoSpace\n## Sub", 4, w3, "headings");

	/* a paragraph too long for one block continues, nothing lost */
	{
		char	   *text = rep("0123456789", 25000, NULL);	/* 250,000 bytes */
		json_object *blocks = notion_blocks_from_text(text);
		size_t		nb = json_object_array_length(blocks);
		char	   *joined = calloc(1, strlen(text) + 1);
		bool		ok = nb >= 3;

		for (size_t i = 0; i < nb && ok; i++)
		{
			const char *type;
			int			items;
			char	   *t = block_text(blocks, i, &type, &items);
			json_object *rt = path(json_object_array_get_idx(blocks, i), "paragraph", "rich_text", NULL);

			ok = t != NULL && strcmp(type, "paragraph") == 0 && items <= 100 &&
				strlen(json_object_to_json_string_ext(rt, JSON_C_TO_STRING_PLAIN)) <= NOTION_BLOCK_TEXT_BYTES;
			if (ok)
				strcat(joined, t);
			free(t);
		}
		CHECK(ok && strcmp(joined, text) == 0,
			  "250,000-byte paragraph -> %zu blocks within the limits, text intact", nb);
		free(joined);
		json_object_put(blocks);
		free(text);
	}

	/* a heading too long for a block is cut with … */
	{
		char	   *text = rep("h", 300000, NULL);
		char	   *line = malloc(300003);
		json_object *blocks;
		const char *type;
		int			items;
		char	   *t;

		snprintf(line, 300003, "# %s", text);
		blocks = notion_blocks_from_text(line);
		t = block_text(blocks, 0, &type, &items);
		CHECK(json_object_array_length(blocks) == 1 && strcmp(type, "heading_2") == 0 &&
			  strcmp(t + strlen(t) - 3, ELL) == 0, "overlong heading truncated with …");
		free(t);
		json_object_put(blocks);
		free(line);
		free(text);
	}
}

/* n paragraph blocks "p0", "p1", ... */
static json_object *
numbered_blocks(int n)
{
	char	   *text = calloc(1, (size_t) n * 10 + 1);
	json_object *blocks;

	for (int i = 0; i < n; i++)
		sprintf(text + strlen(text), "p%d\n\n", i);
	blocks = notion_blocks_from_text(text);
	free(text);
	return blocks;
}

static void
test_bodies(void)
{
	NotionProp	p = {"Name", NP_TITLE, "Row"};
	json_object *props = notion_properties(&p, 1);
	json_object *blocks = numbered_blocks(250);
	json_object *big;
	int			used = -1;
	char	   *body;
	json_object *obj;

	CHECK(json_object_array_length(blocks) == 250, "250 paragraphs -> 250 blocks");

	body = notion_create_page_body(true, "f336d0bc-b841-465b-8045-024475c079dd", props, blocks, &used);
	obj = parse_body(body);
	CHECK(obj && used == 100 && json_object_array_length(path(obj, "children", NULL, NULL)) == 100 &&
		  strcmp(str_at(obj, "parent", "type", NULL), "data_source_id") == 0 &&
		  strcmp(str_at(obj, "parent", "data_source_id", NULL),
				 "f336d0bc-b841-465b-8045-024475c079dd") == 0 &&
		  path(json_object_array_get_idx(path(obj, "children", NULL, NULL), 99),
			   "paragraph", "rich_text", NULL) != NULL,
		  "create: data-source parent, first 100 of 250 blocks");
	CHECK(path(obj, "properties", "Name", "title") != NULL, "create: properties included");
	json_object_put(obj);
	free(body);

	body = notion_create_page_body(false, "842a0286-0000-4000-8000-000000000001", NULL, NULL, &used);
	CHECK_STR(body, "{\"parent\":{\"type\":\"database_id\",\"database_id\":"
			  "\"842a0286-0000-4000-8000-000000000001\"},\"properties\":{}}",
			  "create: database parent, no properties, no children");
	CHECK(used == 0, "create: no children used");
	free(body);
	CHECK(notion_create_page_body(true, NULL, props, blocks, &used) == NULL && used == 0,
		  "create: parent id required");

	/* blocks of ~100 KB each: the body stays within 500,000 bytes */
	{
		char	   *text = rep("x", 1000000, NULL);

		big = notion_blocks_from_text(text);
		free(text);
	}
	body = notion_create_page_body(true, "f336d0bc-b841-465b-8045-024475c079dd", props, big, &used);
	CHECK(body && strlen(body) <= NOTION_MAX_BODY_BYTES && used >= 1 && used < 10,
		  "create: %zu big blocks, %d fit in %zu bytes", json_object_array_length(big), used,
		  body ? strlen(body) : 0);
	free(body);

	/* append: count, ranges, byte limit */
	CHECK(notion_append_children_count(blocks, 0) == 100 &&
		  notion_append_children_count(blocks, 200) == 50 &&
		  notion_append_children_count(blocks, 250) == 0 &&
		  notion_append_children_count(NULL, 0) == 0, "append count: 100, 50, 0");
	{
		int			start = 0,
					calls = 0,
					k;

		while ((k = notion_append_children_count(blocks, start)) > 0)
		{
			start += k;
			calls++;
		}
		CHECK(calls == 3 && start == 250, "250 blocks -> 3 appends");
		start = calls = 0;
		while ((k = notion_append_children_count(big, start)) > 0)
		{
			char	   *b = notion_append_children_body(big, start, k);

			if (b == NULL || strlen(b) > NOTION_MAX_BODY_BYTES)
				calls = -1000;
			free(b);
			start += k;
			calls++;
		}
		CHECK(calls > 1 && start == (int) json_object_array_length(big),
			  "big blocks: %d appends, each within the byte limit", calls);
	}
	body = notion_append_children_body(blocks, 200, 50);
	obj = parse_body(body);
	{
		const char *type;
		int			items;
		char	   *t = block_text(path(obj, "children", NULL, NULL), 0, &type, &items);

		CHECK(obj && json_object_array_length(path(obj, "children", NULL, NULL)) == 50 &&
			  json_object_object_length(obj) == 1 && t && strcmp(t, "p200") == 0,
			  "append body: blocks 200..249");
		free(t);
	}
	json_object_put(obj);
	free(body);
	CHECK(notion_append_children_body(blocks, 200, 51) == NULL &&
		  notion_append_children_body(blocks, 0, 101) == NULL &&
		  notion_append_children_body(blocks, 0, 0) == NULL &&
		  notion_append_children_body(blocks, -1, 5) == NULL, "append: bad ranges refused");

	/* update */
	body = notion_update_page_body(props, true);
	CHECK_STR(body, "{\"properties\":{\"Name\":{\"title\":[{\"type\":\"text\",\"text\":"
			  "{\"content\":\"Row\"}}]}},\"in_trash\":true}", "update with trash");
	free(body);
	body = notion_update_page_body(NULL, true);
	CHECK_STR(body, "{\"in_trash\":true}", "trash only");
	free(body);
	body = notion_update_page_body(NULL, false);
	CHECK_STR(body, "{}", "nothing to update");
	free(body);

	/* query */
	body = notion_query_equals_body("SyncKey", "public.docs:42", NULL);
	CHECK_STR(body, "{\"filter\":{\"property\":\"SyncKey\",\"rich_text\":{\"equals\":\"public.docs:42\"}},"
			  "\"sorts\":[{\"timestamp\":\"created_time\",\"direction\":\"ascending\"}],\"page_size\":2}",
			  "query by key");
	free(body);
	body = notion_query_equals_body("SyncKey", "public.docs:42", "c-3");
	CHECK_STR(body, "{\"filter\":{\"property\":\"SyncKey\",\"rich_text\":{\"equals\":\"public.docs:42\"}},"
			  "\"sorts\":[{\"timestamp\":\"created_time\",\"direction\":\"ascending\"}],\"page_size\":2,"
			  "\"start_cursor\":\"c-3\"}",
			  "query by key, next page");
	free(body);
	CHECK(notion_query_equals_body(NULL, "x", NULL) == NULL && notion_query_equals_body("k", NULL, NULL) == NULL,
		  "query needs a property and a value");

	json_object_put(big);
	json_object_put(blocks);
	json_object_put(props);
}

static void
test_parsers(void)
{
	const char *page = "{\"object\":\"page\",\"id\":\"3c90c3cc-0d44-4b50-8888-8dd25736052a\","
		"\"properties\":{}}  \n";
	const char *err = "{\"object\":\"error\",\"status\":400,\"code\":\"validation_error\","
		"\"message\":\"body failed validation: caf\xC3\xA9\",\"request_id\":\"r\"}";
	const char *html = "<html>\r\n<head><title>502 Bad Gateway</title></head></html>\r\n";
	const char *query = "{\"object\":\"list\",\"results\":[{\"object\":\"page\",\"id\":\"a-1\"},"
		"{\"object\":\"page\",\"id\":\"b-2\"}],\"next_cursor\":null,\"has_more\":false}";
	char		id[64],
				ids[3][NOTION_ID_MAX],
				code[32],
				msg[256];

	CHECK(notion_parse_object_id(page, strlen(page), id, sizeof(id)) &&
		  strcmp(id, "3c90c3cc-0d44-4b50-8888-8dd25736052a") == 0, "page id");
	CHECK(!notion_parse_object_id(page, strlen(page), id, 36) && id[0] == '\0',
		  "page id that does not fit: false");
	CHECK(!notion_parse_object_id(err, strlen(err), id, sizeof(id)), "error body has no page id");
	CHECK(!notion_parse_object_id(html, strlen(html), id, sizeof(id)), "HTML: no id");
	CHECK(!notion_parse_object_id("{\"object\": \"page\", \"id\": ", 26, id, sizeof(id)),
		  "truncated JSON: no id");
	CHECK(!notion_parse_object_id("", 0, id, sizeof(id)) &&
		  !notion_parse_object_id(NULL, 0, id, sizeof(id)), "empty body: no id");
	/* a buffer without terminator: only len bytes are read */
	{
		char	   *buf = malloc(strlen(page));

		memcpy(buf, page, strlen(page));
		CHECK(notion_parse_object_id(buf, strlen(page), id, sizeof(id)), "unterminated buffer");
		CHECK(!notion_parse_object_id(buf, strlen(page) - 4, id, sizeof(id)), "cut buffer");
		free(buf);
	}

	CHECK(notion_parse_query_ids(query, strlen(query), ids, 3) == 2 &&
		  strcmp(ids[0], "a-1") == 0 && strcmp(ids[1], "b-2") == 0, "query ids");
	CHECK(notion_parse_query_ids(query, strlen(query), ids, 1) == 1, "query ids capped at max_ids");
	CHECK(notion_parse_query_ids("{\"object\":\"list\",\"results\":[]}", 31, ids, 3) == 0,
		  "no results");
	CHECK(notion_parse_query_ids("{\"results\":[{\"object\":\"page\"}]}", 32, ids, 3) == -1,
		  "result without id: -1");
	{
		const char *more = "{\"object\":\"list\",\"results\":[],\"next_cursor\":\"c-3\",\"has_more\":true}";
		const char *odd = "{\"object\":\"list\",\"results\":[],\"next_cursor\":null,\"has_more\":true}";
		char		cur[8];

		CHECK(notion_parse_query_next(more, strlen(more), cur, sizeof(cur)) && strcmp(cur, "c-3") == 0,
			  "next cursor of a partial answer");
		CHECK(notion_parse_query_ids(more, strlen(more), ids, 3) == 0, "a partial answer may hold no result");
		CHECK(!notion_parse_query_next(query, strlen(query), cur, sizeof(cur)) && cur[0] == '\0',
			  "has_more false: no next page");
		CHECK(!notion_parse_query_next(odd, strlen(odd), cur, sizeof(cur)), "has_more without cursor: no next page");
		CHECK(!notion_parse_query_next(more, strlen(more), cur, 3), "cursor that does not fit: false");
		CHECK(!notion_parse_query_next(err, strlen(err), cur, sizeof(cur)) &&
			  !notion_parse_query_next(html, strlen(html), cur, sizeof(cur)) &&
			  !notion_parse_query_next(NULL, 0, cur, sizeof(cur)), "error, HTML, nothing: no next page");
	}
	CHECK(notion_parse_query_ids(err, strlen(err), ids, 3) == -1 &&
		  notion_parse_query_ids(html, strlen(html), ids, 3) == -1 &&
		  notion_parse_query_ids("{\"results\":{}}", 14, ids, 3) == -1, "error, HTML, bad shape: -1");

	CHECK(notion_parse_error(err, strlen(err), code, sizeof(code), msg, sizeof(msg)) &&
		  strcmp(code, "validation_error") == 0 &&
		  strcmp(msg, "body failed validation: caf\xC3\xA9") == 0, "error code and message");
	CHECK(notion_parse_error(err, strlen(err), code, 5, msg, 28) &&
		  strcmp(code, "vali") == 0 && strcmp(msg, "body failed validation: caf") == 0,
		  "error texts cut at a character boundary");
	CHECK(notion_parse_error(err, strlen(err), NULL, 0, NULL, 0), "NULL outputs allowed");
	CHECK(!notion_parse_error(html, strlen(html), code, sizeof(code), msg, sizeof(msg)) &&
		  code[0] == '\0' && msg[0] == '\0', "HTML is not a Notion error");
	CHECK(!notion_parse_error(page, strlen(page), code, sizeof(code), msg, sizeof(msg)),
		  "a page is not an error");
}

int
main(void)
{
	test_splitting();
	test_properties();
	test_blocks();
	test_bodies();
	test_parsers();
	return unit_done();
}
