/*
 * chunk_text.h - split an entity's text into chunks for embedding.
 *
 * Embedding services take a bounded input (tokens for an OpenAI model,
 * bytes for our own index rows), and a vector of a long text blurs its
 * parts together.  The sync worker therefore embeds a long description
 * as several chunks, each stored with its offset in the text, and this
 * module decides where the cuts fall.
 *
 * The rules, for text[0..len) and a limit of max_bytes:
 *
 *   - every chunk is at most max_bytes bytes long and at least one byte;
 *     chunks are in text order and do not overlap;
 *   - no chunk starts or ends with ASCII white space (space, \t, \n, \v,
 *     \f, \r): the white space at each cut, and before the first and
 *     after the last chunk, belongs to no chunk.  Everything else does:
 *     the chunks, concatenated with the dropped white space put back,
 *     give the text again;
 *   - a cut falls in a run of white space whose start lies in the last
 *     half of the window (at least max_bytes / 2 bytes into the chunk),
 *     choosing by strength first, then the latest of the strongest:
 *         paragraph   the run holds two or more line feeds (a blank line,
 *                     "\n\n", "\r\n\r\n", "\n  \n")
 *         line        the run holds one line feed
 *         sentence    the run follows '.', '!' or '?'
 *         word        any other run of white space;
 *   - when no such run exists (a long URL, a sequence, text without
 *     spaces) the cut is hard: at max_bytes, moved back by up to three
 *     bytes so that it does not split a UTF-8 character.  Bytes that are
 *     not well-formed UTF-8 are never rejected; in a run of more than
 *     three continuation bytes the cut stays at max_bytes;
 *   - empty text or text of white space only gives no chunk.
 *
 * The text need not be NUL-terminated and may hold any bytes, NUL too.
 * Deterministic and O(len): a window is searched from its middle only,
 * and every cut moves on by at least half a window, so each byte is
 * looked at a bounded number of times.  No allocation, no global state,
 * thread-safe.
 */
#ifndef AMPRENTA_CHUNK_TEXT_H
#define AMPRENTA_CHUNK_TEXT_H

#include <stddef.h>

/*
 * The smallest limit: a smaller max_bytes is raised to it.  It leaves
 * room for the three-byte step back at a hard cut and keeps chunks of a
 * useful size.
 */
#define CHUNK_TEXT_MIN_BYTES	64

typedef struct TextChunk
{
	size_t		start;			/* byte offset in the text */
	size_t		len;			/* bytes, 1..max_bytes */
} TextChunk;

/*
 * Split text[0..len) into chunks of at most max_bytes bytes (see above).
 * Writes the first min(result, max_chunks) chunks to out (out may be NULL,
 * with any max_chunks, to only count) and returns the number of chunks
 * the whole text needs, so a result above max_chunks means the caller
 * got a truncated list.  text NULL gives 0.
 */
extern size_t chunk_text(const char *text, size_t len, size_t max_bytes,
						 TextChunk *out, size_t max_chunks);

#endif
