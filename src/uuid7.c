/*
 * uuid7.c - time-ordered UUIDs for the features created by ingestion.
 *
 * A bulk load of new features with random (version 4) keys scatters its
 * inserts over the whole primary-key index and over the feature index of
 * dataset_features; keys that grow with time land at the right edge of
 * both.  Layout (RFC 9562, version 7): 48 bits of Unix milliseconds, the
 * version, 12 bits of a per-backend sequence that keeps ids increasing
 * within one millisecond (the millisecond is advanced when it runs out),
 * the variant, and 62 random bits.  The columns keep gen_random_uuid() as
 * their default; only ingestion supplies these.
 */
#include "postgres.h"

#include <sys/time.h>

#include "uuid7.h"

static uint64 last_ms = 0;
static uint32 seq = 0;

void
uuid7_generate(pg_uuid_t *out, int n)
{
	struct timeval tv;
	uint64		ms;

	gettimeofday(&tv, NULL);
	ms = (uint64) tv.tv_sec * 1000 + tv.tv_usec / 1000;

	if (!pg_strong_random(out, sizeof(pg_uuid_t) * n))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate random values")));

	for (int i = 0; i < n; i++)
	{
		unsigned char *b = out[i].data;

		if (ms > last_ms)
		{
			last_ms = ms;
			seq = 0;
		}
		else if (++seq > 0xFFF)
		{
			last_ms++;			/* borrow from the next millisecond */
			seq = 0;
		}
		b[0] = (unsigned char) (last_ms >> 40);
		b[1] = (unsigned char) (last_ms >> 32);
		b[2] = (unsigned char) (last_ms >> 24);
		b[3] = (unsigned char) (last_ms >> 16);
		b[4] = (unsigned char) (last_ms >> 8);
		b[5] = (unsigned char) last_ms;
		b[6] = (unsigned char) (0x70 | (seq >> 8));
		b[7] = (unsigned char) (seq & 0xFF);
		b[8] = (unsigned char) (0x80 | (b[8] & 0x3F));
	}
}
