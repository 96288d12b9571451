/*
 * embed.c - the built-in text embedder: feature hashing of words,
 * character 3-grams and word bigrams (see embed.h for the model).
 *
 * One pass over the bytes.  The scanner keeps the FNV-1a state of the
 * current token, the last two code points of its n-gram window and the
 * hash of the previous token; each feature is added to an integer
 * accumulator as soon as it is complete, so no token is ever copied and
 * no length limit applies.
 */
#include "embed.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "hash64.h"

/*
 * The model's name.  Every constant below is part of the model: change
 * one and this name must change too (test_embed.c pins golden values).
 */
#define EMBED_MODEL_NAME	"amprenta-hash-v1"

/*
 * Feature weights, in fifteenths: a word counts 1.0, an n-gram or a bigram
 * 8/15 (about the 0.5 of the design; integers keep the sums exact).  The
 * word weight is odd and the others even, so a bucket that holds an odd
 * number of words is never zero: a text with an odd number of tokens (a
 * one-word query, say) can never cancel to the zero vector.
 */
#define W_WORD		15
#define W_NGRAM		8
#define W_BIGRAM	8

/* Arbitrary fixed seeds separating the kinds of feature (hash64.h). */
#define SEED_WORD		UINT64_C(0x77c3f2a1d45b6e09)
#define SEED_NGRAM		UINT64_C(0x3b8e1f6ca2d94705)
#define SEED_BIGRAM		UINT64_C(0xa56d0e9b7c2f1384)
#define SEED_FALLBACK	UINT64_C(0x1f4e8c3a9d7b2605)
/* Counter step of the fallback signs (2^64 / golden ratio, odd). */
#define FALLBACK_STEP	UINT64_C(0x9e3779b97f4a7c15)

/* Boundary markers of the n-grams; never inside a token. */
#define MARK_BEGIN	((uint32_t) '<')
#define MARK_END	((uint32_t) '>')

/*
 * ASCII bytes: the lower-cased letter or digit, or 0 for a separator.
 */
static const unsigned char ascii_fold[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 0, 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0,
	0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0, 0, 0, 0, 0
};

/* The scanner and the accumulator of one embed_text() call. */
typedef struct embed_state
{
	int64_t    *acc;			/* dim buckets, in fifteenths */
	uint64_t	dim;
	bool		in_token;
	bool		have_prev;		/* a token was finished before this one */
	bool		window_full;	/* g0 and g1 both hold code points */
	uint32_t	g0,
				g1;				/* last two code points of the window */
	uint64_t	tok;			/* FNV-1a state of the current token */
	uint64_t	prev;			/* FNV-1a hash of the previous token */
	size_t		ntokens;
} embed_state;

/* Add +w or -w (bit 63 of h) to the bucket the low 32 bits of h pick. */
static inline void
add_feature(embed_state *st, uint64_t h, int64_t w)
{
	uint64_t	bucket = ((h & UINT64_C(0xffffffff)) * st->dim) >> 32;
	int64_t		neg = (int64_t) (h >> 63);

	st->acc[bucket] += (w ^ -neg) + neg;
}

/* The 3-gram (a, b, c) of code points (each < 2^21), packed and hashed. */
static inline void
add_ngram(embed_state *st, uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t	packed = ((uint64_t) a << 42) | ((uint64_t) b << 21) | c;

	add_feature(st, hash64_mix(packed ^ SEED_NGRAM), W_NGRAM);
}

/* Code point cp, already folded, enters the current (maybe new) token. */
static inline void
token_char(embed_state *st, uint32_t cp)
{
	if (!st->in_token)
	{
		st->in_token = true;
		st->window_full = false;
		st->tok = HASH64_FNV_OFFSET;
		st->g1 = MARK_BEGIN;
	}
	if (st->window_full)
		add_ngram(st, st->g0, st->g1, cp);
	else
		st->window_full = true;
	st->g0 = st->g1;
	st->g1 = cp;
}

/* A separator: finish the current token, if any. */
static inline void
token_end(embed_state *st)
{
	if (!st->in_token)
		return;
	st->in_token = false;
	/* a token has at least one character, so the window is full */
	add_ngram(st, st->g0, st->g1, MARK_END);
	add_feature(st, hash64_mix(st->tok ^ SEED_WORD), W_WORD);
	if (st->have_prev)
		add_feature(st, hash64_mix(hash64_mix(st->prev ^ SEED_BIGRAM) ^ st->tok),
					W_BIGRAM);
	st->prev = st->tok;
	st->have_prev = true;
	st->ntokens++;
}

