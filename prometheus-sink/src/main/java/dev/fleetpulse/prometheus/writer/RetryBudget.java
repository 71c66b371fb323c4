package dev.fleetpulse.prometheus.writer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The retry limits of one request: at most {@code maxRetries} retries, each sent within {@code maxRetryDuration} of
 * the request's first attempt. Pure, and free of overflow for any wait: a {@code Retry-After} can ask for
 * {@link Long#MAX_VALUE} milliseconds, which in nanoseconds, or added to the time spent, would wrap around and look
 * like a short wait.
 */
final class RetryBudget {

    private final int maxRetries;
    private final long maxDurationMillis;

    RetryBudget(int maxRetries, Duration maxRetryDuration) {
        this.maxRetries = maxRetries;
        this.maxDurationMillis = saturatedMillis(maxRetryDuration);
    }

    /** Milliseconds left to wait and retry in, {@code elapsedNanos} after the first attempt; never negative. */
    long remainingMillis(long elapsedNanos) {
        return Math.max(0, leftMillis(elapsedNanos));
    }

    /** True when retry number {@code retry} (1 for the first) may be sent after a wait of {@code delayMillis}. */
    boolean allows(int retry, long elapsedNanos, long delayMillis) {
        long left = leftMillis(elapsedNanos);
        return retry <= maxRetries && left >= 0 && delayMillis <= left;
    }

    /** Negative once the duration has passed; both terms are at least 0, so the difference cannot overflow. */
    private long leftMillis(long elapsedNanos) {
        return maxDurationMillis - TimeUnit.NANOSECONDS.toMillis(Math.max(0, elapsedNanos));
    }

    private static long saturatedMillis(Duration duration) {
        try {
            return duration.toMillis();
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE;
        }
    }
}
