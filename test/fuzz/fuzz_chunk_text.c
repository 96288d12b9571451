/*
 * fuzz_chunk_text.c - libFuzzer target for the text chunker
 * (src/core/chunk_text.c), and on the same bytes the Retry-After parser
 * and the error-text scrubber (src/core/http_class.c).
 *
 * Run it with `tools/fuzz.sh chunk_text` (`make fuzz` runs every target),
 * or by hand from the repository root:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *       test/fuzz/fuzz_chunk_text.c src/core/[a-z]*.c -lcsv -ljson-c -lm \
 *       -o build/fuzz_chunk_text
 *   build/fuzz_chunk_text -max_total_time=600 CORPUS_DIR
 *
 * The first two bytes pick max_bytes (1..1024, so the raise to
 * CHUNK_TEXT_MIN_BYTES is reached too) and the scrubber's buffer size;
 * the rest is the text, in a buffer of exactly its size, so
 * AddressSanitizer sees any read past `len`.  Invariants:
 *   chunk_text
 *   - counting mode (out NULL) and a truncated list agree with the full
 *     call; nothing is written past max_chunks;
 *   - each chunk is 1..max bytes, in order, starts and ends with a byte
 *     that is not ASCII white space, and is not cut inside a well-formed
 *     UTF-8 character; the bytes outside every chunk are white space;
 *   - a hard cut (no white space between two chunks) is at least
 *     max - 3 long and only happens when no white-space run starts in the
 *     last half of its window;
 *   http_retry_after_ms
 *   - the result is -1 or within [0, max_ms], for any now (no overflow);
 *   http_error_text
 *   - the output ends inside the buffer, nothing is written past it, it
 *     is valid UTF-8 without control characters;
 *   - no key prefix or "Bearer" at a word start is followed by anything
 *     but "***" or the end of a token;
 *   - scrubbing the output again gives it back unchanged.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chunk_text.h"
#include "http_class.h"
#include "ident_text.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static bool
ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Mark the bytes inside a well-formed UTF-8 character (not its first). */
static void
mark_inner(const char *t, size_t len, unsigned char *inner)
{
	for (size_t i = 0; i < len;)
	{
		size_t		k = 0;

		if ((unsigned char) t[i] >= 0x80)
			for (size_t n = 2; n <= 4 && i + n <= len && k == 0; n++)
				if (ident_utf8_valid(t + i, n))
					k = n;
		for (size_t j = 1; j < k; j++)
			inner[i + j] = 1;
		i += k ? k : 1;
	}
}

static void
check_chunks(const char *t, size_t len, size_t max_arg)
{
	size_t		max = max_arg < CHUNK_TEXT_MIN_BYTES ? CHUNK_TEXT_MIN_BYTES : max_arg;
	size_t		n = chunk_text(t, len, max_arg, NULL, 0);
	TextChunk  *c = malloc((n + 1) * sizeof(TextChunk));
	TextChunk  *few = malloc((n / 2 + 1) * sizeof(TextChunk));
	unsigned char *inner = calloc(len + 1, 1);
	size_t		prev = 0;

	REQUIRE(c != NULL && few != NULL && inner != NULL);
	REQUIRE(n <= len);
	REQUIRE(chunk_text(t, len, max_arg, c, n) == n);
	memset(few, 0xa5, (n / 2 + 1) * sizeof(TextChunk));
	REQUIRE(chunk_text(t, len, max_arg, few, n / 2) == n);
	REQUIRE(memcmp(few, c, (n / 2) * sizeof(TextChunk)) == 0);
	REQUIRE(((unsigned char *) &few[n / 2])[0] == 0xa5);

	mark_inner(t, len, inner);
	for (size_t i = 0; i < n; i++)
	{
		size_t		s = c[i].start,
					e = s + c[i].len;

		REQUIRE(c[i].len >= 1 && c[i].len <= max);
		REQUIRE(s >= prev && e <= len);
		REQUIRE(!ws(t[s]) && !ws(t[e - 1]));
		REQUIRE(!inner[s] && !inner[e]);
		for (size_t j = prev; j < s; j++)
			REQUIRE(ws(t[j]));
		if (i + 1 < n && c[i + 1].start == e)
		{
			REQUIRE(c[i].len + 3 >= max);
			for (size_t a = s + max / 2; a <= s + max && a < len; a++)
				REQUIRE(!(ws(t[a]) && !ws(t[a - 1])));
		}
		prev = e;
	}
	for (size_t j = prev; j < len; j++)
		REQUIRE(ws(t[j]));
	free(c);
	free(few);
	free(inner);
}

static bool
alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The end of a token in the scrubbed text: space, quote or the end. */
static bool
tok_end(const char *s)
{
	return *s == '\0' || *s == ' ' || *s == '"' || *s == '\'' || *s == '`';
}

static void
check_masked(const char *o)
{
	static const char *const prefixes[] = {"ntn_", "secret_", "sk-", "pcsk_"};

	for (size_t i = 0; o[i] != '\0'; i++)
	{
		if (i > 0 && alnum((unsigned char) o[i - 1]))
			continue;
		for (int k = 0; k < 4; k++)
		{
			size_t		pl = strlen(prefixes[k]);

			if (strncmp(o + i, prefixes[k], pl) == 0 && !tok_end(o + i + pl))
				REQUIRE(strncmp(o + i + pl, "***", 3) == 0 && tok_end(o + i + pl + 3));
		}
		if (strncasecmp(o + i, "bearer", 6) == 0 && o[i + 6] == ' ')
		{
			size_t		j = i + 6;

			while (o[j] == ' ')
				j++;
			if (!tok_end(o + j))
				REQUIRE(strncmp(o + j, "***", 3) == 0 && tok_end(o + j + 3));
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[400];
	static char again[400];
	size_t		max_bytes = 100,
				out_size = 64,
				len,
				olen;
	const uint8_t *body = data;
	char	   *text,
			   *cstr;
	int64_t		ra;

	if (size >= 2)
	{
		max_bytes = 1 + ((data[0] | (data[1] << 8)) & 1023);
		out_size = 1 + data[1] % 300;
		body = data + 2;
	}
	len = size >= 2 ? size - 2 : size;
	text = malloc(len ? len : 1);
	cstr = malloc(len + 1);
	REQUIRE(text != NULL && cstr != NULL);
	memcpy(text, body, len);
	memcpy(cstr, body, len);
	cstr[len] = '\0';

	check_chunks(text, len, max_bytes);

	ra = http_retry_after_ms(cstr, 1445412480, 3600000);
	REQUIRE(ra >= -1 && ra <= 3600000);
	ra = http_retry_after_ms(cstr, INT64_MIN, INT64_MAX);
	REQUIRE(ra >= -1);
	ra = http_retry_after_ms(cstr, INT64_MAX, 0);
	REQUIRE(ra == -1 || ra == 0);

	memset(out, 'Z', sizeof(out));
	http_error_text(text, len, out, out_size);
	olen = strnlen(out, out_size);
	REQUIRE(olen < out_size);
	REQUIRE(out[out_size] == 'Z');
	REQUIRE(ident_utf8_valid(out, olen));
	for (size_t i = 0; i < olen; i++)
	{
		unsigned char ch = (unsigned char) out[i];

		REQUIRE(ch >= 0x20 && ch != 0x7f);
		REQUIRE(!(ch == 0xc2 && (unsigned char) out[i + 1] < 0xa0));
	}
	check_masked(out);
	http_error_text(out, olen, again, out_size);
	REQUIRE(strcmp(out, again) == 0);

	free(text);
	free(cstr);
	return 0;
}
