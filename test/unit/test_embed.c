/*
 * test_embed.c - unit tests of the built-in embedder (src/core/embed.c)
 * and of its hash (src/core/hash64.c).
 *
 * The hash is checked against published test vectors (FNV-1a 64 of "",
 * "a", "foobar"; the first SplitMix64 output for seed 0).  The golden
 * vectors further down were computed once with this implementation: they
 * pin the model.  If one of them changes, after a refactor or on another
 * platform, the vectors already stored in an index no longer match new
 * ones: either the change is a bug, or it is a new model and
 * embed_model_name() must change with the golden values.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "embed.h"
#include "hash64.h"
#include "unit.h"

#define DIM EMBED_DIM_DEFAULT

static double
norm_of(const float *v, int dim)
{
	double		s = 0.0;

	for (int i = 0; i < dim; i++)
		s += (double) v[i] * v[i];
	return sqrt(s);
}

/* FNV-1a 64 of the vector's float bit patterns, little-endian, in order. */
static uint64_t
fingerprint(const float *v, int dim)
{
	uint64_t	h = HASH64_FNV_OFFSET;

	for (int i = 0; i < dim; i++)
	{
		uint32_t	u;

		memcpy(&u, &v[i], sizeof(u));
		for (int k = 0; k < 4; k++)
			h = hash64_fnv1a_step(h, (unsigned char) (u >> (8 * k)));
	}
	return h;
}

static int
embed_str(const char *s, int dim, float *out)
{
	int			flags = -1;

	if (embed_text(s, strlen(s), dim, out, &flags) != 0)
		return -1;
	return flags;
}

static double
cos_str(const char *a, const char *b)
{
	float		va[DIM],
				vb[DIM];

	embed_str(a, DIM, va);
	embed_str(b, DIM, vb);
	return embed_cosine(va, vb, DIM);
}

/* Same vector, bit for bit. */
static bool
same_vector(const char *a, size_t alen, const char *b, size_t blen)
{
	float		va[DIM],
				vb[DIM];

	embed_text(a, alen, DIM, va, NULL);
	embed_text(b, blen, DIM, vb, NULL);
	return memcmp(va, vb, sizeof(va)) == 0;
}

#define SAME(a, b) same_vector((a), sizeof(a) - 1, (b), sizeof(b) - 1)

static void
test_hash(void)
{
	NOTE("hash64: published FNV-1a 64 and SplitMix64 vectors");
	CHECK(hash64_fnv1a("", 0, HASH64_FNV_OFFSET) == UINT64_C(0xcbf29ce484222325),
		  "FNV-1a 64 of \"\"");
	CHECK(hash64_fnv1a("a", 1, HASH64_FNV_OFFSET) == UINT64_C(0xaf63dc4c8601ec8c),
		  "FNV-1a 64 of \"a\"");
	CHECK(hash64_fnv1a("foobar", 6, HASH64_FNV_OFFSET) == UINT64_C(0x85944171f73967e8),
		  "FNV-1a 64 of \"foobar\"");
	CHECK(hash64_fnv1a("bar", 3, hash64_fnv1a("foo", 3, HASH64_FNV_OFFSET)) ==
		  UINT64_C(0x85944171f73967e8), "FNV-1a 64 continues from a state");
	CHECK(hash64_fnv1a(NULL, 0, 42) == 42, "FNV-1a 64 of nothing is the state");
	CHECK(hash64_mix(UINT64_C(0x9e3779b97f4a7c15)) == UINT64_C(0xe220a8397b1dcdaf),
		  "SplitMix64 finaliser: first output for seed 0");
	CHECK(hash64_mix(0) == 0, "the finaliser maps 0 to 0");

	NOTE("hash64_bytes: golden values (pin the model)");
	CHECK(hash64_bytes("tp53", 4, 0) == UINT64_C(0x43b53ed477bd4f61), "hash64_bytes(tp53, 0)");
	CHECK(hash64_bytes("tp53", 4, 1) == UINT64_C(0xba59df557b75428f), "hash64_bytes(tp53, 1)");
	CHECK(hash64_bytes("", 0, 0) == UINT64_C(0xf52a15e9a9b5e89b), "hash64_bytes(\"\", 0)");
}

