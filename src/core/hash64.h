/*
 * hash64.h - the 64-bit hash of the built-in embedder (embed.c).
 *
 * Two published constructions, written out here so the bytes they give
 * never depend on a library version:
 *
 *   - FNV-1a 64 (Fowler, Noll, Vo): h = offset basis, then for each byte
 *     h = (h XOR byte) * prime, modulo 2^64.  Cheap and streaming: embed.c
 *     feeds a token's bytes one at a time as it scans them.
 *   - the "mix13" finaliser that SplitMix64 applies to its output
 *     (xor-shift 30, multiply, xor-shift 27, multiply, xor-shift 31).  It
 *     is a bijection of 64-bit words with full avalanche; FNV-1a alone
 *     leaves its low bits poorly mixed, and embed.c takes the bucket from
 *     the low half and the sign from the top bit.
 *
 * hash64_bytes(p, len, seed) = hash64_mix(FNV-1a 64 of p[0..len) XOR seed):
 * the seed separates the kinds of feature (word, n-gram, bigram, fallback)
 * so that equal inputs of different kinds hash apart.
 *
 * Only unsigned 64-bit integer arithmetic: the values are the same on every
 * platform.  Not a cryptographic hash; inputs are not adversarial here (a
 * crafted collision only moves one text closer to another in a local
 * index).  Thread-safe, no state, no allocation.
 *
 * The values are part of the embedding model: test/unit/test_embed.c pins
 * them, and a change is a new model name in embed.c.
 */
#ifndef AMPRENTA_HASH64_H
#define AMPRENTA_HASH64_H

#include <stddef.h>
#include <stdint.h>

#define HASH64_FNV_OFFSET	UINT64_C(0xcbf29ce484222325)
#define HASH64_FNV_PRIME	UINT64_C(0x00000100000001b3)

/* One FNV-1a 64 step: the state after byte c. */
static inline uint64_t
hash64_fnv1a_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * HASH64_FNV_PRIME;
}

/* The SplitMix64 finaliser (a bijection; 0 maps to 0). */
static inline uint64_t
hash64_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/*
 * FNV-1a 64 of data[0..len), continuing from state h (pass
 * HASH64_FNV_OFFSET to start).  data may be NULL when len is 0.
 */
extern uint64_t hash64_fnv1a(const void *data, size_t len, uint64_t h);

/* hash64_mix(hash64_fnv1a(data, len, HASH64_FNV_OFFSET) ^ seed). */
extern uint64_t hash64_bytes(const void *data, size_t len, uint64_t seed);

#endif
