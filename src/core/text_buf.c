/*
 * text_buf.c - a growable, NUL-terminated byte buffer (see text_buf.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text_buf.h"

#define TEXT_BUF_FIRST 256

bool
text_buf_add(TextBuf *b, const char *s, size_t n)
{
	if (b->failed)
		return false;
	if (n == 0)
		return true;			/* nothing allocated for nothing */
	if (n > SIZE_MAX - b->len - 1)
	{
		b->failed = true;
		return false;
	}
	if (b->len + n + 1 > b->cap)
	{
		size_t		need = b->len + n + 1;
		size_t		cap = b->cap < TEXT_BUF_FIRST ? TEXT_BUF_FIRST : b->cap;
		char	   *p;

		while (cap < need)
			cap = cap > SIZE_MAX / 2 ? need : cap * 2;
		if ((p = realloc(b->data, cap)) == NULL)
		{
			b->failed = true;
			return false;
		}
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

bool
text_buf_str(TextBuf *b, const char *s)
{
	return text_buf_add(b, s, strlen(s));
}

void
text_buf_truncate(TextBuf *b, size_t len)
{
	if (b->data != NULL && len <= b->len)
	{
		b->len = len;
		b->data[len] = '\0';
	}
}

void
text_buf_free(TextBuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = false;
}
