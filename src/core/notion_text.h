/*
 * notion_text.h - the plain text of a Notion page's blocks, for the
 * semantic index.
 *
 * GET /v1/blocks/{page_id}/children answers one page of blocks at a time
 * ({"object":"list","results":[...],"has_more":b,"next_cursor":c}).  The
 * text-bearing blocks give their text: the "plain_text" of every item of
 * their "rich_text" array ("text" under API versions before 2021-08-16;
 * an item without "plain_text" gives its "text"."content"):
 *
 *	paragraph, quote, callout, toggle	the text
 *	heading_1, heading_2, heading_3		the text, with a blank line before
 *										(unless it starts the output)
 *	bulleted_list_item,
 *	numbered_list_item					"- " and the text
 *	to_do								"[ ] " or "[x] " and the text
 *
 * Each block with text becomes one line; a line break inside a block stays.
 * Every other block type (images, tables, child pages, code, ...) and
 * blocks without text are skipped.  Nested blocks (has_children) are not
 * read here: their text is in the answer for their own id.
 *
 * Plain C, no PostgreSQL headers, no global state.
 */
#ifndef AMPRENTA_NOTION_TEXT_H
#define AMPRENTA_NOTION_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define NOTION_CURSOR_MAX	128

/*
 * Parse one answer of GET /v1/blocks/{id}/children (body[0..len), need not
 * be NUL-terminated).  Returns the text of its blocks (malloc'd, "" when
 * none has text; the caller frees it), or NULL when the body is not such a
 * list (an error object, HTML, a truncated body) or memory ran out.
 * next_cursor[cursorsz] gets the cursor of the next page when has_more is
 * true and it fits (else ""); *nblocks (may be NULL) the number of blocks
 * in the answer.
 */
extern char *notion_children_text(const char *body, size_t len,
								  char *next_cursor, size_t cursorsz, int *nblocks);

#endif
