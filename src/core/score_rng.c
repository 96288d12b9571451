/*
 * score_rng.c - the pseudo-random generator of the permutation p-values.
 *
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018/2021): 256 bits of state, output rotl(s1 * 5, 7) * 9,
 * state update by the xor/shift/rotate linear engine.  The state is
 * filled from a 64-bit seed by four outputs of splitmix64 (Steele, Lea and
 * Flood 2014), which the authors recommend, so that nearby seeds give
 * unrelated streams and the state is never all zero in practice.
 *
 * The state is the caller's (score_rng); nothing here is shared.
 */
#include "score.h"

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* One step of splitmix64: advance *state by the golden gamma and mix. */
static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void
score_rng_seed(score_rng *rng, uint64_t seed)
{
	uint64_t	sm = seed;

	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&sm);
	/* all-zero is the one state xoshiro cannot leave */
	if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
		rng->s[0] = UINT64_C(0x9e3779b97f4a7c15);
}

uint64_t
score_rng_next(score_rng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/*
 * Rejection: of the 2^64 outputs, drop the lowest 2^64 mod bound so that
 * the rest is a whole number of copies of [0, bound).  At most half of the
 * outputs are rejected (for bound just above 2^63), usually almost none.
 */
uint64_t
score_rng_below(score_rng *rng, uint64_t bound)
{
	uint64_t	threshold;

	if (bound == 0)
		return 0;
	threshold = (UINT64_C(0) - bound) % bound;	/* 2^64 mod bound */
	for (;;)
	{
		uint64_t	r = score_rng_next(rng);

		if (r >= threshold)
			return r % bound;
	}
}
