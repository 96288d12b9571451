/*
 * test_ratelimit.c - unit tests of the token bucket and the retry
 * backoff (src/core/ratelimit.c).
 *
 * Time is simulated: every call gets its millisecond explicitly, so the
 * 100-second pacing runs below take no real time.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "ratelimit.h"
#include "unit.h"

/*
 * Take requests as soon as tb_wait_ms() allows, from t0 to t0 + span_ms
 * inclusive.  Counts the takes; *broken is set when a promised take
 * fails, *min_gap gets the shortest time between two takes.
 */
static long
pace(TokenBucket *tb, int64_t t0, int64_t span_ms, bool *broken,
	 int64_t *min_gap)
{
	long		n = 0;
	int64_t		t = t0;
	int64_t		prev = INT64_MIN;

	*broken = false;
	*min_gap = INT64_MAX;
	while (t <= t0 + span_ms)
	{
		int64_t		w = tb_wait_ms(tb, t);

		if (w > 0)
		{
			t += w;
			continue;
		}
		if (!tb_take(tb, t))
		{
			*broken = true;
			break;
		}
		if (prev != INT64_MIN && t - prev < *min_gap)
			*min_gap = t - prev;
		prev = t;
		n++;
	}
	return n;
}

static void
test_bucket_basics(void)
{
	TokenBucket tb;
	int			ok = 0;

	tb_init(&tb, 3.0, 5.0, 1000);
	CHECK(tb_wait_ms(&tb, 1000) == 0, "a new bucket is full: no wait");
	for (int i = 0; i < 5; i++)
		ok += tb_take(&tb, 1000);
	CHECK(ok == 5, "burst 5: five takes at once");
	CHECK(!tb_take(&tb, 1000), "sixth take at the same instant fails");
	CHECK(tb_wait_ms(&tb, 1000) == 334, "rate 3: next token in ceil(1000/3) ms");
	CHECK(tb_wait_ms(&tb, 1000) == 334, "tb_wait_ms does not take");
	CHECK(!tb_take(&tb, 1333), "333 ms: not yet a whole token");
	CHECK(tb_take(&tb, 1334), "334 ms: the promised token is there");
	CHECK(!tb_take(&tb, 1334), "and only one");

	tb_init(&tb, 10.0, 1.0, 0);
	CHECK(tb_take(&tb, 0), "rate 10: first take");
	CHECK(tb_wait_ms(&tb, 0) == 100, "rate 10: 100 ms per token, exact");
	CHECK(tb_wait_ms(&tb, 40) == 60, "after 40 ms, 60 ms left");
	CHECK(tb_take(&tb, 100), "take at exactly 100 ms");

	tb_init(&tb, 1000.0, 1.0, 0);
	tb_take(&tb, 0);
	CHECK(tb_wait_ms(&tb, 0) == 1, "rate 1000: 1 ms");
	tb_init(&tb, 5000.0, 1.0, 0);
	tb_take(&tb, 0);
	CHECK(tb_wait_ms(&tb, 0) == 1, "rate 5000: a fraction of a ms rounds up to 1");
	tb_init(&tb, 0.5, 1.0, 0);
	tb_take(&tb, 0);
	CHECK(tb_wait_ms(&tb, 0) == 2000, "rate 0.5: 2000 ms");

	tb_init(&tb, 1.0, 4.0, 0);
	for (int i = 0; i < 4; i++)
		tb_take(&tb, 0);
	CHECK(tb_wait_ms(&tb, 3600 * 1000) == 0, "an hour idle: tokens back");
	ok = 0;
	while (tb_take(&tb, 3600 * 1000) && ok < 100)
		ok++;
	CHECK(ok == 4, "but never more than burst (got %d)", ok);
	CHECK(tb.tokens >= 0.0 && tb.tokens <= tb.burst, "tokens stay in [0, burst]");
}

