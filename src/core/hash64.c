/*
 * hash64.c - FNV-1a 64 and the hash of a byte string (see hash64.h).
 */
#include "hash64.h"

uint64_t
hash64_fnv1a(const void *data, size_t len, uint64_t h)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = hash64_fnv1a_step(h, p[i]);
	return h;
}

uint64_t
hash64_bytes(const void *data, size_t len, uint64_t seed)
{
	return hash64_mix(hash64_fnv1a(data, len, HASH64_FNV_OFFSET) ^ seed);
}