static void
test_api(void)
{
	float		v[EMBED_DIM_MAX + 1];
	int			flags;
	static const int bad[] = {-1, 0, 1, 7, EMBED_DIM_MAX + 1, 1 << 30};

	NOTE("API: model name, dimension bounds, arguments");
	CHECK_STR(embed_model_name(), "amprenta-hash-v1", "model name");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		v[0] = 42.0f;
		flags = 7;
		CHECK(embed_text("TP53", 4, bad[i], v, &flags) == -1 && flags == 0 &&
			  v[0] == 42.0f, "dim %d refused, out untouched", bad[i]);
	}
	for (int dim = EMBED_DIM_MIN; dim <= EMBED_DIM_MAX; dim = dim == 8 ? 9 : dim * 2)
	{
		v[dim] = 42.0f;
		CHECK(embed_text("TP53", 4, dim, v, &flags) == 0 && flags == 0 &&
			  fabs(norm_of(v, dim) - 1.0) < 1e-6 && v[dim] == 42.0f,
			  "dim %d: unit norm, nothing written past out[dim - 1]", dim);
	}
	CHECK(embed_text("TP53", 4, EMBED_DIM_MAX, v, &flags) == 0 &&
		  fabs(norm_of(v, EMBED_DIM_MAX) - 1.0) < 1e-6, "dim EMBED_DIM_MAX");
	CHECK(embed_text("TP53", 4, DIM, NULL, &flags) == -1, "out NULL refused");
	CHECK(embed_text(NULL, 3, DIM, v, &flags) == -1, "text NULL with len > 0 refused");
	CHECK(embed_text(NULL, 0, DIM, v, &flags) == 0 && flags == EMBED_FLAG_NO_TOKENS,
		  "text NULL with len 0: the fallback of no bytes");
	CHECK(embed_text("TP53", 4, DIM, v, NULL) == 0, "flags may be NULL");
}

