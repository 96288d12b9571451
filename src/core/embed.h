/*
 * embed.h - the built-in text embedder ("amprenta-hash-v1").
 *
 * Used when no external embedding service is configured: turns a text
 * chunk (a dataset description, a signature, feature names such as
 * "Cer 18:1;O2/16:0", gene symbols, "ALS cerebrospinal fluid") into an
 * L2-normalised dense vector for cosine search in the local index.
 *
 * Feature hashing (the "hashing trick") over three kinds of feature:
 *
 *   word     each token: a maximal run of ASCII letters and digits and of
 *            non-ASCII characters other than punctuation/space (so "α",
 *            "μM", "Aβ42" stay inside tokens).  ASCII letters are lower
 *            cased (no locale); U+00B5 MICRO SIGN is read as U+03BC GREEK
 *            SMALL LETTER MU; nothing else is folded.  Weight 1.
 *   n-gram   the character 3-grams of each token between the boundary
 *            markers '<' and '>' ("tp53" gives "<tp", "tp5", "p53", "53>";
 *            "a" gives "<a>").  Characters are code points, not bytes.
 *            Weight 8/15: identifiers that differ in one character still
 *            share most of their n-grams.
 *   bigram   each pair of consecutive tokens, in order.  Weight 8/15.
 *
 * Each feature is hashed to 64 bits (hash64.h); the low 32 bits pick a
 * bucket (multiply-shift onto [0, dim)), bit 63 a sign, and the signed
 * weight is added to that bucket.  Weights are counted in integer
 * fifteenths (word 15, n-gram 8, bigram 8), so the sum is exact and does
 * not depend on the order of the additions; term frequency is linear (a
 * word twice counts twice).  The word weight is odd and the others even:
 * a text with an odd number of tokens can never sum to zero.  The vector
 * is then divided by its L2 norm, computed exactly in integers and
 * rounded once, and each component is rounded to float.
 *
 * Separators: ASCII other than letters and digits; bytes that are not part
 * of well-formed UTF-8 (each such byte alone); and the non-ASCII
 * punctuation and spaces U+0080..U+00BF (except U+00B5), U+00D7, U+00F7,
 * U+2000..U+206F, U+2190..U+22FF, U+3000..U+303F, U+FEFF, U+FFF0..U+FFFF.
 * No Unicode normalisation: precomposed and decomposed accents differ.
 *
 * A text without tokens (empty, white space, punctuation only, invalid
 * bytes only) cannot get the zero vector (vector stores such as Pinecone
 * reject it): it gets a fallback vector whose components are all
 * +-1/sqrt(dim), the signs drawn from the hash of the whole input bytes,
 * and EMBED_FLAG_NO_TOKENS is set.  The fallback is unit length, the same
 * for the same bytes, and nearly orthogonal to every other vector
 * (cosine about N(0, 1/dim)).  The same fallback, with
 * EMBED_FLAG_CANCELLED, covers the case where tokens were found but their
 * signed weights cancelled in every bucket: never with an odd number of
 * tokens, otherwise about as likely as a handful of exact bucket
 * collisions (found at dim 8, e.g. "s 7l"; not seen at dim 384).
 *
 * Determinism: integer arithmetic up to the one sqrt and the per-component
 * division, both correctly rounded IEEE double operations, then rounding
 * to float.  The same bytes give the same vector bit for bit on every
 * platform with IEEE 754 double arithmetic and no excess precision
 * (x86-64 SSE2, arm64), whatever the locale.  Do not build with
 * -ffast-math.
 *
 * Cost: one pass over the bytes with O(1) state; the vector accumulates in
 * a stack array of EMBED_DIM_MAX 64-bit integers (32 kB).  No allocation,
 * no global state, thread-safe.
 *
 * Changing anything above (tokens, weights, hash, seeds, bucket or sign
 * rule, fallback) changes the vectors: give the model a new name
 * (embed_model_name) so stored vectors are seen to be stale.
 */
#ifndef AMPRENTA_EMBED_H
#define AMPRENTA_EMBED_H

#include <stddef.h>

#define EMBED_DIM_DEFAULT	384
#define EMBED_DIM_MIN		8
#define EMBED_DIM_MAX		4096

/* Bits of *flags. */
#define EMBED_FLAG_NO_TOKENS	0x01	/* no token: fallback vector */
#define EMBED_FLAG_CANCELLED	0x02	/* tokens summed to zero: fallback */

/*
 * Embed text[0..len) (need not be NUL-terminated; any bytes) into out[dim].
 * Returns 0, or -1 (out untouched, *flags 0) when dim is outside
 * [EMBED_DIM_MIN, EMBED_DIM_MAX], out is NULL, or text is NULL with len > 0.
 * flags may be NULL; otherwise it gets the EMBED_FLAG_* bits.
 */
extern int	embed_text(const char *text, size_t len, int dim, float *out,
					   int *flags);

/*
 * Cosine of a[0..dim) and b[0..dim) in double, summed in index order
 * (products of floats are exact in double, so the result is the same on
 * every IEEE platform).  0 when either vector is zero or dim < 1.
 */
extern double embed_cosine(const float *a, const float *b, int dim);

/* "amprenta-hash-v1": stored with the vectors it produced. */
extern const char *embed_model_name(void);

#endif
