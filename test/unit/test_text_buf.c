/*
 * test_text_buf.c - unit tests of the growable text buffer
 * (src/core/text_buf.c): growth across many doublings keeps every byte,
 * the text stays NUL-terminated, empty appends allocate nothing,
 * truncation, and a failed buffer refuses later appends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text_buf.h"
#include "unit.h"

static void
test_growth(void)
{
	TextBuf		b = TEXT_BUF_INIT;
	bool		ok = true;
	bool		same = true;

	CHECK(text_buf_add(&b, "", 0) && b.data == NULL && b.len == 0,
		  "an empty append allocates nothing");
	for (int i = 0; i < 100000 && ok; i++)
	{
		char		c = (char) ('a' + i % 26);

		ok = text_buf_add(&b, &c, 1);
	}
	CHECK(ok && b.len == 100000 && b.cap > b.len, "100,000 one-byte appends: length 100000");
	for (size_t i = 0; i < b.len && same; i++)
		same = b.data[i] == (char) ('a' + i % 26);
	CHECK(same && b.data[b.len] == '\0', "every byte kept, NUL after the last");
	CHECK(text_buf_str(&b, "tail") && strcmp(b.data + 100000, "tail") == 0,
		  "a string appended after the growth");

	text_buf_truncate(&b, 3);
	CHECK(b.len == 3 && strcmp(b.data, "abc") == 0, "truncated to 3: \"abc\"");
	text_buf_truncate(&b, 10);
	CHECK(b.len == 3, "truncating to more than the length changes nothing");
	text_buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0 && !b.failed, "freed: empty again");
}

static void
test_failed(void)
{
	TextBuf		b = TEXT_BUF_INIT;

	CHECK(text_buf_str(&b, "kept"), "a first append");
	/* a length no allocation can satisfy */
	CHECK(!text_buf_add(&b, "x", SIZE_MAX - 2), "an impossible append fails");
	CHECK(b.failed && b.len == 4 && strcmp(b.data, "kept") == 0,
		  "the buffer is marked failed and keeps its text");
	CHECK(!text_buf_str(&b, "more") && b.len == 4, "later appends fail too");
	text_buf_free(&b);
	CHECK(text_buf_str(&b, "again") && strcmp(b.data, "again") == 0, "usable again after free");
	text_buf_free(&b);
}

int
main(void)
{
	test_growth();
	test_failed();
	return unit_done();
}