/*
 * Decode one well-formed UTF-8 sequence of 2 to 4 bytes at p (avail bytes
 * readable, p[0] >= 0x80) into *cp; returns its length, or 0 when p[0]
 * does not start one (stray continuation byte, overlong form, surrogate,
 * beyond U+10FFFF, truncated sequence).  Unicode's table of well-formed
 * byte sequences (Table 3-7) is what is checked.
 */
static inline int
utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80;
	unsigned char hi = 0xbf;

	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0)
	{
		if (avail < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		*cp = ((uint32_t) (c & 0x1f) << 6) | (p[1] & 0x3f);
		return 2;
	}
	if (c < 0xf0)
	{
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		if (avail < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80)
			return 0;
		*cp = ((uint32_t) (c & 0x0f) << 12) | ((uint32_t) (p[1] & 0x3f) << 6) |
			(p[2] & 0x3f);
		return 3;
	}
	if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (avail < 4 || p[1] < lo || p[1] > hi || (p[2] & 0xc0) != 0x80 ||
		(p[3] & 0xc0) != 0x80)
		return 0;
	*cp = ((uint32_t) (c & 0x07) << 18) | ((uint32_t) (p[1] & 0x3f) << 12) |
		((uint32_t) (p[2] & 0x3f) << 6) | (p[3] & 0x3f);
	return 4;
}

/* Non-ASCII punctuation and spaces that separate tokens (see embed.h). */
static inline bool
cp_is_separator(uint32_t cp)
{
	if (cp <= 0xbf)
		return cp != 0xb5;		/* C1 controls, Latin-1 punctuation */
	if (cp == 0xd7 || cp == 0xf7)	/* multiplication, division signs */
		return true;
	if (cp < 0x2000)
		return false;
	if (cp <= 0x206f)			/* general punctuation: spaces, dashes, quotes */
		return true;
	if (cp >= 0x2190 && cp <= 0x22ff)	/* arrows, mathematical operators */
		return true;
	if (cp >= 0x3000 && cp <= 0x303f)	/* CJK spaces and punctuation */
		return true;
	return cp == 0xfeff || (cp >= 0xfff0 && cp <= 0xffff);
}

/* Feed the UTF-8 encoding of cp (0x80 <= cp <= 0x10ffff) to the FNV state. */
static inline uint64_t
fnv_utf8(uint64_t h, uint32_t cp)
{
	if (cp < 0x800)
	{
		h = hash64_fnv1a_step(h, (unsigned char) (0xc0 | (cp >> 6)));
	}
	else
	{
		if (cp < 0x10000)
			h = hash64_fnv1a_step(h, (unsigned char) (0xe0 | (cp >> 12)));
		else
		{
			h = hash64_fnv1a_step(h, (unsigned char) (0xf0 | (cp >> 18)));
			h = hash64_fnv1a_step(h, (unsigned char) (0x80 | ((cp >> 12) & 0x3f)));
		}
		h = hash64_fnv1a_step(h, (unsigned char) (0x80 | ((cp >> 6) & 0x3f)));
	}
	return hash64_fnv1a_step(h, (unsigned char) (0x80 | (cp & 0x3f)));
}

/* Scan text[0..len) and accumulate its features into st->acc. */
static void
embed_scan(embed_state *st, const unsigned char *p, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = p[i];
		uint32_t	cp;
		int			n;

		if (c < 0x80)
		{
			unsigned char f = ascii_fold[c];

			i++;
			if (f == 0)
				token_end(st);
			else
			{
				token_char(st, f);
				st->tok = hash64_fnv1a_step(st->tok, f);
			}
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0)
		{
			/* a stray byte: a separator on its own */
			token_end(st);
			i++;
			continue;
		}
		i += n;
		if (cp_is_separator(cp))
		{
			token_end(st);
			continue;
		}
		if (cp == 0xb5)
			cp = 0x3bc;			/* MICRO SIGN -> GREEK SMALL LETTER MU */
		token_char(st, cp);
		st->tok = fnv_utf8(st->tok, cp);
	}
	token_end(st);
}