static void
test_golden(void)
{
	static const struct
	{
		const char *text;
		int			dim;
		int			flags;
		uint64_t	fp;
	}			golden[] = {
		{"TP53", 8, 0, UINT64_C(0x1921c7703da07592)},
		{"TP53", 384, 0, UINT64_C(0x0b4d67beb0c641cd)},
		{"TP53", 4096, 0, UINT64_C(0xfb07b2543220711d)},
		{"ceramide Cer 18:1;O2/16:0 ALS CSF", 8, 0, UINT64_C(0x4c9baa607b1de169)},
		{"ceramide Cer 18:1;O2/16:0 ALS CSF", 384, 0, UINT64_C(0xd87f14d51367064c)},
		{"ceramide Cer 18:1;O2/16:0 ALS CSF", 4096, 0, UINT64_C(0x4b9991d0862b2577)},
		{"TNF-\xce\xb1 in \xc2\xb5M", 8, 0, UINT64_C(0xe7a640ccdabe4f60)},
		{"TNF-\xce\xb1 in \xc2\xb5M", 384, 0, UINT64_C(0x2bbeb728e95f25d5)},
		{"TNF-\xce\xb1 in \xc2\xb5M", 4096, 0, UINT64_C(0xb9263b76f0dd0cf5)},
		{"", 8, EMBED_FLAG_NO_TOKENS, UINT64_C(0x504c3e3cb9895fa5)},
		{"", 384, EMBED_FLAG_NO_TOKENS, UINT64_C(0xe533d706496c3f25)},
		{" ", 384, EMBED_FLAG_NO_TOKENS, UINT64_C(0x2324a610ce7cb325)},
		{"!!!", 4096, EMBED_FLAG_NO_TOKENS, UINT64_C(0x78350f12e4abdca5)},
	};
	/* "TP53": its word (15/sqrt(481)) and its four 3-grams (8/sqrt(481)) */
	static const struct
	{
		int			i;
		uint32_t	bits;
	}			tp53[] = {
		{176, 0x3ebac2f3},		/* 0.364768595 */
		{177, 0x3ebac2f3},
		{215, 0xbf2f16c4},		/* -0.683941126 */
		{252, 0x3ebac2f3},
		{308, 0x3ebac2f3},
	};
	static const char empty8[] = "+---+---";
	float		v[EMBED_DIM_MAX];
	float		w[EMBED_DIM_MAX];
	int			flags;
	int			nonzero = 0;
	bool		ok = true;

	NOTE("determinism and golden vectors (pin the model)");
	for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++)
	{
		size_t		len = strlen(golden[i].text);

		embed_text(golden[i].text, len, golden[i].dim, v, &flags);
		embed_text(golden[i].text, len, golden[i].dim, w, NULL);
		CHECK(memcmp(v, w, golden[i].dim * sizeof(float)) == 0,
			  "\"%s\" dim %d: same vector twice", golden[i].text, golden[i].dim);
		CHECK(flags == golden[i].flags && fingerprint(v, golden[i].dim) == golden[i].fp,
			  "\"%s\" dim %d: golden fingerprint", golden[i].text, golden[i].dim);
		if (fingerprint(v, golden[i].dim) != golden[i].fp)
			NOTE("got %016llx", (unsigned long long) fingerprint(v, golden[i].dim));
	}

	embed_text("TP53", 4, DIM, v, &flags);
	for (int i = 0; i < DIM; i++)
		nonzero += v[i] != 0.0f;
	for (size_t k = 0; k < sizeof(tp53) / sizeof(tp53[0]); k++)
	{
		uint32_t	u;

		memcpy(&u, &v[tp53[k].i], sizeof(u));
		ok = ok && u == tp53[k].bits;
	}
	CHECK(ok && nonzero == 5, "\"TP53\" dim 384: the five golden components");

	embed_text("", 0, 8, v, &flags);
	ok = true;
	for (int i = 0; i < 8; i++)
		ok = ok && (v[i] < 0) == (empty8[i] == '-') &&
			v[i] == (empty8[i] == '-' ? -1.0f : 1.0f) * (float) (1.0 / sqrt(8.0));
	CHECK(ok, "\"\" dim 8: golden fallback signs %s", empty8);
}

static void
test_norms(void)
{
	static const char *const inputs[] = {
		"", " ", "\t\r\n", "!!!", ";:/", "\xe2\x80\x94", "\xff\xfe\xfd",
		"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "TP53\xe2\x82",
		"a", "TP53", "Cer 18:1;O2/16:0", "\xce\xb1", "x\xcc\x81",
		"ceramide Cer 18:1;O2/16:0 ALS CSF",
		"Cer 18:1;O2/16:0 ceramide in ALS cerebrospinal fluid",
		"TP53 tumour suppressor protein transcription",
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20",
		"\xf0\x9f\xa7\xac DNA \xe2\x86\x92 RNA \xe2\x86\x92 protein",
	};
	static const int dims[] = {8, 13, 384, 1536, EMBED_DIM_MAX};
	float		v[EMBED_DIM_MAX];

	NOTE("unit norm everywhere");
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
	{
		bool		ok = true;

		for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++)
		{
			bool		finite = true;

			ok = ok && embed_text(inputs[i], strlen(inputs[i]), dims[d], v, NULL) == 0;
			for (int k = 0; k < dims[d]; k++)
				finite = finite && isfinite(v[k]);
			ok = ok && finite && fabs(norm_of(v, dims[d]) - 1.0) < 1e-6;
		}
		CHECK(ok, "input %zu: finite, |norm - 1| < 1e-6 at every dim", i);
	}
}