static void
test_unlimited_and_clamps(void)
{
	const double rates[] = {0.0, -3.0, NAN, INFINITY};
	TokenBucket tb;

	for (int r = 0; r < 4; r++)
	{
		int			ok = 0;

		tb_init(&tb, rates[r], 1.0, 0);
		for (int i = 0; i < 1000; i++)
			ok += tb_take(&tb, 0);
		CHECK(ok == 1000 && tb_wait_ms(&tb, 0) == 0,
			  "rate %g is unlimited: 1000 takes at one instant, wait 0", rates[r]);
	}
	tb_init(&tb, 0.0, 1.0, 0);
	tb_drain(&tb, 0);
	CHECK(tb_wait_ms(&tb, 0) == 0 && tb_take(&tb, 0), "unlimited: drain does not block");

	tb_init(&tb, 2.0, 0.25, 0);
	CHECK(tb.burst == 1.0 && tb_take(&tb, 0), "burst below 1 is taken as 1");
	CHECK(!tb_take(&tb, 0), "and holds exactly one token");
	tb_init(&tb, 2.0, NAN, 0);
	CHECK(tb.burst == 1.0, "NaN burst is taken as 1");

	tb_init(&tb, 1e-300, 1.0, 0);
	tb_take(&tb, 0);
	CHECK(tb_wait_ms(&tb, 0) == TB_WAIT_MAX_MS, "tiny rate: wait clamped to TB_WAIT_MAX_MS");
	tb_init(&tb, 1e-9, 1.0, 0);
	tb_take(&tb, 0);
	{
		int64_t		w = tb_wait_ms(&tb, 0);

		/* (1 - TB_EPS) token at 1e-9/s: 1e12 ms less one second */
		CHECK(w >= INT64_C(999999998000) && w <= INT64_C(1000000000000),
			  "1e-9/s: about 1e12 ms, not clamped (%lld)", (long long) w);
	}
	tb_init(&tb, 1e-13, 1.0, 0);
	tb_take(&tb, 0);
	CHECK(tb_wait_ms(&tb, 0) == TB_WAIT_MAX_MS, "1e-13/s: 1e16 ms, clamped");

	/* extreme timestamps: the span is wider than INT64_MAX */
	tb_init(&tb, 3.0, 2.0, INT64_MIN);
	tb_take(&tb, INT64_MIN);
	tb_take(&tb, INT64_MIN);
	CHECK(tb_wait_ms(&tb, INT64_MAX) == 0 && tb.tokens == 2.0,
		  "INT64_MIN to INT64_MAX: refilled to burst, no overflow");
}

static void
test_backwards_clock(void)
{
	TokenBucket tb;

	tb_init(&tb, 3.0, 1.0, 10000);
	CHECK(tb_take(&tb, 10000), "take at 10 s");
	CHECK(tb_wait_ms(&tb, 5000) == 334, "clock back to 5 s: no credit, full interval");
	CHECK(!tb_take(&tb, 5000), "no take at 5 s");
	CHECK(tb.last_ms == 5000, "time base moved back");
	CHECK(!tb_take(&tb, 5333) && tb_take(&tb, 5334),
		  "paced from the new base, not stalled until 10 s");
	CHECK(tb_wait_ms(&tb, 5334) == 334, "and paced again after that");

	/* a step back can give at most one extra burst */
	tb_init(&tb, 1.0, 3.0, 0);
	for (int i = 0; i < 3; i++)
		tb_take(&tb, 0);
	tb_wait_ms(&tb, 3000);		/* full again */
	tb_wait_ms(&tb, 0);			/* stepped back */
	CHECK(tb.tokens == 3.0, "step back keeps the tokens held, no more");
}

