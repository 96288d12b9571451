/*
 * tabular_text.c - byte-level helpers of the tabular reader: the malloc
 * allocator, error filling, UTF-8 validation and line classification.
 *
 * Everything here is ASCII-only on purpose (no <ctype.h>): the backend may
 * run under any locale and the reader must behave the same in all of them.
 */
#include "tabular_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * The libc allocator
 * ------------------------------------------------------------------------
 */
static void *
malloc_realloc(void *ctx, void *ptr, size_t size)
{
	(void) ctx;
	return realloc(ptr, size);
}

static void
malloc_free(void *ctx, void *ptr)
{
	(void) ctx;
	free(ptr);
}

const tab_alloc tab_alloc_malloc = {malloc_realloc, malloc_free, NULL};

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------
 */
const char *
tab_status_name(int code)
{
	switch (code)
	{
		case TAB_OK:
			return "TAB_OK";
		case TAB_STOPPED:
			return "TAB_STOPPED";
		case TAB_ERR_EMPTY:
			return "TAB_ERR_EMPTY";
		case TAB_ERR_NOT_UTF8:
			return "TAB_ERR_NOT_UTF8";
		case TAB_ERR_HEADER_ONLY:
			return "TAB_ERR_HEADER_ONLY";
		case TAB_ERR_NO_TABLE:
			return "TAB_ERR_NO_TABLE";
		case TAB_ERR_RAGGED:
			return "TAB_ERR_RAGGED";
		case TAB_ERR_FORMAT:
			return "TAB_ERR_FORMAT";
		case TAB_ERR_QUOTE:
			return "TAB_ERR_QUOTE";
		case TAB_ERR_TOO_LONG:
			return "TAB_ERR_TOO_LONG";
		case TAB_ERR_NOMEM:
			return "TAB_ERR_NOMEM";
		case TAB_ERR_USAGE:
			return "TAB_ERR_USAGE";
	}
	return "TAB_ERR_UNKNOWN";
}

/*
 * Fill *err (which may be NULL) and return code, so that callers can write
 * "return tab_fail(...)".  detail_fmt may be NULL.
 */
int
tab_fail(tab_error *err, int code, long line, const char *message,
		 const char *hint, const char *detail_fmt,...)
{
	va_list		ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->line = line;
	snprintf(err->message, sizeof(err->message), "%s", message ? message : "");
	snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
	err->detail[0] = '\0';
	if (detail_fmt != NULL)
	{
		va_start(ap, detail_fmt);
		vsnprintf(err->detail, sizeof(err->detail), detail_fmt, ap);
		va_end(ap);
	}
	return code;
}

/* ------------------------------------------------------------------------
 * UTF-8
 * ------------------------------------------------------------------------
 */

/* Length of the valid UTF-8 character at s[0..len), or 0 (RFC 3629). */
static size_t
utf8_char(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	unsigned char lo = 0x80,
				hi = 0xBF;
	size_t		n;

	if (c >= 0x01 && c <= 0x7F)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
	{
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;			/* no overlong forms */
		else if (c == 0xED)
			hi = 0x9F;			/* no surrogates */
	}
	else if (c >= 0xF0 && c <= 0xF4)
	{
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;			/* nothing above U+10FFFF */
	}
	else
		return 0;				/* NUL, continuation byte, C0/C1, F5..FF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return n;
}

size_t
tab_utf8_check(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		size_t		n;

		/* ASCII fast path, 8 bytes at a time: no high bit and no NUL */
		while (i + 8 <= len)
		{
			uint64_t	v;

			memcpy(&v, s + i, 8);
			if ((v & UINT64_C(0x8080808080808080)) != 0 ||
				((v - UINT64_C(0x0101010101010101)) & ~v &
				 UINT64_C(0x8080808080808080)) != 0)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		n = utf8_char(s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

int
tab_fail_utf8(tab_error *err, const unsigned char *s, size_t len,
			  size_t bad, long line, uint64_t line_offset)
{
	unsigned long long off = (unsigned long long) (line_offset + bad);

	if (s[bad] == 0)
		return tab_fail(err, TAB_ERR_NOT_UTF8, line,
						"file is not UTF-8 text: it contains a NUL byte",
						"A file saved as UTF-16 (\"Unicode text\") has NUL bytes; "
						"re-save it as UTF-8 (in Excel: \"CSV UTF-8\").",
						"NUL byte at byte offset %llu (line %ld).", off, line);
	if (bad + 1 < len)
		return tab_fail(err, TAB_ERR_NOT_UTF8, line,
						"file is not valid UTF-8",
						"Re-save the file as UTF-8 (in Excel: \"CSV UTF-8\"); "
						"it is probably Windows-1252 or Latin-1.",
						"Invalid byte sequence 0x%02X 0x%02X at byte offset %llu (line %ld).",
						s[bad], s[bad + 1], off, line);
	return tab_fail(err, TAB_ERR_NOT_UTF8, line,
					"file is not valid UTF-8",
					"Re-save the file as UTF-8 (in Excel: \"CSV UTF-8\"); "
					"it is probably Windows-1252 or Latin-1.",
					"Invalid byte 0x%02X at byte offset %llu (line %ld).",
					s[bad], off, line);
}

/* ------------------------------------------------------------------------
 * Lines
 * ------------------------------------------------------------------------
 */
size_t
tab_find_eol(const char *s, size_t len)
{
	const char *lf = memchr(s, '\n', len);
	size_t		lim = lf ? (size_t) (lf - s) : len;
	const char *cr = memchr(s, '\r', lim);

	/* two memchr passes beat a byte loop on long lines */
	return cr ? (size_t) (cr - s) : lim;
}

bool
tab_is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/*
 * Excel writes its error values as cell text; a data row whose first cell
 * is #N/A must not vanish as a comment.
 */
static const char *const excel_errors[] = {
	"#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
	"#SPILL!", "#CALC!", "#GETTING_DATA", NULL
};

bool
tab_is_comment(const char *s, size_t n, char delim)
{
	if (n == 0 || (s[0] != '#' && s[0] != '!'))
		return false;
	if (s[0] == '#')
	{
		for (int i = 0; excel_errors[i] != NULL; i++)
		{
			size_t		k = strlen(excel_errors[i]);

			if (n >= k && memcmp(s, excel_errors[i], k) == 0 &&
				(n == k || s[k] == delim))
				return false;
		}
	}
	return true;
}

void
tab_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t		len = *n;

	while (len > 0 && (p[0] == ' ' || p[0] == '\t'))
	{
		p++;
		len--;
	}
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	*s = p;
	*n = len;
}