static void
test_fallback(void)
{
	static const char *const none[] = {
		"", " ", "  ", "\t\n", "!!!", "...", "?!", "---", "\xe2\x80\x94",
		"\xc2\xa0", "\xff", "\xff\xfe", "(\xe2\x80\x9c\xe2\x80\x9d)",
	};
#define NNONE (sizeof(none) / sizeof(none[0]))
	float		v[NNONE][DIM];
	float		once[DIM];
	float		w[8];
	float		mag = (float) (1.0 / sqrt((double) DIM));
	double		maxcos = 0.0;
	bool		distinct = true;
	int			flags;
	char		tok[4];
	int			cancelled = 0;
	static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";

	NOTE("texts without tokens: the fallback vector");
	for (size_t i = 0; i < NNONE; i++)
	{
		bool		pm = true;

		embed_text(none[i], strlen(none[i]), DIM, v[i], &flags);
		embed_text(none[i], strlen(none[i]), DIM, once, NULL);
		for (int k = 0; k < DIM; k++)
			pm = pm && (v[i][k] == mag || v[i][k] == -mag);
		CHECK(flags == EMBED_FLAG_NO_TOKENS && pm &&
			  fabs(norm_of(v[i], DIM) - 1.0) < 1e-6 &&
			  memcmp(v[i], once, sizeof(once)) == 0,
			  "fallback %zu: flagged, +-1/sqrt(dim), unit norm, deterministic", i);
	}
	for (size_t i = 0; i < NNONE; i++)
		for (size_t j = i + 1; j < NNONE; j++)
		{
			double		c = fabs(embed_cosine(v[i], v[j], DIM));

			distinct = distinct && memcmp(v[i], v[j], sizeof(v[i])) != 0;
			if (c > maxcos)
				maxcos = c;
		}
	CHECK(distinct, "different bytes, different fallback vectors");
	CHECK(maxcos < 0.3, "fallback vectors nearly orthogonal (max |cos| %.3f)", maxcos);
	CHECK(fabs(cos_str("", "TP53")) < 0.3 && fabs(cos_str("!!!", "ceramide ALS")) < 0.3,
		  "fallback vectors nearly orthogonal to real ones");

	NOTE("tokens whose weights cancel: the fallback, flagged CANCELLED");
	CHECK(embed_text("s 7l", 4, 8, w, &flags) == 0 && flags == EMBED_FLAG_CANCELLED &&
		  fabs(norm_of(w, 8) - 1.0) < 1e-6, "\"s 7l\" at dim 8 cancels: fallback");
	embed_text("s 7l", 4, DIM, once, &flags);
	CHECK(flags == 0, "\"s 7l\" at dim 384 does not");

	/* an odd word weight: one token can never cancel, even at dim 8 */
	for (int len = 1; len <= 3; len++)
	{
		int			total = len == 1 ? 36 : len == 2 ? 36 * 36 : 36 * 36 * 36;

		for (int n = 0; n < total; n++)
		{
			int			r = n;

			for (int k = 0; k < len; k++, r /= 36)
				tok[k] = alnum[r % 36];
			embed_text(tok, len, 8, w, &flags);
			cancelled += flags != 0;
		}
	}
	CHECK(cancelled == 0, "no one-token text of 1 to 3 letters or digits cancels at dim 8");
#undef NNONE
}

