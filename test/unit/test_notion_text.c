/*
 * test_notion_text.c - unit tests of the plain text read from a Notion
 * page's blocks (src/core/notion_text.c).
 *
 * The parser reads answers written by someone else's server: it must take
 * the text of every text-bearing block type, skip the rest, follow the
 * cursor only when there is more, and refuse (NULL, never a crash) error
 * objects, HTML and truncated bodies.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "notion_text.h"
#include "unit.h"

#define RT(s) "{\"type\":\"text\",\"text\":{\"content\":\"" s "\"},\"plain_text\":\"" s "\"}"
#define BLOCK(t, inner) "{\"object\":\"block\",\"id\":\"b\",\"type\":\"" t "\",\"has_children\":false,\"" t "\":" inner "}"

static void
test_types(void)
{
	const char *body =
		"{\"object\":\"list\",\"results\":["
		BLOCK("heading_1", "{\"rich_text\":[" RT("Aims") "]}") ","
		BLOCK("paragraph", "{\"rich_text\":[" RT("We test ") "," RT("lipids.") "]}") ","
		BLOCK("image", "{\"type\":\"external\",\"external\":{\"url\":\"http://x\"}}") ","
		BLOCK("bulleted_list_item", "{\"rich_text\":[" RT("one") "]}") ","
		BLOCK("numbered_list_item", "{\"rich_text\":[" RT("two") "]}") ","
		BLOCK("to_do", "{\"rich_text\":[" RT("done") "],\"checked\":true}") ","
		BLOCK("to_do", "{\"rich_text\":[" RT("open") "],\"checked\":false}") ","
		BLOCK("heading_2", "{\"rich_text\":[" RT("Notes") "]}") ","
		BLOCK("quote", "{\"rich_text\":[" RT("a quote") "]}") ","
		BLOCK("callout", "{\"rich_text\":[" RT("a callout") "],\"icon\":null}") ","
		BLOCK("toggle", "{\"rich_text\":[" RT("a toggle") "]}") ","
		BLOCK("heading_3", "{\"rich_text\":[" RT("Small") "]}") ","
		BLOCK("code", "{\"rich_text\":[" RT("select 1") "],\"language\":\"sql\"}") ","
		BLOCK("paragraph", "{\"rich_text\":[]}") ","
		BLOCK("paragraph", "{\"rich_text\":[" RT("  ") "]}") ","
		BLOCK("paragraph", "{\"rich_text\":[{\"type\":\"text\",\"text\":{\"content\":\"no plain\"}}]}") ","
		BLOCK("paragraph", "{\"text\":[" RT("old key") "]}")
		"],\"next_cursor\":null,\"has_more\":false,\"type\":\"block\",\"block\":{}}";
	char		cursor[NOTION_CURSOR_MAX] = "x";
	int			n = -1;
	char	   *text = notion_children_text(body, strlen(body), cursor, sizeof(cursor), &n);

	CHECK_STR(text,
			  "Aims\n"
			  "We test lipids.\n"
			  "- one\n"
			  "- two\n"
			  "[x] done\n"
			  "[ ] open\n"
			  "\nNotes\n"
			  "a quote\n"
			  "a callout\n"
			  "a toggle\n"
			  "\nSmall\n"
			  "no plain\n"
			  "old key",
			  "text-bearing blocks in order, others and empty ones skipped");
	CHECK(n == 17, "all blocks counted (got %d)", n);
	CHECK(cursor[0] == '\0', "no cursor without has_more");
	free(text);
}

static void
test_pages(void)
{
	const char *more = "{\"object\":\"list\",\"results\":[" BLOCK("paragraph", "{\"rich_text\":[" RT("p") "]}")
		"],\"next_cursor\":\"0b6e-cursor\",\"has_more\":true}";
	const char *empty = "{\"object\":\"list\",\"results\":[],\"next_cursor\":null,\"has_more\":false}";
	const char *lying = "{\"object\":\"list\",\"results\":[],\"next_cursor\":\"c\",\"has_more\":false}";
	char		cursor[NOTION_CURSOR_MAX];
	char		small[4];
	char	   *text;
	int			n;

	text = notion_children_text(more, strlen(more), cursor, sizeof(cursor), &n);
	CHECK(text && strcmp(text, "p") == 0 && strcmp(cursor, "0b6e-cursor") == 0 && n == 1,
		  "has_more: the next cursor");
	free(text);
	text = notion_children_text(more, strlen(more), small, sizeof(small), NULL);
	CHECK(text && small[0] == '\0', "a cursor that does not fit is not followed");
	free(text);
	text = notion_children_text(empty, strlen(empty), cursor, sizeof(cursor), &n);
	CHECK(text && text[0] == '\0' && n == 0 && cursor[0] == '\0', "an empty page: empty text");
	free(text);
	text = notion_children_text(lying, strlen(lying), cursor, sizeof(cursor), &n);
	CHECK(text && cursor[0] == '\0', "a cursor without has_more is not followed");
	free(text);
}

static void
test_refused(void)
{
	const char *err = "{\"object\":\"error\",\"status\":404,\"code\":\"object_not_found\",\"message\":\"x\"}";
	const char *html = "<html><body>502 Bad Gateway</body></html>";
	const char *page = "{\"object\":\"list\",\"results\":[" BLOCK("paragraph", "{\"rich_text\":[" RT("p") "]}") "]}";
	char		cursor[NOTION_CURSOR_MAX];
	char	   *buf;

	CHECK(notion_children_text(err, strlen(err), cursor, sizeof(cursor), NULL) == NULL, "error object: NULL");
	CHECK(notion_children_text(html, strlen(html), cursor, sizeof(cursor), NULL) == NULL, "HTML: NULL");
	CHECK(notion_children_text(page, strlen(page) - 3, cursor, sizeof(cursor), NULL) == NULL, "truncated: NULL");
	CHECK(notion_children_text("", 0, NULL, 0, NULL) == NULL, "empty body: NULL");
	CHECK(notion_children_text("{\"results\":{}}", 14, NULL, 0, NULL) == NULL, "results not a list: NULL");
	/* not NUL-terminated */
	buf = malloc(strlen(page));
	memcpy(buf, page, strlen(page));
	{
		char	   *text = notion_children_text(buf, strlen(page), NULL, 0, NULL);

		CHECK(text && strcmp(text, "p") == 0, "unterminated buffer");
		free(text);
	}
	free(buf);
}

int
main(void)
{
	test_types();
	test_pages();
	test_refused();
	return unit_done();
}
