"""Token buckets used by the rate limiters of all three fakes."""

import math
import time


class TokenBucket:
    """A bucket holding up to `burst` tokens, refilled at `rate` tokens/s."""

    def __init__(self, rate, burst, now=None):
        self.rate = float(rate)
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic() if now is None else now

    def _refill(self, now):
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def level(self, now=None):
        self._refill(time.monotonic() if now is None else now)
        return self.tokens

    def wait_for(self, amount, now=None):
        """Seconds until `amount` tokens are available (0 if they are now)."""
        level = self.level(now)
        if level >= amount:
            return 0.0
        if self.rate <= 0:
            return math.inf
        return (amount - level) / self.rate

    def try_take(self, amount=1.0, now=None):
        """Take `amount` tokens if available: returns (taken, wait_seconds)."""
        wait = self.wait_for(amount, now)
        if wait > 0:
            return False, wait
        self.tokens -= amount
        return True, 0.0

    def take_clamped(self, amount=1.0, now=None):
        """Consume without enforcing (used for headers when a limit is off)."""
        self.level(now)
        self.tokens = max(0.0, self.tokens - amount)

    def time_to_full(self, now=None):
        level = self.level(now)
        if self.rate <= 0:
            return 0.0
        return max(0.0, (self.burst - level) / self.rate)


class BucketSet:
    """Buckets keyed by a string (token, namespace, api key)."""

    def __init__(self, rate, burst):
        self.rate = rate
        self.burst = burst
        self.buckets = {}

    def get(self, key):
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket(self.rate, self.burst)
        return bucket


def retry_after_seconds(wait, fixed=None):
    """Retry-After as integer seconds: the fixed value if configured, else ceil(wait) >= 1."""
    if fixed is not None:
        return int(fixed)
    return max(1, int(math.ceil(wait)))
