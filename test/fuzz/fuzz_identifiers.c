/*
 * fuzz_identifiers.c - libFuzzer target for the identifier normalizers and
 * the feature-type inference (src/core/gene.c, protein.c, metabolite.c,
 * feature_type.c).
 *
 * Run it with `tools/fuzz.sh identifiers` (`make fuzz` runs every target),
 * or by hand from the repository root:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *       test/fuzz/fuzz_identifiers.c src/core/[a-z]*.c -lcsv -lm \
 *       -o build/fuzz_identifiers
 *   build/fuzz_identifiers -max_len=700 -max_total_time=600 CORPUS_DIR
 *
 * libFuzzer hands over a buffer of exactly `size` bytes, so AddressSanitizer
 * reports any read past `len`.  Invariants checked for every input:
 *   - the status is one of the four, the output is NUL-terminated inside
 *     the buffer, "" when NORM_INVALID; reason is NULL exactly when NORM_OK;
 *   - idempotence: normalizing an accepted output again gives the same
 *     output, and NORM_OK again when the first call was NORM_OK;
 *   - a smaller output buffer gives either the same answer or NORM_INVALID
 *     with "", never a cut string;
 *   - the inferred kind's normalizer accepts the name (decoy and
 *     contaminant proteins excepted, which it rejects on purpose).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feature_type.h"
#include "gene.h"
#include "metabolite.h"
#include "protein.h"

typedef norm_status (*normalizer) (const char *, size_t, char *, size_t, const char **);

#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

static bool
deliberately_dropped(const char *why)
{
	return why != NULL && (strncmp(why, "decoy", 5) == 0 ||
						   strncmp(why, "contaminant", 11) == 0);
}

static void
check_one(normalizer fn, const char *data, size_t size, size_t small)
{
	char		out[NORM_OUT_MAX];
	char		again[NORM_OUT_MAX];
	char		tiny[NORM_OUT_MAX];
	const char *why = NULL;
	const char *why2 = NULL;
	norm_status st;
	norm_status st2;
	size_t		n;

	memset(out, 'X', sizeof(out));
	st = fn(data, size, out, sizeof(out), &why);
	REQUIRE(st >= NORM_OK && st <= NORM_INVALID);
	n = strnlen(out, sizeof(out));
	REQUIRE(n < sizeof(out));
	REQUIRE((st == NORM_OK) == (why == NULL));
	if (st == NORM_INVALID)
	{
		REQUIRE(n == 0);
		return;
	}

	/* idempotence */
	st2 = fn(out, n, again, sizeof(again), &why2);
	REQUIRE(st2 != NORM_INVALID);
	REQUIRE(strcmp(again, out) == 0);
	if (st == NORM_OK)
		REQUIRE(st2 == NORM_OK);

	/* a smaller buffer: same answer, or rejected with "" */
	memset(tiny, 'X', sizeof(tiny));
	st2 = fn(data, size, tiny, small, &why2);
	REQUIRE(strnlen(tiny, small) < small);
	if (st2 == NORM_INVALID)
		REQUIRE(tiny[0] == '\0');
	else
		REQUIRE(st2 == st && strcmp(tiny, out) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const normalizer fns[] = {
		gene_normalize, gene_symbol_normalize, protein_normalize, metabolite_normalize,
	};
	const char *s = (const char *) data;
	size_t		small = 1 + (size > 0 ? data[0] % 24 : 0);
	size_t		i;
	feature_kind k;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		check_one(fns[i], s, size, small);

	k = feature_type_infer(s, size);
	REQUIRE(k == FEATURE_UNKNOWN || (k >= FEATURE_GENE && k <= FEATURE_LIPID));
	if (k != FEATURE_UNKNOWN && k != FEATURE_LIPID)
	{
		char		out[NORM_OUT_MAX];
		const char *why = NULL;
		norm_status st = feature_normalize(k, s, size, out, sizeof(out), &why);

		REQUIRE(st != NORM_INVALID || deliberately_dropped(why));
	}
	return 0;
}
