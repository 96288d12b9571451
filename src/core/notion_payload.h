/*
 * notion_payload.h - request bodies for the Notion API and parsers of its
 * responses (pages, blocks, data-source/database queries, errors).
 *
 * Bodies follow the wire reference (external_apis.md §1) and respect the
 * request limits of §1.9, so the API (and the loopback fake of
 * test/fake/) accepts them whatever text they carry:
 *
 *	rich text	every text item holds at most NOTION_TEXT_MAX_UNITS (2000)
 *				UTF-16 code units: Notion does not say what its
 *				"characters" are, and UTF-16 units are the strictest reading
 *				(a character outside the BMP counts 2).  Items are cut at
 *				character boundaries only, so no UTF-8 sequence and no
 *				surrogate pair is ever split.  An array holds at most
 *				NOTION_MAX_ITEMS (100) items.
 *	body		at most NOTION_MAX_CHILDREN (100) blocks per create or
 *				append, and at most NOTION_MAX_BODY_BYTES serialized.
 *
 * Property text (title, rich_text) longer than 100 items is truncated:
 * the last item ends with "…".  Body text is not truncated: a paragraph
 * too long for one block (100 items, or NOTION_BLOCK_TEXT_BYTES of JSON
 * text) continues in the next paragraph block, so every block fits a
 * request on its own and no text is lost.
 *
 * Bytes that are not UTF-8 are sent as U+FFFD (payload_json.h).
 *
 * Returned strings are malloc'd (the caller frees them); json_object
 * results belong to the caller (json_object_put).  json_object arguments
 * are only read: the caller keeps its reference.  NULL on allocation
 * failure or invalid arguments.  Plain C, no PostgreSQL headers, no
 * global state.
 */
#ifndef AMPRENTA_NOTION_PAYLOAD_H
#define AMPRENTA_NOTION_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define NOTION_TEXT_MAX_UNITS	2000	/* UTF-16 units per text item */
#define NOTION_MAX_ITEMS		100 /* rich-text items per array */
#define NOTION_MAX_CHILDREN		100 /* blocks per create / append */
#define NOTION_MAX_OPTIONS		100 /* multi_select options */
#define NOTION_NAME_MAX_UNITS	100 /* select option name */
#define NOTION_URL_MAX_UNITS	2000
#define NOTION_MAX_BODY_BYTES	500000	/* "500 KB" per request */
#define NOTION_BLOCK_TEXT_BYTES 100000	/* JSON text of one block's rich text */
#define NOTION_ID_MAX			64	/* room for a dashed UUID and more */

typedef enum NotionPropType
{
	NP_TITLE,
	NP_RICH_TEXT,
	NP_NUMBER,
	NP_SELECT,
	NP_MULTI_SELECT,
	NP_DATE,
	NP_URL,
	NP_CHECKBOX
} NotionPropType;

typedef struct NotionProp
{
	const char *name;			/* property name (or id); NULL: skipped */
	NotionPropType type;
	const char *value;			/* text form; NULL = clear/empty */
} NotionProp;

/*
 * "title", "rich_text", "number", "select", "multi_select", "date", "url",
 * "checkbox" (exact, lower case) -> *out.  False for anything else.
 */
extern bool notion_prop_type_parse(const char *s, NotionPropType *out);

/*
 * The "properties" object of a create or update request.  Value rules
 * (surrounding ASCII white space is ignored where it says "trimmed"):
 *
 *	title, rich_text  text items as above, truncated with "…" past 100
 *					  items; NULL or "" -> [] (clears the property)
 *	number			  strtod of the trimmed text, which must be consumed
 *					  whole; unparseable or not finite -> null.  Printed in
 *					  the shortest form that reads back exactly.
 *	select			  commas (not allowed in option names) become spaces;
 *					  trimmed; cut to 100 UTF-16 units; empty -> null
 *	multi_select	  comma-separated names, each trimmed and cut to 100
 *					  units; empty names and repeats dropped; at most 100
 *	date			  "YYYY-MM-DD" -> the date; followed by a time ("T" or
 *					  a space, HH:MM[:SS[.frac]], then nothing, "Z" or an
 *					  offset +HH[:MM]) -> "YYYY-MM-DDTHH:MM:SS[.mmm][zone]"
 *					  (PostgreSQL's own timestamp text is accepted that
 *					  way); a date followed by anything else -> the date
 *					  part only; no valid date (or NULL) -> null
 *	url				  trimmed; empty, NULL or over 2000 units -> null
 *	checkbox		  t, true, on, 1, y, yes (trimmed, any case) -> true;
 *					  anything else, NULL included -> false
 *
 * A later property of the same name replaces an earlier one.
 */
