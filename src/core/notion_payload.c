/*
 * notion_payload.c - Notion blocks from body text, the request bodies of
 * create / update / append / query, and the response parsers (see
 * notion_payload.h).  Property values are in notion_props.c.
 */
#include "notion_payload.h"

#include <stdlib.h>
#include <string.h>

#include "notion_int.h"
#include "payload_json.h"

/* ------------------------------------------------------------------------
 * Blocks
 */

/* {"object":"block","type":T,T:{"rich_text":rt}}, taking rt. */
static json_object *
make_block(const char *type, json_object *rt)
{
	json_object *block = json_object_new_object();
	json_object *inner = json_object_new_object();

	if (block == NULL || inner == NULL || !pj_add(inner, "rich_text", rt))
	{
		json_object_put(block);
		json_object_put(inner);
		if (block == NULL || inner == NULL)
			json_object_put(rt);
		return NULL;
	}
	if (!pj_add(block, "object", json_object_new_string("block")) ||
		!pj_add(block, "type", json_object_new_string(type)) ||
		!pj_add(block, type, inner))
	{
		json_object_put(block);
		return NULL;
	}
	return block;
}

/*
 * Append the blocks of text[0..len): one when it fits, else consecutive
 * blocks of the same type, or (ellipsis) one block cut short with "…".
 */
static bool
add_text_blocks(json_object *blocks, const char *type, const char *text, size_t len,
				bool ellipsis)
{
	size_t		pos = 0;
	bool		ok = true;

	while (pos < len && ok)
	{
		json_object *rt = json_object_new_array();
		json_object *block;
		size_t		used;

		if (rt == NULL)
			return false;
		used = notion_rich_text_fill(rt, text + pos, len - pos, NOTION_MAX_ITEMS,
									 NOTION_BLOCK_TEXT_BYTES, ellipsis, &ok);
		if ((block = make_block(type, rt)) == NULL || !pj_append(blocks, block))
			ok = false;
		/* one block when cut short; never loop without progress */
		if (ellipsis || used == 0)
			break;
		pos += used;
	}
	return ok;
}

static bool
blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* The paragraph text[start..end) with every CRLF turned into LF. */
static bool
flush_paragraph(json_object *blocks, const char *text, size_t start, size_t end)
{
	char	   *buf;
	size_t		n = 0;
	bool		ok;

	if (start >= end)
		return true;
	if ((buf = malloc(end - start)) == NULL)
		return false;
	for (size_t i = start; i < end; i++)
		if (!(text[i] == '\r' && i + 1 < end && text[i + 1] == '\n'))
			buf[n++] = text[i];
	ok = add_text_blocks(blocks, "paragraph", buf, n, false);
	free(buf);
	return ok;
}

json_object *
notion_blocks_from_text(const char *text)
{
	json_object *blocks = json_object_new_array();
	size_t		len,
				pos = 0,
				para_start = 0,
				para_end = 0;
	bool		ok = true;

	if (blocks == NULL || text == NULL)
		return blocks;
	len = strlen(text);
	while (pos < len && ok)
	{
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t		next = nl ? (size_t) (nl - text) + 1 : len;
		size_t		end = nl ? (size_t) (nl - text) : len;

		if (end > pos && text[end - 1] == '\r')
			end--;
		if (blank_line(text + pos, end - pos))
		{
			ok = flush_paragraph(blocks, text, para_start, para_end);
			para_start = para_end = 0;
		}
		else if (end - pos >= 2 && text[pos] == '#' && text[pos + 1] == ' ')
		{
			size_t		h = pos + 2;

			ok = flush_paragraph(blocks, text, para_start, para_end);
			para_start = para_end = 0;
			while (h < end && (text[h] == ' ' || text[h] == '\t'))
				h++;
			while (end > h && (text[end - 1] == ' ' || text[end - 1] == '\t'))
				end--;
			if (ok && end > h)
				ok = add_text_blocks(blocks, "heading_2", text + h, end - h, true);
		}
		else
		{
			if (para_end == 0)
				para_start = pos;
			para_end = end;
		}
		pos = next;
	}
	if (ok)
		ok = flush_paragraph(blocks, text, para_start, para_end);
	if (!ok)
	{
		json_object_put(blocks);
		return NULL;
	}
	return blocks;
}

/* ------------------------------------------------------------------------
 * Request bodies
 */

/*
 * Move blocks[start..] into children (an empty array already inside a
 * body of base_len serialized bytes) while they number at most max and
 * the body stays within NOTION_MAX_BODY_BYTES; returns how many.  With
 * at_least_one the first block goes in whatever its size.
 */