static void
test_drain_and_set_rate(void)
{
	TokenBucket tb;
	int			ok = 0;

	tb_init(&tb, 3.0, 10.0, 0);
	tb_drain(&tb, 50);
	CHECK(!tb_take(&tb, 50), "drained: no token");
	CHECK(tb_wait_ms(&tb, 50) == 334, "drained: a full interval from the drain");

	/* earned tokens survive a rate change, clamped to the new burst */
	tb_init(&tb, 1.0, 10.0, 0);
	for (int i = 0; i < 10; i++)
		tb_take(&tb, 0);
	tb_set_rate(&tb, 100.0, 2.0, 2500);
	CHECK(tb.tokens == 2.0, "2.5 earned, clamped to new burst 2");
	while (tb_take(&tb, 2500) && ok < 10)
		ok++;
	CHECK(ok == 2, "two takes after the change (got %d)", ok);
	CHECK(tb_wait_ms(&tb, 2500) == 10, "new rate 100/s: 10 ms");

	/* tokens up to now are earned at the old rate, not the new one */
	tb_init(&tb, 1.0, 5.0, 0);
	tb_drain(&tb, 0);
	tb_set_rate(&tb, 1000.0, 5.0, 500);
	CHECK_NEAR(tb.tokens, 0.5, 1e-12, "500 ms at the old 1/s earn 0.5 token");
	CHECK(tb_wait_ms(&tb, 500) == 1, "then the new rate: 0.5 ms, rounded up to 1");

	tb_init(&tb, 1.0, 5.0, 0);
	tb_drain(&tb, 0);
	tb_set_rate(&tb, 0.0, 5.0, 0);
	CHECK(tb_take(&tb, 0) && tb_take(&tb, 0), "to unlimited: takes succeed");
	tb_set_rate(&tb, 2.0, 3.0, 0);
	ok = 0;
	while (tb_take(&tb, 0) && ok < 10)
		ok++;
	CHECK(ok == 3, "unlimited back to limited: starts with a full burst (got %d)", ok);

	tb_init(&tb, 2.0, 3.0, 0);
	tb_set_rate(&tb, 2.0, 0.1, 0);
	CHECK(tb.burst == 1.0 && tb.tokens == 1.0, "set_rate clamps burst to 1 too");
}

/*
 * tb_wait_ms() is exact: the take succeeds at now + wait and fails one
 * millisecond earlier.  The two fixed cases sit on whole milliseconds,
 * where the rounded quotient makes ceil() one too low ("up") or one too
 * high ("down"); they were found by searching next to w * rate / 1000.
 */
static void
test_wait_exact(void)
{
	static const struct
	{
		double		tokens;
		int64_t		want;
	}			edge[] = {
		{0x1.6f9db22477501p-1, 95},	/* ceil() gives 94, 94 is short */
		{0x1.fe76c8aba2522p-1, 1},	/* ceil() gives 2, 1 is enough */
	};
	uint64_t	x = 5;
	int			bad = 0;

	for (int i = 0; i < 2; i++)
	{
		TokenBucket tb,
					early;
		int64_t		w;

		tb_init(&tb, 3.0, 1.0, 0);
		tb.tokens = edge[i].tokens;
		w = tb_wait_ms(&tb, 0);
		early = tb;
		CHECK(w == edge[i].want, "rounding edge %d: wait %lld (want %lld)", i,
			  (long long) w, (long long) edge[i].want);
		CHECK(tb_take(&tb, w) && (w == 1 || !tb_take(&early, w - 1)),
			  "rounding edge %d: take at the wait, not a ms before", i);
	}

	for (int it = 0; it < 100000; it++)
	{
		TokenBucket tb,
					early;
		double		rate;
		int64_t		now,
					w;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		rate = 0.01 + (double) (x >> 11) / 9007199254740992.0 * 5000.0;
		now = (int64_t) (x >> 40) - 1000000;
		tb_init(&tb, rate, 1.0 + (double) (x & 3), now);
		while (tb_take(&tb, now))
			;
		now += (int64_t) ((x >> 20) % 2000);	/* part of a token back */
		w = tb_wait_ms(&tb, now);
		early = tb;
		if (!tb_take(&tb, now + w) || (w > 1 && tb_take(&early, now + w - 1)) ||
			(w == 0 && !tb_take(&early, now)))
		{
			if (bad++ < 3)
				NOTE("rate %.17g: wait %lld is not exact", rate, (long long) w);
		}
	}
	CHECK(bad == 0, "100000 random buckets: tb_wait_ms is exact (%d not)", bad);
}