extern json_object *notion_properties(const NotionProp *props, int n);

/*
 * Body text -> array of blocks.  Lines end with LF or CRLF.  Paragraphs
 * are separated by blank lines (empty or only spaces and tabs); the lines
 * of a paragraph are joined with "\n".  A line starting with "# " is a
 * heading_2 block of its own (the rest of the line, trimmed; truncated
 * with "…" past one block).  NULL or text without content -> [].
 */
extern json_object *notion_blocks_from_text(const char *text);

/*
 * POST /v1/pages.  parent: use_data_source ? {"type":"data_source_id",
 * "data_source_id":id} : {"type":"database_id","database_id":id};
 * properties NULL sends {}.  children: the first blocks of `blocks` (may
 * be NULL) while they number at most 100 and the body stays within
 * NOTION_MAX_BODY_BYTES; *children_used (may be NULL) gets how many were
 * included, the caller appends the rest.
 */
extern char *notion_create_page_body(bool use_data_source, const char *parent_id,
									 json_object *properties, json_object *blocks,
									 int *children_used);

/*
 * PATCH /v1/pages/{id}: {"properties": ...} (omitted when NULL), plus
 * "in_trash": true when archived.  in_trash, not the deprecated
 * "archived": every Notion version we speak (2022-06-28, 2025-09-03,
 * 2026-03-11) accepts it, and 2026-03-11 rejects "archived" (§1.5).
 * Nothing is sent to restore a page (archived false).
 */
extern char *notion_update_page_body(json_object *properties, bool archived);

/*
 * How many blocks from blocks[start] go into the next append request:
 * at most 100 and within NOTION_MAX_BODY_BYTES, at least 1 while any
 * remain; 0 when start is past the end.
 */
extern int	notion_append_children_count(json_object *blocks, int start);

/*
 * PATCH /v1/blocks/{id}/children: {"children": blocks[start..start+count)}
 * appended at the end (no "after"/"position": the default works on every
 * version).  1 <= count <= 100 and the range must lie in the array.
 */
extern char *notion_append_children_body(json_object *blocks, int start, int count);

/*
 * POST /v1/databases/{id}/query (2022-06-28) or
 * /v1/data_sources/{id}/query (2025-09-03 and later): pages whose
 * rich_text property `prop` equals `value`, oldest first, page_size 2 (a
 * second hit means a duplicate); from start_cursor (the next_cursor of
 * the previous answer) unless it is NULL.
 */
extern char *notion_query_equals_body(const char *prop, const char *value,
									  const char *start_cursor);

/*
 * Response parsers.  The body need not be NUL-terminated, and may be
 * anything (an HTML page from a proxy, a truncated body): they then return
 * false or -1, never crash.
 */

/* The "id" of a returned object (not an error object); false if missing
 * or if it does not fit out[outsz]. */
extern bool notion_parse_object_id(const char *body, size_t len, char *out, size_t outsz);

/* The ids of a query's "results", at most max_ids; returns how many were
 * stored, -1 if the body is not a list of objects with ids. */
extern int	notion_parse_query_ids(const char *body, size_t len, char ids[][NOTION_ID_MAX],
								   int max_ids);

/*
 * Is there a next page of a query's results?  True when the answer says
 * "has_more": true and gives a non-empty string "next_cursor", copied to
 * cursor[cursorsz] (false if it does not fit).  A filtered query may
 * answer fewer results than page_size, even none, and still have more:
 * only has_more says when the results are complete (§1.7).
 */
extern bool notion_parse_query_next(const char *body, size_t len, char *cursor, size_t cursorsz);

/*
 * An error body {"object":"error","code","message"}: true, code and msg
 * filled (cut at a character boundary to fit; either may be NULL).
 * False for anything else (code and msg then emptied).
 */
extern bool notion_parse_error(const char *body, size_t len, char *code, size_t codesz,
							   char *msg, size_t msgsz);

#endif
