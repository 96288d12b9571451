/*
 * fuzz_lipid.c - libFuzzer target for the lipid-name normalizer.
 *
 * Build and run (from the repository root):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc/core \
 *       src/core/lipid*.c test/fuzz/fuzz_lipid.c -o /tmp/fuzz_lipid
 *   mkdir -p /tmp/lipid_corpus && cp test/data/goslin/lipidnames.txt /tmp/lipid_corpus/
 *   /tmp/fuzz_lipid -max_len=300 -max_total_time=300 /tmp/lipid_corpus
 *
 * The input bytes are handed over without a terminator (the contract says
 * names are not NUL-terminated), in a buffer of exactly their size, so
 * AddressSanitizer sees any read past `len`.  Invariants checked at every
 * level:
 *   - the output is NUL-terminated inside outsz, "" when rejected;
 *   - a reason is given exactly when the status is not NORM_OK;
 *   - an output normalizes again to itself (fixed point), at the same level;
 *   - levels commute: printing at a level and then at a coarser one gives
 *     what printing the input at the coarser one gives;
 *   - lipid_input_level() agrees with lipid_normalize() at LIPID_LEVEL_INPUT;
 *   - a small output buffer is never overrun (exact-size heap buffer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lipid.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

static void
check_output(const char *out, size_t outsz)
{
	REQUIRE(memchr(out, '\0', outsz) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *name = malloc(size ? size : 1);
	char		out[NORM_OUT_MAX];
	char		again[NORM_OUT_MAX];
	lipid_level input_level;
	lipid_info	info;

	if (name == NULL)
		return 0;
	if (size)
		memcpy(name, data, size);

	input_level = lipid_input_level(name, size);
	for (int level = LIPID_LEVEL_INPUT; level <= LIPID_LEVEL_FULL_STRUCTURE;
		 level++)
	{
		const char *reason = (const char *) 1;
		norm_status st;

		memset(out, 'x', sizeof(out));
		st = lipid_normalize(name, size, (lipid_level) level, out,
							 sizeof(out), &reason);
		check_output(out, sizeof(out));
		if (st == NORM_INVALID)
		{
			REQUIRE(out[0] == '\0');
			REQUIRE(reason != NULL && reason != (const char *) 1);
			if (level == LIPID_LEVEL_INPUT)
				REQUIRE(input_level == LIPID_LEVEL_INPUT);
			continue;
		}
		REQUIRE(out[0] != '\0');
		REQUIRE(st == NORM_OK ? reason == NULL :
				(reason != NULL && reason != (const char *) 1));
		if (level == LIPID_LEVEL_INPUT)
			REQUIRE(input_level >= LIPID_LEVEL_SPECIES);
		else
			REQUIRE(level <= (int) input_level);

		/* fixed point */
		{
			char	   *copy = strdup(out);
			size_t		n = strlen(out);
			norm_status st2;

			REQUIRE(copy != NULL);
			st2 = lipid_normalize(copy, n, (lipid_level) level, again,
								  sizeof(again), &reason);
			REQUIRE(st2 != NORM_INVALID);
			REQUIRE(strcmp(again, out) == 0);
			free(copy);
		}

		/* coarsening the output equals coarsening the input */
		if (level != LIPID_LEVEL_INPUT)
			for (int coarser = LIPID_LEVEL_SPECIES; coarser < level; coarser++)
			{
				char		direct[NORM_OUT_MAX];
				char		via[NORM_OUT_MAX];
				norm_status s1,
							s2;

				s1 = lipid_normalize(name, size, (lipid_level) coarser, direct,
									 sizeof(direct), NULL);
				s2 = lipid_normalize(out, strlen(out), (lipid_level) coarser, via,
									 sizeof(via), NULL);
				REQUIRE(s1 != NORM_INVALID && s2 != NORM_INVALID);
				REQUIRE(strcmp(direct, via) == 0);
			}

		/* a buffer one byte too small must be refused, never overrun */
		{
			size_t		need = strlen(out) + 1;
			char	   *small = malloc(need - 1 ? need - 1 : 1);

			REQUIRE(small != NULL);
			st = lipid_normalize(name, size, (lipid_level) level, small,
								 need - 1, &reason);
			REQUIRE(st == NORM_INVALID);
			if (need - 1 > 0)
				REQUIRE(small[0] == '\0');
			free(small);
		}
	}
	(void) lipid_describe(name, size, &info, NULL);
	REQUIRE(memchr(info.class_name, '\0', sizeof(info.class_name)) != NULL);
	free(name);
	return 0;
}
