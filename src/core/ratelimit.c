/*
 * ratelimit.c - token bucket and retry backoff (see ratelimit.h).
 *
 * The bucket is refilled lazily: every call first credits the tokens
 * earned since last_ms, then answers.  No timer, no clock read.
 */
#include "ratelimit.h"

#include <math.h>
#include <stddef.h>

/*
 * Tolerance when asking "is there a whole token?".  Tokens accumulate as
 * sums of products such as 3.0 * 334 / 1000, which are not exact in
 * binary; without the tolerance a bucket could hold 0.9999999999999998
 * at the very millisecond tb_wait_ms() promised a token.  1e-9 token is
 * far below anything a rate in requests per second can notice.
 */
#define TB_EPS	1e-9

static bool
tb_unlimited(double rate)
{
	/* written so that NaN is unlimited too */
	return !(rate > 0.0 && isfinite(rate));
}

static double
tb_clean_burst(double burst)
{
	return burst >= 1.0 ? burst : 1.0;	/* NaN compares false: 1 */
}

/* Tokens earned in dt_ms milliseconds. */
static double
tb_earned(double rate, uint64_t dt_ms)
{
	return rate * (double) dt_ms / 1000.0;
}

/* Credit the tokens earned between last_ms and now_ms. */
static void
tb_refill(TokenBucket *tb, int64_t now_ms)
{
	if (tb_unlimited(tb->rate))
		tb->tokens = tb->burst;
	else if (now_ms > tb->last_ms)
	{
		/* unsigned: exact even for a span wider than INT64_MAX */
		uint64_t	dt = (uint64_t) now_ms - (uint64_t) tb->last_ms;
		double		t = tb->tokens + tb_earned(tb->rate, dt);

		tb->tokens = t < tb->burst ? t : tb->burst;
	}
	/* backwards: no credit, but move the base (see ratelimit.h) */
	tb->last_ms = now_ms;
}

void
tb_init(TokenBucket *tb, double rate_per_s, double burst, int64_t now_ms)
{
	tb->rate = tb_unlimited(rate_per_s) ? 0.0 : rate_per_s;
	tb->burst = tb_clean_burst(burst);
	tb->tokens = tb->burst;
	tb->last_ms = now_ms;
}

void
tb_set_rate(TokenBucket *tb, double rate_per_s, double burst, int64_t now_ms)
{
	tb_refill(tb, now_ms);		/* earned at the old rate */
	tb->rate = tb_unlimited(rate_per_s) ? 0.0 : rate_per_s;
	tb->burst = tb_clean_burst(burst);
	if (tb->tokens > tb->burst)
		tb->tokens = tb->burst;
}

/* Would a bucket holding t tokens let a request through? */
static bool
tb_has_token(double t)
{
	return t >= 1.0 - TB_EPS;
}

int64_t
tb_wait_ms(TokenBucket *tb, int64_t now_ms)
{
	double		ms;
	int64_t		wait;

	tb_refill(tb, now_ms);
	if (tb_unlimited(tb->rate) || tb_has_token(tb->tokens))
		return 0;

	ms = ceil((1.0 - TB_EPS - tb->tokens) * 1000.0 / tb->rate);
	if (!(ms < (double) TB_WAIT_MAX_MS))
		return TB_WAIT_MAX_MS;
	wait = ms < 1.0 ? 1 : (int64_t) ms;

	/*
	 * The quotient is rounded before ceil(), so near a whole number of
	 * milliseconds it can land one off either way.  Settle the answer
	 * with the very sum tb_refill() will form at now_ms + wait: the
	 * smallest wait after which tb_take() succeeds.
	 */
	while (wait > 1 &&
		   tb_has_token(tb->tokens + tb_earned(tb->rate, (uint64_t) (wait - 1))))
		wait--;
	while (wait < TB_WAIT_MAX_MS &&
		   !tb_has_token(tb->tokens + tb_earned(tb->rate, (uint64_t) wait)))
		wait++;
	return wait;
}

bool
tb_take(TokenBucket *tb, int64_t now_ms)
{
	tb_refill(tb, now_ms);
	if (tb_unlimited(tb->rate))
		return true;
	if (!tb_has_token(tb->tokens))
		return false;
	tb->tokens -= 1.0;
	if (tb->tokens < 0.0)
		tb->tokens = 0.0;		/* the TB_EPS shortfall is forgiven */
	return true;
}

void
tb_drain(TokenBucket *tb, int64_t now_ms)
{
	tb->tokens = 0.0;
	tb->last_ms = now_ms;
}

/* One step of splitmix64 (Steele, Lea and Flood 2014). */
static uint64_t
rl_splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, bound), bound >= 1: rejection of the 2^64 mod bound
 * lowest outputs, so there is no modulo bias. */
static uint64_t
rl_below(uint64_t *state, uint64_t bound)
{
	uint64_t	threshold = (UINT64_C(0) - bound) % bound;

	for (;;)
	{
		uint64_t	r = rl_splitmix64(state);

		if (r >= threshold)
			return r % bound;
	}
}

int64_t
backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms,
				 uint64_t *rng_state)
{
	int			shift;
	int64_t		cap;
	int64_t		lo;

	if (attempt < 1)
		attempt = 1;
	if (base_ms < 1)
		base_ms = 1;
	if (max_ms < 1)
		max_ms = 1;

	/*
	 * base << shift <= max exactly when base <= max >> shift (both sides
	 * are floors of the same division by 2^shift), so the comparison is
	 * made without ever forming a product that could overflow.  From
	 * shift 63 on, base << shift exceeds any int64 max_ms.
	 */
	shift = attempt - 1;
	if (base_ms >= max_ms || shift >= 63 || base_ms > (max_ms >> shift))
		cap = max_ms;
	else
		cap = base_ms << shift;

	lo = cap - cap / 2;			/* ceil(cap / 2), >= 1 since cap >= 1 */
	if (rng_state == NULL)
		return cap;
	return lo + (int64_t) rl_below(rng_state, (uint64_t) (cap - lo) + 1);
}
