/*
 * tabular_csv.c - the glue between the line-oriented reader and libcsv.
 *
 * libcsv does the field work: delimiters, quotes, doubled quotes, line
 * breaks inside quoted fields, trimming of spaces around unquoted fields.
 * This file adds what the reader needs around it:
 *
 *  - It is fed one physical line at a time.  A line holds at most one line
 *    terminator, at its end, so at most one record can end per call, and
 *    the reader can act on the record (callbacks, errors) after csv_parse
 *    has returned instead of inside libcsv's callbacks.
 *  - It remembers the line on which a still-open quoted field began, for
 *    the "unterminated quote" error.
 *  - Memory.  libcsv's realloc/free hooks take no context pointer, and we
 *    must allocate through the caller's tab_alloc without global state.  So
 *    we seed libcsv's entry buffer ourselves with a block that carries a
 *    small header holding the allocator; the hooks find the allocator in
 *    front of the pointer they are given.  libcsv never calls the hook with
 *    NULL because the buffer is never NULL.  The header also records the
 *    real capacity so that growth is geometric (libcsv itself grows the
 *    buffer by a fixed block, which is quadratic on long fields).
 *  - Quoting off: mwTab and mzTab-M define no quoting.  We set the quote
 *    character to 0xFF, a byte that cannot occur in the UTF-8 text we hand
 *    to libcsv (every line is validated first).
 */
#include "tabular_int.h"

#include <stddef.h>
#include <string.h>

/* Header in front of a heap entry buffer, padded to keep alignment. */
typedef union buf_head
{
	struct
	{
		const tab_alloc *alloc;
		size_t		cap;
	}			h;
	max_align_t align;
} buf_head;

#define INITIAL_FIELD_BYTES 1024

static void *
heap_realloc(void *ptr, size_t size)
{
	buf_head   *head;
	buf_head   *nhead;
	size_t		cap;

	if (ptr == NULL)
		return NULL;			/* cannot happen: the buffer is seeded */
	head = (buf_head *) ((char *) ptr - sizeof(buf_head));
	if (size <= head->h.cap)
		return ptr;
	cap = head->h.cap;
	while (cap < size)
	{
		if (cap > (SIZE_MAX - sizeof(buf_head)) / 2)
			return NULL;
		cap *= 2;
	}
	nhead = head->h.alloc->realloc_fn(head->h.alloc->ctx, head,
									  cap + sizeof(buf_head));
	if (nhead == NULL)
		return NULL;
	nhead->h.cap = cap;
	return (char *) nhead + sizeof(buf_head);
}

static void
heap_free(void *ptr)
{
	buf_head   *head;

	if (ptr == NULL)
		return;
	head = (buf_head *) ((char *) ptr - sizeof(buf_head));
	head->h.alloc->free_fn(head->h.alloc->ctx, head);
}

/* The sniffer's fixed scratch buffer never grows and is never freed. */
static void *
fixed_realloc(void *ptr, size_t size)
{
	(void) ptr;
	(void) size;
	return NULL;
}

static void
fixed_free(void *ptr)
{
	(void) ptr;
}

static void
field_cb(void *s, size_t len, void *data)
{
	tab_csv    *c = data;

	c->nfields++;
	if (c->on_field)
		c->on_field(c->ctx, s, len);
}

static void
row_cb(int ch, void *data)
{
	tab_csv    *c = data;

	(void) ch;
	c->ended = true;
}

static void
common_init(tab_csv *c, char delim, char quote, tab_field_fn on_field,
			void *ctx)
{
	memset(c, 0, sizeof(*c));
	csv_init(&c->p, CSV_APPEND_NULL);
	csv_set_delim(&c->p, (unsigned char) delim);
	csv_set_quote(&c->p, quote ? (unsigned char) quote : 0xFF);
	c->on_field = on_field;
	c->ctx = ctx;
}

int
tab_csv_init(tab_csv *c, char delim, char quote, const tab_alloc *a,
			 tab_field_fn on_field, void *ctx)
{
	buf_head   *head;

	common_init(c, delim, quote, on_field, ctx);
	head = a->realloc_fn(a->ctx, NULL, sizeof(buf_head) + INITIAL_FIELD_BYTES);
	if (head == NULL)
		return TAB_ERR_NOMEM;
	head->h.alloc = a;
	head->h.cap = INITIAL_FIELD_BYTES;
	c->p.entry_buf = (unsigned char *) head + sizeof(buf_head);
	c->p.entry_size = INITIAL_FIELD_BYTES;
	csv_set_realloc_func(&c->p, heap_realloc);
	csv_set_free_func(&c->p, heap_free);
	csv_set_blk_size(&c->p, INITIAL_FIELD_BYTES);
	c->heap = true;
	return TAB_OK;
}

void
tab_csv_init_fixed(tab_csv *c, char delim, char quote, char *buf, size_t size,
				   tab_field_fn on_field, void *ctx)
{
	common_init(c, delim, quote, on_field, ctx);
	c->p.entry_buf = (unsigned char *) buf;
	c->p.entry_size = size;
	csv_set_realloc_func(&c->p, fixed_realloc);
	csv_set_free_func(&c->p, fixed_free);
}

int
tab_csv_line(tab_csv *c, const char *s, size_t n, long line, bool *ended)
{
	bool		starting = !c->in_record;
	long		before = c->nfields;
	size_t		done;

	c->ended = false;
	c->in_record = true;
	done = csv_parse(&c->p, s, n, field_cb, row_cb, c);
	*ended = c->ended;
	if (c->ended)
		c->in_record = false;
	else if (starting || c->nfields != before)
	{
		/*
		 * The record goes on past this line: a quoted field opened on it
		 * (or this is a last line without terminator; finish sorts out
		 * which).
		 */
		c->quote_line = line;
	}
	if (done < n)
		return TAB_ERR_NOMEM;	/* the only failure outside strict mode */
	return TAB_OK;
}

int
tab_csv_finish(tab_csv *c, bool *ended)
{
	size_t		done;

	*ended = false;
	if (!c->in_record)
		return TAB_OK;

	/*
	 * A synthetic line feed ends an unquoted last field; inside an open
	 * quoted field it is swallowed, which is how we tell the two apart
	 * without looking at libcsv's private state constants.
	 */
	c->ended = false;
	done = csv_parse(&c->p, "\n", 1, field_cb, row_cb, c);
	if (done < 1)
		return TAB_ERR_NOMEM;
	if (!c->ended)
		return TAB_ERR_QUOTE;
	c->in_record = false;
	*ended = true;
	return TAB_OK;
}

size_t
tab_csv_field_bytes(const tab_csv *c)
{
	return c->p.entry_pos;
}

void
tab_csv_free(tab_csv *c)
{
	if (c->heap)
		csv_free(&c->p);
	c->heap = false;
	c->p.entry_buf = NULL;
}
