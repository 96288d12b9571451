/*
 * ratelimit.h - request pacing for the sync worker: a token bucket per
 * sink and the retry backoff of a failed item.
 *
 * Nothing here reads a clock.  The caller passes the time as int64
 * milliseconds of a monotonic clock (any origin), so that the worker can
 * use one reading for a whole cycle and the tests can simulate hours in
 * microseconds.  Nothing here allocates, keeps global state or locks: a
 * bucket shared between processes needs the caller's lock around it.
 *
 * Token bucket
 * ------------
 * A bucket holds up to `burst` tokens and earns `rate` tokens per second;
 * each request takes one.  It starts full, so a sink that has been idle
 * may send `burst` requests at once and then settles to `rate` per
 * second (Notion asks for an average of 3 per second with short bursts).
 *
 *   rate <= 0 (or NaN, or infinite)  unlimited: tb_wait_ms() is always 0
 *                                    and tb_take() always succeeds.  An
 *                                    unlimited bucket counts as full, so
 *                                    setting a finite rate later starts
 *                                    with a full burst.
 *   burst < 1 (or NaN)               taken as 1: a bucket that cannot hold
 *                                    one whole token would never let a
 *                                    request through.
 *
 * Time going backwards (now_ms < last_ms: a caller bug, or a wall clock
 * stepped back) counts as no time passed, and the bucket's time base
 * moves back to now_ms.  Keeping the later time instead would stall the
 * sink until the clock caught up again (an hour for a one-hour step);
 * moving back can at worst credit the same interval twice, and the
 * credit is capped by burst, so the cost is one extra burst.
 *
 * Tokens are a double: whole milliseconds at a rate such as 3/s give
 * fractions (1 ms earns 0.003 token), and the fraction left over after a
 * take is kept, so pacing does not drift: requests taken as soon as
 * tb_wait_ms() allows come out at `rate` per second on average.
 */
#ifndef AMPRENTA_RATELIMIT_H
#define AMPRENTA_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The longest wait tb_wait_ms() reports (about 31 700 years), whatever
 * the rate: now_ms + wait cannot overflow for any plausible now_ms.
 */
#define TB_WAIT_MAX_MS	INT64_C(1000000000000000)

typedef struct TokenBucket
{
	double		rate;			/* tokens per second; <= 0 unlimited */
	double		burst;			/* capacity, >= 1 */
	double		tokens;			/* tokens held at last_ms, in [0, burst] */
	int64_t		last_ms;		/* time of the last refill */
} TokenBucket;

/* A full bucket at now_ms. */
extern void tb_init(TokenBucket *tb, double rate_per_s, double burst,
					int64_t now_ms);

/*
 * Change the rate and the burst (a reloaded setting).  Tokens earned at
 * the old rate up to now_ms are kept, then clamped to the new burst.
 */
extern void tb_set_rate(TokenBucket *tb, double rate_per_s, double burst,
						int64_t now_ms);

/*
 * Milliseconds from now_ms until one token is available: 0 when one is
 * available now.  Does not take it.  The answer is exact: when nothing
 * else happens in between, tb_take(tb, now_ms + result) succeeds and
 * tb_take(tb, now_ms + result - 1) would not (for a result above 1).
 * Never more than TB_WAIT_MAX_MS.
 */
extern int64_t tb_wait_ms(TokenBucket *tb, int64_t now_ms);

/* Take one token if one is available at now_ms; false leaves it as is. */
extern bool tb_take(TokenBucket *tb, int64_t now_ms);

/*
 * Empty the bucket at now_ms.  After a 429 the server has told us we
 * went too fast: whatever we thought we had earned is not there, and the
 * next request waits at least one full token interval (on top of the
 * Retry-After pause the caller applies).
 */
extern void tb_drain(TokenBucket *tb, int64_t now_ms);

/*
 * The delay before retry number `attempt` (1 = the first retry) of an
 * item, in milliseconds: exponential backoff with "equal jitter".
 *
 *   cap    = min(max_ms, base_ms * 2^(attempt - 1)), computed without
 *            overflow for any attempt;
 *   result = uniform integer in [ceil(cap / 2), cap].
 *
 * Equal jitter rather than full jitter ([0, cap]): the result is never
 * below half the cap and never zero, so an item that keeps failing
 * cannot be retried in a tight loop, while retries of items that failed
 * together still spread over half the interval.
 *
 * Out-of-range arguments are clamped rather than rejected: attempt < 1
 * counts as 1, base_ms < 1 as 1, max_ms < 1 as 1 (so the result is
 * always >= 1), and base_ms > max_ms gives max_ms.
 *
 * rng_state is the caller's 64-bit state, advanced by splitmix64 (one or,
 * rarely, a few steps per call): the same state gives the same delay and
 * the same next state.  A NULL rng_state gives the cap, with no jitter.
 */
extern int64_t backoff_delay_ms(int attempt, int64_t base_ms, int64_t max_ms,
								uint64_t *rng_state);

#endif