static void
test_large(void)
{
	size_t		size = 1 << 20;
	char	   *big = malloc(size);
	static const char phrase[] = "ALS ceramide Cer 18:1;O2/16:0 in cerebrospinal fluid \xce\xb1 ";
	float		v[DIM];
	float		w[DIM];
	int			flags = -1;

	NOTE("1 MB inputs");
	if (big == NULL)
	{
		CHECK(0, "malloc");
		return;
	}
	for (size_t i = 0; i < size; i++)
		big[i] = phrase[i % (sizeof(phrase) - 1)];
	CHECK(embed_text(big, size, DIM, v, &flags) == 0 && flags == 0 &&
		  fabs(norm_of(v, DIM) - 1.0) < 1e-6, "1 MB of text: unit norm");
	embed_text(big, size, DIM, w, NULL);
	CHECK(memcmp(v, w, sizeof(v)) == 0, "1 MB of text: deterministic");
	CHECK(embed_cosine(v, w, DIM) > 0.999999, "1 MB of text: cos with itself");
	embed_text(phrase, sizeof(phrase) - 1, DIM, w, NULL);
	CHECK(embed_cosine(v, w, DIM) > 0.95, "1 MB of a repeated phrase ~ the phrase (%.3f)",
		  embed_cosine(v, w, DIM));

	memset(big, 'a', size);
	CHECK(embed_text(big, size, DIM, v, &flags) == 0 && flags == 0 &&
		  fabs(norm_of(v, DIM) - 1.0) < 1e-6, "one 1 MB token: unit norm");

	memset(big, 0xff, size);
	CHECK(embed_text(big, size, DIM, v, &flags) == 0 && flags == EMBED_FLAG_NO_TOKENS &&
		  fabs(norm_of(v, DIM) - 1.0) < 1e-6, "1 MB of invalid bytes: fallback, unit norm");

	for (size_t i = 0; i < size; i++)
		big[i] = (char) (((i * 2654435761u) >> 13) & 0xff);
	CHECK(embed_text(big, size, DIM, v, &flags) == 0 &&
		  fabs(norm_of(v, DIM) - 1.0) < 1e-6, "1 MB of pseudo-random bytes: unit norm");
	free(big);
}

static void
test_tokens(void)
{
	static const char buf[] = "TP53XYZ";

	NOTE("tokens: case folding, separators, UTF-8");
	CHECK(SAME("TP53", "tp53") && SAME("TP53", "Tp53"), "ASCII case folded");
	CHECK(SAME("ALS CSF", "als,csf") && SAME("ALS CSF", "  ALS\t\tCSF\n"),
		  "ASCII punctuation and spaces separate");
	CHECK(SAME("ALS CSF", "ALS\xc2\xa0" "CSF"), "NO-BREAK SPACE separates");
	CHECK(SAME("ALS CSF", "ALS\xe2\x80\x93" "CSF"), "EN DASH separates");
	CHECK(SAME("ALS CSF", "ALS\xe2\x88\x92" "CSF"), "MINUS SIGN separates");
	CHECK(SAME("ALS CSF", "\xef\xbb\xbf" "ALS\xe3\x80\x80" "CSF"), "BOM, IDEOGRAPHIC SPACE separate");
	CHECK(SAME("ALS CSF", "ALS\xc2\xb7" "CSF") && SAME("2 3", "2\xc3\x97" "3"),
		  "MIDDLE DOT, MULTIPLICATION SIGN separate");

	CHECK(SAME("TP53", "\xffTP53\xfe"), "stray bytes separate");
	CHECK(SAME("ALS CSF", "ALS\x80" "CSF"), "lone continuation byte separates");
	CHECK(SAME("ALS CSF", "ALS\xc0\xaf" "CSF"), "overlong form separates");
	CHECK(SAME("ALS CSF", "ALS\xed\xa0\x80" "CSF"), "encoded surrogate separates");
	CHECK(SAME("ALS CSF", "ALS\xf4\x90\x80\x80" "CSF"), "beyond U+10FFFF separates");
	CHECK(SAME("ALS CSF", "ALS\xe2\x82" "CSF"), "truncated sequence separates");
	CHECK(SAME("TP53", "TP53\xe2\x82") && SAME("TP53", "TP53\xf0\x9f\xa7"),
		  "truncated sequence at the end");
	CHECK(SAME("x", "x\0"), "NUL separates");

	CHECK(!SAME("TNF\xce\xb1", "TNF \xce\xb1"), "Greek letter stays inside a token");
	CHECK(SAME("TNF-\xce\xb1", "TNF \xce\xb1"), "TNF-alpha: two tokens");
	CHECK(!SAME("A\xce\xb2" "42", "A 42") && !SAME("\xce\xb1", "\xce\x91"),
		  "Greek letters are token characters, not case folded");
	CHECK(SAME("10 \xc2\xb5M", "10 \xce\xbcM"), "MICRO SIGN read as GREEK SMALL LETTER MU");
	CHECK(same_vector(buf, 4, "TP53", 4), "input need not be NUL-terminated");
	CHECK(cos_str("TNF\xce\xb1", "TNF\xce\xb2") > 0.2, "TNFalpha ~ TNFbeta share n-grams");
}