static void
test_pacing(void)
{
	static const struct
	{
		double		rate;
		double		burst;
	}			cases[] = {
		{3.0, 1.0}, {3.0, 10.0}, {0.7, 1.0}, {7.3, 2.0}, {50.0, 1.0},
		{1000.0 / 3.0, 1.0}, {999.0, 5.0}
	};
	TokenBucket tb;
	bool		broken;
	int64_t		gap;
	long		n;

	/* the property the brief asks for: 100 s at 3/s, burst 1 */
	tb_init(&tb, 3.0, 1.0, 0);
	n = pace(&tb, 0, 100000, &broken, &gap);
	CHECK(!broken, "every promised token was there");
	CHECK(n >= 299 && n <= 301, "100 s at 3/s burst 1: %ld requests, want 300 +- 1", n);
	CHECK(gap >= 333, "never two requests closer than 333 ms (min %lld)", (long long) gap);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	{
		double		want = cases[i].rate * 100.0 + cases[i].burst;

		tb_init(&tb, cases[i].rate, cases[i].burst, -123456);
		n = pace(&tb, -123456, 100000, &broken, &gap);
		CHECK(!broken && n >= want - 1.0 && n <= want + 1.0,
			  "rate %g burst %g over 100 s: %ld requests, want %.1f +- 1",
			  cases[i].rate, cases[i].burst, n, want);
	}
}

