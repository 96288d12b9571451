/*
 * test_chunk_text.c - unit tests of the text chunker (src/core/chunk_text.c).
 *
 * Placed separators in runs of 'a' check which boundary wins; UTF-8 texts
 * check the hard cut; random texts check the invariants of chunk_text.h
 * with an independent checker (valid_chunks below), which uses
 * ident_utf8_valid() from another module to find the characters.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "chunk_text.h"
#include "ident_text.h"
#include "unit.h"

#define MAXC 4096

static TextChunk chunks[MAXC];

static bool
ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Does a well-formed UTF-8 character of 2..4 bytes start at t[i]?  Its length. */
static size_t
char_at(const char *t, size_t len, size_t i)
{
	for (size_t k = 2; k <= 4 && i + k <= len; k++)
		if (ident_utf8_valid(t + i, k))
			return k;
	return 0;
}

/*
 * Every invariant of chunk_text.h for chunks[0..n) of t[0..len) at limit
 * max; why gets the first one broken.
 */
static bool
valid_chunks(const char *t, size_t len, size_t max, const TextChunk *c, size_t n,
			 const char **why)
{
	unsigned char *inner = calloc(len + 1, 1);	/* inside a character */
	size_t		prev_end = 0;
	bool		ok = false;

	for (size_t i = 0; i < len;)
	{
		size_t		k = (unsigned char) t[i] >= 0x80 ? char_at(t, len, i) : 0;

		for (size_t j = 1; j < k; j++)
			inner[i + j] = 1;
		i += k ? k : 1;
	}
	*why = NULL;
	for (size_t i = 0; i < n && *why == NULL; i++)
	{
		size_t		s = c[i].start,
					e = c[i].start + c[i].len;

		if (c[i].len < 1 || c[i].len > max)
			*why = "chunk length outside 1..max";
		else if (s < prev_end || e > len)
			*why = "chunks overlap or leave the text";
		else if (ws(t[s]) || ws(t[e - 1]))
			*why = "chunk starts or ends with white space";
		else if (inner[s] || inner[e])
			*why = "cut inside a UTF-8 character";
		for (size_t j = prev_end; j < s && *why == NULL; j++)
			if (!ws(t[j]))
				*why = "a non-space byte is in no chunk";
		/* a hard cut (no gap) only when no run starts in the last half */
		if (*why == NULL && i + 1 < n && c[i + 1].start == e)
		{
			if (c[i].len + 3 < max)
				*why = "hard cut shorter than max - 3";
			for (size_t a = s + max / 2; a <= s + max && a < len && *why == NULL; a++)
				if (ws(t[a]) && !ws(t[a - 1]))
					*why = "hard cut although a boundary was in the last half";
		}
		prev_end = e;
	}
	for (size_t j = prev_end; j < len && *why == NULL; j++)
		if (!ws(t[j]))
			*why = "a non-space byte after the last chunk";
	ok = *why == NULL;
	free(inner);
	return ok;
}

/* Chunk t, check the invariants and the counting mode; returns n. */
static size_t
run(const char *t, size_t len, size_t max, const char *label)
{
	const char *why = NULL;
	size_t		n = chunk_text(t, len, max, chunks, MAXC);
	size_t		eff = max < CHUNK_TEXT_MIN_BYTES ? CHUNK_TEXT_MIN_BYTES : max;

	CHECK(n <= MAXC && valid_chunks(t, len, eff, chunks, n, &why),
		  "%s: %zu chunks, invariants hold%s%s", label, n, why ? ": " : "", why ? why : "");
	CHECK(chunk_text(t, len, max, NULL, 0) == n, "%s: counting mode agrees", label);
	return n;
}

/* 150 bytes of 'a' with separators placed: "60:\n\n" puts "\n\n" at 60. */
static const char *
placed(const char *const *marks, int nmarks, size_t total)
{
	static char buf[1024];

	memset(buf, 'a', total);
	buf[total] = '\0';
	for (int i = 0; i < nmarks; i++)
	{
		char	   *colon;
		long		at = strtol(marks[i], &colon, 10);

		memcpy(buf + at, colon + 1, strlen(colon + 1));
	}
	return buf;
}

#define FIRST_CUT(label, want, ...) \
	do { \
		const char *const m_[] = {__VA_ARGS__}; \
		const char *t_ = placed(m_, (int) (sizeof(m_) / sizeof(m_[0])), 150); \
		run(t_, 150, 100, label); \
		CHECK(chunks[0].start == 0 && chunks[0].len == (want), \
			  "%s: first chunk ends at %d (got %zu)", label, (int) (want), chunks[0].len); \
	} while (0)

