/*
 * text_buf.h - a growable, NUL-terminated byte buffer for the core ring
 * (HTTP bodies received, JSON text built by hand, text gathered from
 * parsed documents).  Plain C, malloc-based.
 *
 * A failed allocation leaves the buffer as it was and marks it failed;
 * every later append then fails too, so a caller may check once at the
 * end.  data is NULL until the first non-empty append.
 */
#ifndef AMPRENTA_TEXT_BUF_H
#define AMPRENTA_TEXT_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct TextBuf
{
	char	   *data;			/* NUL-terminated once anything was added */
	size_t		len;
	size_t		cap;
	bool		failed;			/* an allocation failed */
} TextBuf;

#define TEXT_BUF_INIT {NULL, 0, 0, false}

/* Append s[0..n); false (and the buffer marked failed) when out of memory. */
extern bool text_buf_add(TextBuf *b, const char *s, size_t n);

/* Append a NUL-terminated string. */
extern bool text_buf_str(TextBuf *b, const char *s);

/* Cut the text back to its first len bytes (len <= b->len). */
extern void text_buf_truncate(TextBuf *b, size_t len);

/* Free the storage; the buffer is empty (and not failed) again. */
extern void text_buf_free(TextBuf *b);

#endif