static void
test_similarity(void)
{
	const char *a = "ceramide Cer 18:1;O2/16:0 ALS CSF";
	const char *b = "Cer 18:1;O2/16:0 ceramide in ALS cerebrospinal fluid";
	const char *c = "TP53 tumour suppressor protein transcription";
	double		ab = cos_str(a, b);
	double		ac = cos_str(a, c);
	float		v[DIM];
	float		neg[DIM];
	float		zero[DIM] = {0};
	static const char *const words[] = {
		"ceramide", "sphingomyelin", "cerebrospinal", "plasma", "proteomics",
		"GAPDH", "SOD1", "C9orf72", "amyotrophic", "transcription", "Parkinson",
		"mitochondria", "insulin", "kinase", "albumin", "hippocampus",
	};
	double		maxcos = 0.0;

	NOTE("similarity");
	CHECK(ab > ac + 0.4, "ceramide/ALS texts %.3f > ceramide vs TP53 %.3f + 0.4", ab, ac);
	CHECK(ab > 0.5 && fabs(ac) < 0.15, "shared words high, unrelated near 0");
	embed_str(a, DIM, v);
	CHECK(fabs(embed_cosine(v, v, DIM) - 1.0) < 1e-12, "cos(x, x) = 1");
	for (int i = 0; i < DIM; i++)
		neg[i] = -v[i];
	CHECK(fabs(embed_cosine(v, neg, DIM) + 1.0) < 1e-12, "cos(x, -x) = -1");
	CHECK(embed_cosine(v, zero, DIM) == 0.0, "cos with the zero vector is 0");
	CHECK(cos_str("TP53", "tp53") == 1.0, "TP53 = tp53");
	CHECK(cos_str("SEPTIN1", "SEPTIN2") > cos_str("SEPTIN1", "GAPDH") + 0.2,
		  "SEPTIN1~SEPTIN2 %.3f > SEPTIN1~GAPDH %.3f", cos_str("SEPTIN1", "SEPTIN2"),
		  cos_str("SEPTIN1", "GAPDH"));
	CHECK(cos_str("ALS ceramide", "ceramide ALS") > 0.7 &&
		  cos_str("ALS ceramide", "ceramide ALS") < 1.0,
		  "word order: high (%.3f) but not identical (bigrams)",
		  cos_str("ALS ceramide", "ceramide ALS"));
	CHECK(cos_str("Cer 18:1;O2/16:0", "Cer 18:1;O2/18:0") > 0.6,
		  "lipids one chain apart: %.3f", cos_str("Cer 18:1;O2/16:0", "Cer 18:1;O2/18:0"));
	CHECK(cos_str("PC 34:1", "PC 34:2") > cos_str("PC 34:1", "PE 36:4") + 0.3,
		  "PC 34:1 nearer PC 34:2 than PE 36:4");
	CHECK(cos_str("tumour", "tumor") > 0.2, "spelling variants share n-grams: %.3f",
		  cos_str("tumour", "tumor"));
	CHECK(cos_str("ALS cerebrospinal fluid lipidomics",
				  "Parkinson disease plasma proteomics") < 0.2,
		  "unrelated descriptions low");
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		for (size_t j = i + 1; j < sizeof(words) / sizeof(words[0]); j++)
		{
			double		x = fabs(cos_str(words[i], words[j]));

			if (x > maxcos)
				maxcos = x;
		}
	CHECK(maxcos < 0.25, "unrelated words: max |cos| %.3f < 0.25", maxcos);
}

int
main(void)
{
	test_hash();
	test_api();
	test_golden();
	test_norms();
	test_fallback();
	test_large();
	test_tokens();
	test_similarity();
	return unit_done();
}