static void
test_preference(void)
{
	FIRST_CUT("paragraph beats line, sentence, word", 60,
			  "60:\n\n", "80:\n", "69:. ", "95: ");
	FIRST_CUT("line beats sentence and word", 80, "80:\n", "69:. ", "95: ");
	FIRST_CUT("sentence beats a later word", 70, "69:. ", "95: ");
	FIRST_CUT("'!' ends a sentence", 70, "69:! ", "95: ");
	FIRST_CUT("'?' followed by a newline", 70, "69:?\n", "95: ", "85: ");
	FIRST_CUT("word: the latest space", 95, "60: ", "90: ", "95: ");
	FIRST_CUT("paragraph in the first half is ignored", 60, "40:\n\n", "60: ");
	FIRST_CUT("CRLF blank line is a paragraph", 60, "60:\r\n\r\n", "80:\n");
	FIRST_CUT("blank line with spaces is a paragraph", 60, "60:\n  \t\n", "80:\n");
	FIRST_CUT("two paragraphs: the later", 85, "60:\n\n", "85:\n\n");
	FIRST_CUT("boundary exactly at the limit", 100, "100: ", "70: ");
	FIRST_CUT("boundary exactly at the middle", 50, "50: ");
	FIRST_CUT("boundary just before the middle: hard cut", 100, "49: ");
	FIRST_CUT("no boundary: hard cut at max", 100, "120: ");
	FIRST_CUT("run of blank lines crossing the limit", 98, "98:\n\n\n\n\n\n");

	/* a run from the first half reaching the limit: dropped as white space */
	{
		char		t[150];

		memset(t, 'a', sizeof(t));
		memset(t + 30, ' ', 80);
		run(t, sizeof(t), 100, "spaces 30..110");
		CHECK(chunks[0].len == 30 && chunks[1].start == 110 && chunks[1].len == 40,
			  "long run of spaces from the first half: [0,30) and [110,150)");
	}
}

static void
test_edges(void)
{
	char		t[300];

	CHECK(chunk_text("", 0, 100, chunks, MAXC) == 0, "empty text: 0 chunks");
	CHECK(chunk_text(NULL, 10, 100, chunks, MAXC) == 0, "NULL text: 0 chunks");
	CHECK(run(" \t\r\n\v\f  \n", 9, 100, "white space only") == 0, "white space only: 0 chunks");
	CHECK(run("  hello world \n", 15, 100, "short") == 1 &&
		  chunks[0].start == 2 && chunks[0].len == 11, "short text: one trimmed chunk");
	CHECK(run("x", 1, 64, "one byte") == 1 && chunks[0].len == 1, "one byte");
	CHECK(run("a\0b", 3, 64, "NUL inside") == 1 && chunks[0].len == 3, "NUL is not white space");

	memset(t, 'a', sizeof(t));
	CHECK(run(t, 64, 64, "exactly max") == 1, "exactly max bytes: one chunk");
	CHECK(run(t, 65, 64, "max + 1") == 2 && chunks[0].len == 64 && chunks[1].len == 1,
		  "max + 1 bytes: 64 + 1");
	t[64] = ' ';
	CHECK(run(t, 66, 64, "max, space, 1") == 2 && chunks[0].len == 64 && chunks[1].start == 65,
		  "space right after max bytes: cut there");
	t[64] = 'a';
	CHECK(run(t, 100, 10, "max below minimum") == 2 && chunks[0].len == 64,
		  "max_bytes below 64 is raised to 64");
	CHECK(run(t, 300, SIZE_MAX, "SIZE_MAX") == 1 && chunks[0].len == 300,
		  "max_bytes SIZE_MAX: one chunk, no overflow");
	CHECK(run(t, 300, 64, "300 a") == 5, "300 bytes without spaces at 64: 5 chunks");

	/* truncation: out gets max_chunks entries, the count is the whole */
	{
		TextChunk	few[3];
		TextChunk	all[8];

		memset(few, 0xee, sizeof(few));
		CHECK(chunk_text(t, 300, 64, all, 8) == 5, "all five");
		CHECK(chunk_text(t, 300, 64, few, 2) == 5, "max_chunks 2: still returns 5");
		CHECK(memcmp(few, all, 2 * sizeof(TextChunk)) == 0, "the first two are the same");
		CHECK(((unsigned char *) &few[2])[0] == 0xee, "nothing written past max_chunks");
		CHECK(chunk_text(t, 300, 64, few, 0) == 5, "max_chunks 0 with a buffer: count only");
	}
}

