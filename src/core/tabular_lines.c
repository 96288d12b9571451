/*
 * tabular_lines.c - chunks in, physical lines out.
 *
 * The reader is fed chunks cut anywhere; this turns them into complete
 * physical lines, each passed to a callback with its terminator length,
 * its 1-based number and its byte offset in the file.  Terminators are
 * LF, CRLF and CR alone; CRLF counts as one.
 *
 * A line lying inside one chunk is handed over in place (no copy); a line
 * that straddles chunks is assembled in a pending buffer.  A CR that ends
 * a chunk cannot be judged yet (CR alone, or the first half of CRLF?): the
 * line waits in the pending buffer for the next byte or for the end.
 * The pending buffer is bounded by max_line, so a file without line
 * breaks fails with TAB_ERR_TOO_LONG instead of eating memory.
 */
#include "tabular_int.h"

#include <string.h>

void
tab_lines_init(tab_lines *ls, const tab_alloc *a, size_t max_line,
			   tab_line_fn on_line, void *ctx)
{
	memset(ls, 0, sizeof(*ls));
	ls->alloc = a;
	ls->max_line = max_line;
	ls->on_line = on_line;
	ls->ctx = ctx;
	ls->line = 1;
}

/* Hand over s[0..total), whose last tlen bytes are the terminator. */
static int
emit(tab_lines *ls, const char *s, size_t total, size_t tlen, tab_error *err)
{
	int			rc = ls->on_line(ls->ctx, s, total - tlen, tlen, ls->line,
								 ls->offset, err);

	ls->line++;
	ls->offset += total;
	return rc;
}

static int
pend_append(tab_lines *ls, const char *s, size_t n, tab_error *err)
{
	size_t		need = ls->pendlen + n;

	if (need > ls->pendcap)
	{
		size_t		cap = ls->pendcap ? ls->pendcap : 256;
		char	   *p;

		while (cap < need)
		{
			if (cap > SIZE_MAX / 2)
				return tab_fail(err, TAB_ERR_NOMEM, ls->line,
								"out of memory while reading the file", NULL, NULL);
			cap *= 2;
		}
		p = ls->alloc->realloc_fn(ls->alloc->ctx, ls->pend, cap);
		if (p == NULL)
			return tab_fail(err, TAB_ERR_NOMEM, ls->line,
							"out of memory while reading the file", NULL, NULL);
		ls->pend = p;
		ls->pendcap = cap;
	}
	memcpy(ls->pend + ls->pendlen, s, n);
	ls->pendlen += n;
	return TAB_OK;
}

static int
too_long(tab_lines *ls, tab_error *err)
{
	return tab_fail(err, TAB_ERR_TOO_LONG, ls->line, "line is too long",
					"Check that the file is a text table with line breaks.",
					"Line %ld exceeds %zu bytes.", ls->line, ls->max_line);
}

/* Emit the pending line, which ends with a terminator of tlen bytes. */
static int
emit_pending(tab_lines *ls, size_t tlen, tab_error *err)
{
	size_t		total = ls->pendlen;

	ls->pendlen = 0;
	return emit(ls, ls->pend, total, tlen, err);
}

int
tab_lines_feed(tab_lines *ls, const char *buf, size_t len, tab_error *err)
{
	size_t		i = 0;
	int			rc;

	if (len == 0)
		return TAB_OK;
	if (ls->pend_cr)
	{
		size_t		tlen = 1;

		ls->pend_cr = false;
		if (buf[0] == '\n')
		{
			if ((rc = pend_append(ls, "\n", 1, err)) != TAB_OK)
				return rc;
			tlen = 2;
			i = 1;
		}
		if ((rc = emit_pending(ls, tlen, err)) != TAB_OK)
			return rc;
	}

	while (i < len)
	{
		size_t		k = tab_find_eol(buf + i, len - i);
		size_t		e = i + k;
		size_t		tlen;

		if (ls->pendlen + k > ls->max_line)
			return too_long(ls, err);
		if (e == len)
			return pend_append(ls, buf + i, k, err);	/* line goes on */
		if (buf[e] == '\n')
			tlen = 1;
		else if (e + 1 < len)
			tlen = buf[e + 1] == '\n' ? 2 : 1;
		else
		{
			/* CR at the end of the chunk: CRLF or CR?  Next byte decides. */
			ls->pend_cr = true;
			return pend_append(ls, buf + i, k + 1, err);
		}
		if (ls->pendlen > 0)
		{
			if ((rc = pend_append(ls, buf + i, k + tlen, err)) != TAB_OK)
				return rc;
			rc = emit_pending(ls, tlen, err);
		}
		else
			rc = emit(ls, buf + i, k + tlen, tlen, err);
		if (rc != TAB_OK)
			return rc;
		i = e + tlen;
	}
	return TAB_OK;
}

int
tab_lines_finish(tab_lines *ls, tab_error *err)
{
	/* the last line: CR-terminated, or without terminator */
	if (ls->pend_cr)
	{
		ls->pend_cr = false;
		return emit_pending(ls, 1, err);
	}
	if (ls->pendlen > 0)
		return emit_pending(ls, 0, err);
	return TAB_OK;
}

void
tab_lines_free(tab_lines *ls)
{
	if (ls->pend != NULL)
		ls->alloc->free_fn(ls->alloc->ctx, ls->pend);
	ls->pend = NULL;
	ls->pendlen = ls->pendcap = 0;
}