static void
test_backoff(void)
{
	uint64_t	s = 42,
				s2 = 42;
	int64_t		a,
				b;
	bool		in_range = true,
				seen_lo = false,
				seen_hi = false;
	double		sum = 0.0;
	long		bins[10] = {0};
	double		chi2 = 0.0;

	CHECK(backoff_delay_ms(1, 1000, 60000, NULL) == 1000, "no rng: attempt 1 gives base");
	CHECK(backoff_delay_ms(2, 1000, 60000, NULL) == 2000, "attempt 2: 2 x base");
	CHECK(backoff_delay_ms(6, 1000, 60000, NULL) == 32000, "attempt 6: 32 x base");
	CHECK(backoff_delay_ms(7, 1000, 60000, NULL) == 60000, "attempt 7: 64 s capped at 60 s");
	CHECK(backoff_delay_ms(1000, 1000, 60000, NULL) == 60000, "attempt 1000: capped");
	CHECK(backoff_delay_ms(INT_MAX, 1000, 60000, NULL) == 60000, "attempt INT_MAX: capped");
	CHECK(backoff_delay_ms(0, 1000, 60000, NULL) == 1000, "attempt 0 counts as 1");
	CHECK(backoff_delay_ms(-7, 1000, 60000, NULL) == 1000, "negative attempt counts as 1");
	CHECK(backoff_delay_ms(3, 0, 60000, NULL) == 4, "base 0 counts as 1");
	CHECK(backoff_delay_ms(3, 1000, 0, NULL) == 1, "max 0 counts as 1");
	CHECK(backoff_delay_ms(1, 5000, 3000, NULL) == 3000, "base above max gives max");
	CHECK(backoff_delay_ms(63, 1, INT64_MAX, NULL) == (INT64_C(1) << 62), "1 << 62: exact");
	CHECK(backoff_delay_ms(64, 1, INT64_MAX, NULL) == INT64_MAX, "1 << 63 overflows: max");
	CHECK(backoff_delay_ms(2, INT64_MAX / 2 + 1, INT64_MAX, NULL) == INT64_MAX,
		  "doubling a huge base: max, no overflow");
	CHECK(backoff_delay_ms(1 + 40, 3, INT64_C(3) << 40, NULL) == INT64_C(3) << 40,
		  "product exactly at max is kept");

	/*
	 * splitmix64 from state 0 first gives 0xe220a8397b1dcdaf (published
	 * test vector); cap 1000 draws 500 + that mod 501 = 582.
	 */
	s = 0;
	CHECK(backoff_delay_ms(1, 1000, 60000, &s) == 582, "golden: splitmix64 from state 0");
	CHECK(s == UINT64_C(0x9e3779b97f4a7c15), "state advanced by one golden gamma");
	s = 42;
	a = backoff_delay_ms(3, 1000, 60000, &s);
	b = backoff_delay_ms(3, 1000, 60000, &s2);
	CHECK(a == b && s == s2, "same state: same delay, same next state");
	CHECK(s != 42, "the state advanced");
	s2 = 43;
	{
		int			differ = 0;

		s = 42;
		for (int i = 0; i < 20; i++)
			differ += backoff_delay_ms(5, 1000, 60000, &s) !=
				backoff_delay_ms(5, 1000, 60000, &s2);
		CHECK(differ > 10, "different states give different delays (%d of 20)", differ);
	}

	/* range and spread: cap 1000 gives [500, 1000] */
	s = 7;
	for (int i = 0; i < 100000; i++)
	{
		int64_t		d = backoff_delay_ms(1, 1000, 60000, &s);

		if (d < 500 || d > 1000)
			in_range = false;
		seen_lo |= d == 500;
		seen_hi |= d == 1000;
		sum += (double) d;
		if (d >= 500 && d < 1000)
			bins[(d - 500) / 50]++;
	}
	CHECK(in_range, "100000 draws all in [500, 1000]");
	CHECK(seen_lo && seen_hi, "both ends are reached");
	CHECK_NEAR(sum / 100000.0, 750.0, 3.0, "mean about 750");
	for (int i = 0; i < 10; i++)
	{
		double		e = 100000.0 * 50.0 / 501.0;

		chi2 += (bins[i] - e) * (bins[i] - e) / e;
	}
	CHECK(chi2 < 30.0, "ten bins uniform (chi2 %.1f, 9 df)", chi2);

	/* small caps: never zero, exact sets */
	{
		bool		c1 = true,
					c2 = true,
					c3 = true,
					two_seen[3] = {false},
					three_seen[4] = {false};

		s = 1;
		for (int i = 0; i < 1000; i++)
		{
			int64_t		d1 = backoff_delay_ms(1, 1, 100, &s);
			int64_t		d2 = backoff_delay_ms(2, 1, 100, &s);
			int64_t		d3 = backoff_delay_ms(1, 3, 100, &s);

			c1 &= d1 == 1;
			c2 &= d2 == 1 || d2 == 2;
			c3 &= d3 == 2 || d3 == 3;
			if (c2)
				two_seen[d2] = true;
			if (c3)
				three_seen[d3] = true;
		}
		CHECK(c1, "cap 1: always 1, never 0");
		CHECK(c2 && two_seen[1] && two_seen[2], "cap 2: 1 or 2, both seen");
		CHECK(c3 && three_seen[2] && three_seen[3], "cap 3: 2 or 3, both seen");
	}

	/* every attempt: within [ceil(cap/2), cap] */
	in_range = true;
	s = 99;
	for (int att = -2; att < 200; att++)
	{
		int64_t		cap = backoff_delay_ms(att, 5000, 3600000, NULL);
		int64_t		d = backoff_delay_ms(att, 5000, 3600000, &s);

		if (d < cap - cap / 2 || d > cap || d < 1)
			in_range = false;
	}
	CHECK(in_range, "attempts -2..199 at 5 s .. 1 h: all within [cap/2, cap]");
}

int
main(void)
{
	test_bucket_basics();
	test_unlimited_and_clamps();
	test_backwards_clock();
	test_drain_and_set_rate();
	test_wait_exact();
	test_pacing();
	test_backoff();
	return unit_done();
}
