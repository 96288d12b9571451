/*
 * fuzz_embed.c - libFuzzer target for the built-in embedder (embed.c).
 *
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *       src/core/embed.c src/core/hash64.c test/fuzz/fuzz_embed.c -lm \
 *       -o /tmp/fuzz_embed
 *   /tmp/fuzz_embed -max_total_time=300 /tmp/embed_corpus
 * (or tools/fuzz.sh embed).
 *
 * The input bytes are handed over without a terminator, in a buffer of
 * exactly their size, so AddressSanitizer sees any read past `len`.  The
 * dimension is taken from the first two bytes (the whole input is still
 * embedded).  Invariants:
 *   - embed_text() accepts every dim in range and writes exactly dim floats;
 *   - the vector is finite and of unit length; cos(v, v) = 1;
 *   - the same bytes give the same vector, bit for bit;
 *   - flags are 0, NO_TOKENS or CANCELLED; a fallback vector's components
 *     are all +-1/sqrt(dim);
 *   - swapping the case of every ASCII letter changes nothing;
 *   - for a text with tokens, turning every ASCII separator byte into a
 *     space changes nothing (the fallback hashes the raw bytes, so it may).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embed.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static int
is_ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static float v[EMBED_DIM_MAX + 1];
	static float w[EMBED_DIM_MAX + 1];
	char	   *text = malloc(size ? size : 1);
	int			dim = EMBED_DIM_DEFAULT;
	int			flags = -1;
	int			flags2 = -1;
	double		n = 0.0;

	if (text == NULL)
		return 0;
	if (size)
		memcpy(text, data, size);
	if (size >= 2)
		dim = EMBED_DIM_MIN + (data[0] | (data[1] << 8)) %
			(EMBED_DIM_MAX - EMBED_DIM_MIN + 1);

	v[dim] = 1234.5f;
	REQUIRE(embed_text(text, size, dim, v, &flags) == 0);
	REQUIRE(v[dim] == 1234.5f);
	REQUIRE(flags == 0 || flags == EMBED_FLAG_NO_TOKENS ||
			flags == EMBED_FLAG_CANCELLED);
	for (int i = 0; i < dim; i++)
	{
		REQUIRE(isfinite(v[i]));
		n += (double) v[i] * v[i];
	}
	REQUIRE(fabs(sqrt(n) - 1.0) < 1e-5);
	REQUIRE(fabs(embed_cosine(v, v, dim) - 1.0) < 1e-9);
	if (flags != 0)
	{
		float		mag = (float) (1.0 / sqrt((double) dim));

		for (int i = 0; i < dim; i++)
			REQUIRE(v[i] == mag || v[i] == -mag);
	}

	REQUIRE(embed_text(text, size, dim, w, &flags2) == 0);
	REQUIRE(flags2 == flags && memcmp(v, w, dim * sizeof(float)) == 0);

	/* ASCII case swapped: same vector (the fallback hashes the raw bytes) */
	for (size_t i = 0; i < size; i++)
	{
		unsigned char c = (unsigned char) text[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			text[i] = (char) (c ^ 0x20);
	}
	REQUIRE(embed_text(text, size, dim, w, &flags2) == 0);
	REQUIRE(flags2 == flags);
	if (flags == 0)
		REQUIRE(memcmp(v, w, dim * sizeof(float)) == 0);

	/* ASCII separators made spaces: same tokens, same vector */
	if (flags == 0)
	{
		for (size_t i = 0; i < size; i++)
		{
			unsigned char c = (unsigned char) text[i];

			if (c < 0x80 && !is_ascii_alnum(c))
				text[i] = ' ';
		}
		REQUIRE(embed_text(text, size, dim, w, &flags2) == 0);
		REQUIRE(flags2 == 0 && memcmp(v, w, dim * sizeof(float)) == 0);
	}
	free(text);
	return 0;
}
