package dev.fleetpulse.prometheus.writer;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter: retry {@code n} waits a random time in {@code [d/2, d]} where
 * {@code d = min(max, initial * 2^(n-1))}. Jitter spreads the retries of many subtasks after a shared outage;
 * the lower bound keeps the backoff meaningful. No overflow for any attempt number.
 */
public final class BackoffPolicy {

    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;

    public BackoffPolicy(Duration initial, Duration max, RandomGenerator random) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.maxMillis = Math.max(this.initialMillis, max.toMillis());
        this.random = random;
    }

    /** The jittered delay before retry number {@code attempt} (1 for the first retry). */
    public long delayMillis(int attempt) {
        long cap = cappedMillis(attempt);
        long half = cap / 2;
        return half + random.nextLong(cap - half + 1);
    }

    /** The delay before jitter: {@code min(max, initial * 2^(attempt-1))}, computed without overflow. */
    long cappedMillis(int attempt) {
        int shift = Math.max(0, attempt - 1);
        // initial << shift would overflow once shift reaches the leading zeros of initial; compare instead.
        if (shift >= Long.numberOfLeadingZeros(initialMillis) - 1 || initialMillis > (maxMillis >> shift)) {
            return maxMillis;
        }
        return Math.min(maxMillis, initialMillis << shift);
    }
}