/*
 * The fallback: +-1/sqrt(dim), sign i from bit 63 of
 * mix(h + (i + 1) * FALLBACK_STEP) where h hashes all the input bytes.
 */
static void
embed_fallback(const char *text, size_t len, int dim, float *out)
{
	uint64_t	h = hash64_bytes(text, len, SEED_FALLBACK);
	float		v = (float) (1.0 / sqrt((double) dim));

	for (int i = 0; i < dim; i++)
	{
		uint64_t	r = hash64_mix(h + (uint64_t) (i + 1) * FALLBACK_STEP);

		out[i] = (r >> 63) ? -v : v;
	}
}

/* A 128-bit unsigned sum, for the exact squared norm. */
typedef struct u128
{
	uint64_t	hi;
	uint64_t	lo;
} u128;

/* s += a * a, exactly (a < 2^63). */
static void
u128_add_square(u128 *s, uint64_t a)
{
	uint64_t	ah = a >> 32;
	uint64_t	al = a & UINT64_C(0xffffffff);
	uint64_t	cross = ah * al;	/* < 2^63 */
	uint64_t	lo = al * al;
	uint64_t	hi = ah * ah + (cross >> 31);
	uint64_t	mid = cross << 33;

	/* a^2 = ah^2 2^64 + 2 cross 2^32 + al^2 */
	lo += mid;
	hi += (lo < mid);
	s->lo += lo;
	s->hi += hi + (s->lo < lo);
}

int
embed_text(const char *text, size_t len, int dim, float *out, int *flags)
{
	int64_t		acc[EMBED_DIM_MAX];
	embed_state st;
	u128		ss = {0, 0};
	double		norm;

	if (flags)
		*flags = 0;
	if (dim < EMBED_DIM_MIN || dim > EMBED_DIM_MAX || out == NULL ||
		(text == NULL && len > 0))
		return -1;

	for (int i = 0; i < dim; i++)
		acc[i] = 0;
	st.acc = acc;
	st.dim = (uint64_t) dim;
	st.in_token = false;
	st.have_prev = false;
	st.window_full = false;
	st.g0 = st.g1 = 0;
	st.tok = st.prev = 0;
	st.ntokens = 0;
	if (len > 0)
		embed_scan(&st, (const unsigned char *) text, len);

	if (st.ntokens == 0)
	{
		embed_fallback(text, len, dim, out);
		if (flags)
			*flags = EMBED_FLAG_NO_TOKENS;
		return 0;
	}

	/*
	 * |acc[i]| is at most a few dozen per input byte, far below 2^53, so
	 * each converts to double exactly; the squared norm is summed exactly
	 * and rounded once.
	 */
	for (int i = 0; i < dim; i++)
		u128_add_square(&ss, acc[i] < 0 ? (uint64_t) 0 - (uint64_t) acc[i] :
						(uint64_t) acc[i]);
	if (ss.hi == 0 && ss.lo == 0)
	{
		embed_fallback(text, len, dim, out);
		if (flags)
			*flags = EMBED_FLAG_CANCELLED;
		return 0;
	}
	/* the product by 2^64 is exact, so fused or not the sum rounds once */
	norm = sqrt((double) ss.hi * 18446744073709551616.0 + (double) ss.lo);
	for (int i = 0; i < dim; i++)
		out[i] = (float) ((double) acc[i] / norm);
	return 0;
}

double
embed_cosine(const float *a, const float *b, int dim)
{
	double		dot = 0.0;
	double		na = 0.0;
	double		nb = 0.0;
	double		c;

	if (a == NULL || b == NULL || dim < 1)
		return 0.0;
	for (int i = 0; i < dim; i++)
	{
		double		x = a[i];
		double		y = b[i];

		dot += x * y;
		na += x * x;
		nb += y * y;
	}
	if (na == 0.0 || nb == 0.0)
		return 0.0;
	c = dot / (sqrt(na) * sqrt(nb));
	/* rounding may step just outside [-1, 1] */
	if (c > 1.0)
		c = 1.0;
	else if (c < -1.0)
		c = -1.0;
	return c;
}

const char *
embed_model_name(void)
{
	return EMBED_MODEL_NAME;
}
