/*
 * embed_throughput.c - throughput of the built-in embedder (src/core/embed.c).
 *
 * Generates a 50 MB corpus of chunk-like text (words from a small biomedical
 * vocabulary, gene symbols, lipid names, numbers, punctuation, some Greek
 * letters), then times, in the same run and over the same bytes:
 *   - a plain byte-checksum pass (Fletcher-style running sums), the
 *     baseline: reading every byte once;
 *   - embed_text() at EMBED_DIM_DEFAULT on 1 KiB chunks (how the extension
 *     calls it), and on the whole corpus in one call.
 * Each figure is the best of REPEATS runs.  The project reports the ratio
 * embed time / checksum time, which survives a noisy shared machine better
 * than MB/s.  Not a test: nothing is asserted.
 *
 * Build and run (from the repository root):
 *   gcc -std=gnu11 -O2 -Wall -Wextra -Isrc/core -o /tmp/embed_throughput \
 *       test/bench/embed_throughput.c src/core/embed.c src/core/hash64.c -lm
 *   /tmp/embed_throughput [megabytes]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "embed.h"

#define CORPUS_MB	50
#define CHUNK		1024
#define REPEATS		3

static const char *const vocab[] = {
	"ceramide", "Cer 18:1;O2/16:0", "PC 34:1", "PE 36:4", "SM 18:1;O2/24:1",
	"TG 16:0_18:1_18:2", "LPC 18:0", "HexCer 18:1;O2/22:0", "sphingomyelin",
	"ALS", "amyotrophic", "lateral", "sclerosis", "cerebrospinal", "fluid",
	"CSF", "plasma", "serum", "patients", "controls", "cohort", "lipidomics",
	"proteomics", "transcriptomics", "TP53", "SOD1", "C9orf72", "TARDBP",
	"FUS", "GAPDH", "SEPTIN7", "NEFL", "tumour", "suppressor", "protein",
	"transcription", "expression", "fold", "change", "p-value", "µM", "TNF-α",
	"Aβ42", "differential", "abundance", "signature", "dataset", "the", "of",
	"and", "in", "with", "was", "were", "samples", "measured", "by", "LC-MS/MS",
	"2023", "0.05", "n=42", "(", ")", ",", ".", ";", "—"
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int
main(int argc, char **argv)
{
	size_t		mb = argc > 1 ? (size_t) atol(argv[1]) : CORPUS_MB;
	size_t		size = mb << 20;
	size_t		nvocab = sizeof(vocab) / sizeof(vocab[0]);
	char	   *text = malloc(size);
	uint64_t	seed = UINT64_C(0x243f6a8885a308d3);
	size_t		n = 0;
	float		v[EMBED_DIM_DEFAULT];
	double		best_sum = 1e30,
				best_chunk = 1e30,
				best_whole = 1e30;
	uint64_t	check = 0;
	double		sink = 0.0;
	size_t		nchunks = 0;
	int			flags;

	if (text == NULL || mb == 0)
		return 1;
	while (n < size)
	{
		const char *w = vocab[xorshift(&seed) % nvocab];
		size_t		l = strlen(w);

		if (n + l + 1 > size)
			break;
		memcpy(text + n, w, l);
		n += l;
		text[n++] = (xorshift(&seed) % 12 == 0) ? '\n' : ' ';
	}
	while (n < size)
		text[n++] = ' ';

	for (int r = 0; r < REPEATS; r++)
	{
		double		t0 = now();
		uint64_t	a = 0,
					b = 0;

		for (size_t i = 0; i < size; i++)
		{
			a += (unsigned char) text[i];
			b += a;
		}
		check ^= a ^ b;
		t0 = now() - t0;
		if (t0 < best_sum)
			best_sum = t0;

		t0 = now();
		nchunks = 0;
		for (size_t off = 0; off < size; off += CHUNK)
		{
			size_t		l = size - off < CHUNK ? size - off : CHUNK;

			embed_text(text + off, l, EMBED_DIM_DEFAULT, v, &flags);
			sink += v[0];
			nchunks++;
		}
		t0 = now() - t0;
		if (t0 < best_chunk)
			best_chunk = t0;

		t0 = now();
		embed_text(text, size, EMBED_DIM_DEFAULT, v, &flags);
		sink += v[1];
		t0 = now() - t0;
		if (t0 < best_whole)
			best_whole = t0;
	}

	printf("# %s, dim %d, %zu MB corpus, best of %d (checksum %016llx, sink %.3f)\n",
		   embed_model_name(), EMBED_DIM_DEFAULT, mb, REPEATS,
		   (unsigned long long) check, sink);
	printf("checksum pass           %9.1f MB/s  %.4f s\n", mb / best_sum, best_sum);
	printf("embed, %zu chunks of %d B %9.1f MB/s  %.4f s  (%.1fx the checksum time)\n",
		   nchunks, CHUNK, mb / best_chunk, best_chunk, best_chunk / best_sum);
	printf("embed, one call         %9.1f MB/s  %.4f s  (%.1fx the checksum time)\n",
		   mb / best_whole, best_whole, best_whole / best_sum);
	printf("| embed_text, 1 KiB chunks, dim %d (%zu MB) | %.3f s | %.3f s | %.1f |\n",
		   EMBED_DIM_DEFAULT, mb, best_sum, best_chunk, best_chunk / best_sum);
	free(text);
	return 0;
}
