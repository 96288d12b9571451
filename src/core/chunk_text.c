/*
 * chunk_text.c - split a text into chunks for embedding (see
 * chunk_text.h for the rules).
 *
 * One loop over the windows.  For each window, the white-space runs that
 * start in its second half are classified and the best one is kept;
 * without one, the cut is hard.  Only ASCII bytes are ever tested, so
 * the text's encoding matters only at a hard cut, where UTF-8
 * continuation bytes are stepped over.
 */
#include "chunk_text.h"

#include <stdbool.h>

/* Strength of a cut, weakest first. */
enum
{
	CUT_NONE,
	CUT_WORD,
	CUT_SENTENCE,
	CUT_LINE,
	CUT_PARAGRAPH
};

/* ASCII white space, as isspace() in the C locale (no locale here). */
static inline bool
is_ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* A UTF-8 continuation byte: never the first byte of a chunk. */
static inline bool
is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/*
 * Strength of the white-space run starting at a (t[a] is white space,
 * t[a - 1] is not).  *stop gets where the scan ended: the end of the run,
 * or its second line feed, after which the run cannot get any stronger,
 * so a long run of blank lines is not read twice.
 */
static int
run_strength(const unsigned char *t, size_t len, size_t a, size_t *stop)
{
	size_t		i = a;
	int			lf = 0;

	while (i < len && is_ws(t[i]))
	{
		if (t[i] == '\n' && ++lf == 2)
			break;
		i++;
	}
	*stop = i;
	if (lf >= 2)
		return CUT_PARAGRAPH;
	if (lf == 1)
		return CUT_LINE;
	if (t[a - 1] == '.' || t[a - 1] == '!' || t[a - 1] == '?')
		return CUT_SENTENCE;
	return CUT_WORD;
}

size_t
chunk_text(const char *text, size_t len, size_t max_bytes, TextChunk *out,
		   size_t max_chunks)
{
	const unsigned char *t = (const unsigned char *) text;
	size_t		n = 0;
	size_t		pos = 0;

	if (text == NULL)
		return 0;
	if (max_bytes < CHUNK_TEXT_MIN_BYTES)
		max_bytes = CHUNK_TEXT_MIN_BYTES;

	for (;;)
	{
		size_t		end,
					next;

		while (pos < len && is_ws(t[pos]))
			pos++;
		if (pos >= len)
			break;

		if (len - pos <= max_bytes)
		{
			/* the rest fits; t[pos] is not white space, so end > pos */
			end = len;
			while (is_ws(t[end - 1]))
				end--;
			next = len;
		}
		else
		{
			/* t[limit] exists: the text goes on past the window */
			size_t		limit = pos + max_bytes;
			size_t		best_at = 0;
			int			best = CUT_NONE;

			for (size_t i = pos + max_bytes / 2; i <= limit; i++)
			{
				if (is_ws(t[i]) && !is_ws(t[i - 1]))
				{
					size_t		stop;
					int			s = run_strength(t, len, i, &stop);

					if (s >= best)	/* ">=": the latest of the strongest */
					{
						best = s;
						best_at = i;
					}
					i = stop;
				}
			}

			if (best != CUT_NONE)
				end = next = best_at;
			else
			{
				/*
				 * Hard cut.  Step back over at most three continuation
				 * bytes: a well-formed character has no more, so four in
				 * a row are invalid bytes and the cut may fall among them.
				 */
				end = limit;
				for (int k = 0; k < 3 && is_cont(t[end]); k++)
					end--;
				if (is_cont(t[end]))
					end = limit;
				next = end;

				/*
				 * White space before the cut belongs to a run that starts
				 * in the first half of the window; drop it like any other.
				 */
				while (is_ws(t[end - 1]))
					end--;
			}
		}

		if (out != NULL && n < max_chunks)
		{
			out[n].start = pos;
			out[n].len = end - pos;
		}
		n++;
		pos = next;
	}
	return n;
}