static void
test_utf8(void)
{
	static const struct
	{
		const char *ch;
		size_t		prefix;		/* 'a' bytes before the characters */
		size_t		first;		/* expected first chunk length at 64 */
	}			cases[] = {
		{"\xc3\xa9", 0, 64}, {"\xc3\xa9", 1, 63}, {"\xe2\x82\xac", 0, 63},
		{"\xe2\x82\xac", 2, 62}, {"\xf0\x9f\x98\x80", 0, 64}, {"\xf0\x9f\x98\x80", 1, 61},
		{"\xf0\x9f\x98\x80", 3, 63},
	};
	char		t[400];

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
	{
		size_t		clen = strlen(cases[c].ch),
					len = cases[c].prefix;
		bool		all_valid = true;
		size_t		n;

		memset(t, 'a', len);
		while (len + clen <= sizeof(t))
		{
			memcpy(t + len, cases[c].ch, clen);
			len += clen;
		}
		n = run(t, len, 64, "UTF-8 without spaces");
		CHECK(chunks[0].len == cases[c].first, "%zu-byte chars after %zu 'a': first chunk %zu (got %zu)",
			  clen, cases[c].prefix, cases[c].first, chunks[0].len);
		for (size_t i = 0; i < n; i++)
			all_valid &= ident_utf8_valid(t + chunks[i].start, chunks[i].len);
		CHECK(all_valid, "every chunk is valid UTF-8");
	}

	/* invalid bytes: no crash, hard cuts among stray continuation bytes */
	memset(t, 0x80, 200);
	CHECK(run(t, 200, 64, "200 continuation bytes") == 4 && chunks[0].len == 64,
		  "200 stray continuation bytes: cut at 64");
	memset(t, 0xff, 200);
	CHECK(run(t, 200, 64, "200 0xFF") == 4, "200 bytes 0xFF: 4 chunks");
	memset(t, 'a', 200);
	t[61] = (char) 0x80;
	t[62] = (char) 0x80;
	t[63] = (char) 0x80;
	t[64] = (char) 0x80;
	CHECK(run(t, 200, 64, "four continuation bytes at the cut") >= 3 && chunks[0].len == 64,
		  "four continuation bytes in a row: the cut stays at 64");
	t[61] = (char) 0xc3;
	CHECK(run(t, 200, 64, "lead + three continuation bytes") >= 3 && chunks[0].len == 61,
		  "lead byte then continuation bytes: cut before the lead");
}

static uint64_t rng = 2024;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned) ((rng >> 33) % n);
}

static void
test_random(void)
{
	static const char *const pieces[] = {
		"word", "a", "sentence.", "end!", "why?", " ", " ", " ", "  ", "\n", "\n\n",
		"\r\n", "\t", "\xc3\xa9t\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x80", "\xff",
		"\xc3", "Cer 18:1;O2/16:0", "https://example.org/a/very/long/path/without/spaces", ". "
	};
	static char t[6000];
	int			bad = 0;
	size_t		total = 0;

	for (int it = 0; it < 3000; it++)
	{
		size_t		len = 0,
					want = rnd(sizeof(t) - 100);
		size_t		max = 32 + rnd(400);
		size_t		n,
					n2;
		const char *why = NULL;
		static TextChunk again[MAXC];

		while (len < want)
		{
			const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
			size_t		pl = strlen(p);

			memcpy(t + len, p, pl);
			len += pl;
		}
		if (rnd(4) == 0)
			for (size_t i = 0; i < len; i++)
				if (rnd(50) == 0)
					t[i] = (char) rnd(256);
		n = chunk_text(t, len, max, chunks, MAXC);
		n2 = chunk_text(t, len, max, again, MAXC);
		total += n;
		if (n > MAXC || n2 != n || memcmp(chunks, again, n * sizeof(TextChunk)) != 0 ||
			!valid_chunks(t, len, max < 64 ? 64 : max, chunks, n, &why) ||
			chunk_text(t, len, max, NULL, 0) != n)
		{
			if (bad++ < 3)
				NOTE("iteration %d (len %zu, max %zu): %s", it, len, max, why ? why : "count");
		}
	}
	CHECK(bad == 0, "3000 random texts: invariants, determinism, counting (%d bad, %zu chunks)",
		  bad, total);
}

static void
test_large(void)
{
	size_t		len = 8u << 20;
	char	   *t = malloc(len);
	clock_t		t0;
	size_t		n;
	double		secs;

	/* 8 MB of spaces but one word: the run is skipped, not rescanned */
	memset(t, ' ', len);
	t[len / 2] = 'x';
	t0 = clock();
	n = chunk_text(t, len, 64, NULL, 0);
	secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
	CHECK(n == 1, "8 MB of spaces with one word: 1 chunk");
	CHECK(secs < 1.0, "and linear time (%.3f s)", secs);

	/* 8 MB of words: chunk count about len / max */
	for (size_t i = 0; i < len; i++)
		t[i] = (i % 7 == 6) ? ' ' : 'w';
	t0 = clock();
	n = chunk_text(t, len, 1000, NULL, 0);
	secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
	/* each step is a chunk of 994..1000 bytes plus the space dropped */
	CHECK(n >= len / 1001 && n <= len / 995 + 1, "8 MB of words at 1000: %zu chunks", n);
	CHECK(secs < 1.0, "in linear time (%.3f s)", secs);
	free(t);
}

int
main(void)
{
	test_preference();
	test_edges();
	test_utf8();
	test_random();
	test_large();
	return unit_done();
}