static int
fill_children(json_object *children, json_object *blocks, int start, int max,
			  size_t base_len, bool at_least_one, bool *ok)
{
	size_t		total = base_len;
	int			n = (int) json_object_array_length(blocks);
	int			used = 0;

	for (int i = start; i < n && used < max; i++)
	{
		json_object *b = json_object_array_get_idx(blocks, i);
		size_t		add = pj_serialized_len(b) + (used > 0 ? 1 : 0);

		if (total + add > NOTION_MAX_BODY_BYTES && !(at_least_one && used == 0))
			break;
		if (!pj_append(children, json_object_get(b)))
		{
			*ok = false;
			break;
		}
		total += add;
		used++;
	}
	return used;
}

static bool
is_array(json_object *o)
{
	return o != NULL && json_object_is_type(o, json_type_array);
}

char *
notion_create_page_body(bool use_data_source, const char *parent_id,
						json_object *properties, json_object *blocks, int *children_used)
{
	const char *ptype = use_data_source ? "data_source_id" : "database_id";
	json_object *body = NULL,
			   *parent = NULL,
			   *children = NULL;
	char	   *out = NULL;
	bool		ok = true;
	int			used = 0;

	if (children_used)
		*children_used = 0;
	if (parent_id == NULL || *parent_id == '\0')
		return NULL;
	if ((body = json_object_new_object()) == NULL ||
		(parent = json_object_new_object()) == NULL ||
		!pj_add(parent, "type", json_object_new_string(ptype)) ||
		!pj_add(parent, ptype, pj_string(parent_id)))
		goto done;
	if (!pj_add(body, "parent", parent))
	{
		parent = NULL;
		goto done;
	}
	parent = NULL;
	if (!pj_add(body, "properties", properties ? json_object_get(properties)
				: json_object_new_object()))
		goto done;
	if (is_array(blocks) && json_object_array_length(blocks) > 0)
	{
		if (!pj_add(body, "children", children = json_object_new_array()))
			goto done;
		used = fill_children(children, blocks, 0, NOTION_MAX_CHILDREN,
							 pj_serialized_len(body), false, &ok);
		if (!ok)
			goto done;
		if (used == 0)
			json_object_object_del(body, "children");
	}
	if ((out = pj_serialize(body)) != NULL && children_used)
		*children_used = used;
done:
	json_object_put(parent);
	json_object_put(body);
	return out;
}

char *
notion_update_page_body(json_object *properties, bool archived)
{
	json_object *body = json_object_new_object();
	char	   *out = NULL;

	if (body == NULL)
		return NULL;
	if ((properties == NULL || pj_add(body, "properties", json_object_get(properties))) &&
		(!archived || pj_add(body, "in_trash", json_object_new_boolean(1))))
		out = pj_serialize(body);
	json_object_put(body);
	return out;
}

/* {"children":[]} and its serialized length. */
static json_object *
append_skeleton(json_object **children)
{
	json_object *body = json_object_new_object();

	*children = json_object_new_array();
	if (body == NULL || !pj_add(body, "children", *children))
	{
		json_object_put(body);
		if (body == NULL)
			json_object_put(*children);
		return NULL;
	}
	return body;
}

int
notion_append_children_count(json_object *blocks, int start)
{
	json_object *children,
			   *body;
	bool		ok = true;
	int			n;

	if (!is_array(blocks) || start < 0 || (size_t) start >= json_object_array_length(blocks))
		return 0;
	if ((body = append_skeleton(&children)) == NULL)
		return 0;
	n = fill_children(children, blocks, start, NOTION_MAX_CHILDREN,
					  pj_serialized_len(body), true, &ok);
	json_object_put(body);
	return ok ? n : 0;
}

char *
notion_append_children_body(json_object *blocks, int start, int count)
{
	json_object *children,
			   *body;
	char	   *out = NULL;
	bool		ok = true;

	if (!is_array(blocks) || start < 0 || count < 1 || count > NOTION_MAX_CHILDREN ||
		(size_t) start + (size_t) count > json_object_array_length(blocks))
		return NULL;
	if ((body = append_skeleton(&children)) == NULL)
		return NULL;
	for (int i = start; i < start + count && ok; i++)
		ok = pj_append(children, json_object_get(json_object_array_get_idx(blocks, i)));
	if (ok)
		out = pj_serialize(body);
	json_object_put(body);
	return out;
}

