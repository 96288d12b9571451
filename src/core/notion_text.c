/*
 * notion_text.c - the plain text of a Notion page's blocks (see
 * notion_text.h).
 */
#include <stdlib.h>
#include <string.h>

#include "notion_text.h"
#include "payload_json.h"
#include "text_buf.h"

/* Block types whose rich text we read, and the prefix of their line. */
typedef struct BlockKind
{
	const char *type;
	const char *prefix;
	bool		heading;
} BlockKind;

static const BlockKind kinds[] = {
	{"paragraph", "", false},
	{"heading_1", "", true},
	{"heading_2", "", true},
	{"heading_3", "", true},
	{"bulleted_list_item", "- ", false},
	{"numbered_list_item", "- ", false},
	{"quote", "", false},
	{"callout", "", false},
	{"to_do", NULL, false},		/* "[ ] " or "[x] " */
	{"toggle", "", false},
};

/* The text of one rich-text array appended to b; false if it had none. */
static bool
rich_text(TextBuf *b, json_object *arr)
{
	size_t		before = b->len;

	if (arr == NULL || !json_object_is_type(arr, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(arr); i++)
	{
		json_object *item = json_object_array_get_idx(arr, i);
		json_object *text;
		const char *s;
		size_t		n = 0;

		if (item == NULL || !json_object_is_type(item, json_type_object))
			continue;
		s = pj_member_string(item, "plain_text", &n);
		if (s == NULL && json_object_object_get_ex(item, "text", &text))
			s = pj_member_string(text, "content", &n);
		if (s != NULL)
			text_buf_add(b, s, strnlen(s, n));
	}
	return b->len > before;
}

/* True if s[0..n) holds something other than ASCII white space. */
static bool
has_content(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return true;
	return false;
}

static void
one_block(TextBuf *out, json_object *block)
{
	const char *type;
	size_t		tlen = 0;
	json_object *data,
			   *arr;
	const BlockKind *kind = NULL;
	TextBuf		line = TEXT_BUF_INIT;

	if (block == NULL || !json_object_is_type(block, json_type_object))
		return;
	type = pj_member_string(block, "type", &tlen);
	if (type == NULL)
		return;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strlen(kinds[k].type) == tlen && memcmp(kinds[k].type, type, tlen) == 0)
			kind = &kinds[k];
	if (kind == NULL || !json_object_object_get_ex(block, kind->type, &data) ||
		!json_object_is_type(data, json_type_object))
		return;
	if (!json_object_object_get_ex(data, "rich_text", &arr) &&
		!json_object_object_get_ex(data, "text", &arr))
		return;
	if (!rich_text(&line, arr) || line.failed || !has_content(line.data, line.len))
	{
		out->failed = out->failed || line.failed;
		free(line.data);
		return;
	}
	if (kind->heading && out->len > 0)
		text_buf_str(out, "\n");
	if (kind->prefix)
		text_buf_str(out, kind->prefix);
	else
	{
		json_object *checked;

		text_buf_str(out, json_object_object_get_ex(data, "checked", &checked) &&
			   json_object_get_boolean(checked) ? "[x] " : "[ ] ");
	}
	text_buf_add(out, line.data, line.len);
	text_buf_str(out, "\n");
	free(line.data);
}

char *
notion_children_text(const char *body, size_t len, char *next_cursor, size_t cursorsz,
					 int *nblocks)
{
	json_object *obj,
			   *results,
			   *more;
	TextBuf		out = TEXT_BUF_INIT;
	size_t		count;

	if (next_cursor && cursorsz > 0)
		next_cursor[0] = '\0';
	if (nblocks)
		*nblocks = 0;
	obj = pj_parse(body, len);
	if (obj == NULL || !json_object_is_type(obj, json_type_object) ||
		!json_object_object_get_ex(obj, "results", &results) ||
		!json_object_is_type(results, json_type_array))
	{
		json_object_put(obj);
		return NULL;
	}
	{
		size_t		olen = 0;
		const char *o = pj_member_string(obj, "object", &olen);

		if (o != NULL && !(olen == 4 && memcmp(o, "list", 4) == 0))
		{
			json_object_put(obj);
			return NULL;
		}
	}
	count = json_object_array_length(results);
	for (size_t i = 0; i < count && !out.failed; i++)
		one_block(&out, json_object_array_get_idx(results, i));
	if (next_cursor && cursorsz > 0 &&
		json_object_object_get_ex(obj, "has_more", &more) && json_object_get_boolean(more))
	{
		size_t		clen = 0;
		const char *c = pj_member_string(obj, "next_cursor", &clen);

		if (c != NULL && clen > 0)
			pj_copy_exact(c, clen, next_cursor, cursorsz);
	}
	json_object_put(obj);
	if (out.failed)
	{
		free(out.data);
		return NULL;
	}
	if (nblocks)
		*nblocks = (int) count;
	if (out.data == NULL)
		return strdup("");
	/* No trailing line feed: the caller joins pages with its own. */
	while (out.len > 0 && out.data[out.len - 1] == '\n')
		out.data[--out.len] = '\0';
	return out.data;
}
