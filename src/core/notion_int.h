/*
 * notion_int.h - what notion_props.c shares with notion_payload.c.
 */
#ifndef AMPRENTA_NOTION_INT_H
#define AMPRENTA_NOTION_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/*
 * Append to arr the rich-text items of text[0..len): each at most
 * NOTION_TEXT_MAX_UNITS UTF-16 units, at most max_items items, and about
 * max_bytes of JSON text in all (content after escaping plus a fixed
 * allowance per item).  Stops where the next character does not fit.
 * When text is left over and ellipsis is set, the last item is shortened
 * as needed and ends with "…".
 *
 * Returns the number of input bytes consumed (len when everything went
 * in); *ok is cleared on allocation failure.  At least one character is
 * always consumed when len > 0 and max_bytes >= 100.
 */
extern size_t notion_rich_text_fill(json_object *arr, const char *text, size_t len,
									int max_items, size_t max_bytes, bool ellipsis,
									bool *ok);

#endif