char *
notion_query_equals_body(const char *prop, const char *value, const char *start_cursor)
{
	json_object *body,
			   *filter,
			   *cond,
			   *sort,
			   *sorts;
	char	   *out = NULL;

	if (prop == NULL || value == NULL)
		return NULL;
	body = json_object_new_object();
	filter = json_object_new_object();
	cond = json_object_new_object();
	sort = json_object_new_object();
	sorts = json_object_new_array();
	if (body && filter && cond && sort && sorts &&
		pj_add(cond, "equals", pj_string(value)) &&
		pj_add(filter, "property", pj_string(prop)) &&
		pj_add(filter, "rich_text", json_object_get(cond)) &&
		pj_add(body, "filter", json_object_get(filter)) &&
	/* oldest first: of duplicates, the first created is the one to keep */
		pj_add(sort, "timestamp", json_object_new_string("created_time")) &&
		pj_add(sort, "direction", json_object_new_string("ascending")) &&
		pj_append(sorts, json_object_get(sort)) &&
		pj_add(body, "sorts", json_object_get(sorts)) &&
		pj_add(body, "page_size", json_object_new_int(2)) &&
		(start_cursor == NULL ||
		 pj_add(body, "start_cursor", pj_string(start_cursor))))
		out = pj_serialize(body);
	json_object_put(cond);
	json_object_put(filter);
	json_object_put(sort);
	json_object_put(sorts);
	json_object_put(body);
	return out;
}

/* ------------------------------------------------------------------------
 * Responses
 */

static bool
is_error_object(json_object *obj)
{
	size_t		len;
	const char *kind = pj_member_string(obj, "object", &len);

	return kind != NULL && strcmp(kind, "error") == 0;
}

bool
notion_parse_object_id(const char *body, size_t len, char *out, size_t outsz)
{
	json_object *obj = pj_parse(body, len);
	const char *id;
	size_t		idlen = 0;
	bool		ok = false;

	if (out && outsz)
		out[0] = '\0';
	if (obj != NULL && !is_error_object(obj) &&
		(id = pj_member_string(obj, "id", &idlen)) != NULL && idlen > 0)
		ok = pj_copy_exact(id, idlen, out, outsz);
	json_object_put(obj);
	return ok;
}

int
notion_parse_query_ids(const char *body, size_t len, char ids[][NOTION_ID_MAX], int max_ids)
{
	json_object *obj,
			   *results;
	int			n = -1;

	if (max_ids < 0 || (ids == NULL && max_ids > 0))
		return -1;
	obj = pj_parse(body, len);
	if (obj != NULL && !is_error_object(obj) &&
		json_object_is_type(obj, json_type_object) &&
		json_object_object_get_ex(obj, "results", &results) && is_array(results))
	{
		size_t		total = json_object_array_length(results);

		n = 0;
		for (size_t i = 0; i < total && n < max_ids; i++)
		{
			size_t		idlen = 0;
			const char *id = pj_member_string(json_object_array_get_idx(results, i),
											  "id", &idlen);

			if (id == NULL || idlen == 0 || !pj_copy_exact(id, idlen, ids[n], NOTION_ID_MAX))
			{
				n = -1;
				break;
			}
			n++;
		}
	}
	json_object_put(obj);
	return n;
}

bool
notion_parse_query_next(const char *body, size_t len, char *cursor, size_t cursorsz)
{
	json_object *obj = pj_parse(body, len);
	json_object *more;
	const char *c;
	size_t		clen = 0;
	bool		ok = false;

	if (cursor && cursorsz)
		cursor[0] = '\0';
	if (obj != NULL && !is_error_object(obj) &&
		json_object_is_type(obj, json_type_object) &&
		json_object_object_get_ex(obj, "has_more", &more) &&
		json_object_is_type(more, json_type_boolean) && json_object_get_boolean(more) &&
		(c = pj_member_string(obj, "next_cursor", &clen)) != NULL && clen > 0)
		ok = pj_copy_exact(c, clen, cursor, cursorsz);
	json_object_put(obj);
	return ok;
}

bool
notion_parse_error(const char *body, size_t len, char *code, size_t codesz,
				   char *msg, size_t msgsz)
{
	json_object *obj = pj_parse(body, len);
	const char *c = NULL,
			   *m = NULL;
	size_t		clen = 0,
				mlen = 0;
	bool		ok = false;

	if (obj != NULL && is_error_object(obj))
	{
		c = pj_member_string(obj, "code", &clen);
		m = pj_member_string(obj, "message", &mlen);
		ok = c != NULL || m != NULL;
	}
	pj_copy_trunc(ok ? c : NULL, clen, code, codesz);
	pj_copy_trunc(ok ? m : NULL, mlen, msg, msgsz);
	json_object_put(obj);
	return ok;
}
