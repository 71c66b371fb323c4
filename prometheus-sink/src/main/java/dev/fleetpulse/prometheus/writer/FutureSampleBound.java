package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Finds the samples of a series dated later than now plus a skew, which the sink refuses: one such sample makes
 * Prometheus move its head block into the future, and from then on it refuses ordinary samples as "out of bounds".
 *
 * <p>Cost per series, in the common case: one comparison of its newest timestamp (samples are sorted by timestamp)
 * with a precomputed bound. The bound is computed from the clock only when a sample passes it; it can only be
 * stale by being too low, so a sample under it is under the true bound too, and a sample over it is checked again
 * against a fresh one before it is refused. Ordinary traffic therefore reads the clock about once per skew.
 *
 * <p>Not thread-safe: the writer calls it on the task thread.
 */
public final class FutureSampleBound {

    private final long maxSkewMillis;
    private final LongSupplier clockMillis;
    private long boundMillis;

    /** @param clockMillis the current wall-clock time in epoch milliseconds, e.g. {@code System::currentTimeMillis} */
    public FutureSampleBound(Duration maxSkew, LongSupplier clockMillis) {
        this.maxSkewMillis = saturatedMillis(maxSkew);
        this.clockMillis = clockMillis;
        this.boundMillis = boundFrom(clockMillis.getAsLong());
    }

    /**
     * The number of leading samples of {@code series} not later than now plus the skew: its sample count when none
     * is later, 0 when all are. The samples from there on are the ones to refuse.
     */
    public int acceptedEnd(TimeSeries series) {
        int count = series.sampleCount();
        if (series.timestamp(count - 1) <= boundMillis) {
            return count;
        }
        boundMillis = boundFrom(clockMillis.getAsLong());
        int end = count;
        while (end > 0 && series.timestamp(end - 1) > boundMillis) {
            end--;
        }
        return end;
    }

    /** Now plus the skew, saturated: a skew of centuries must not wrap around into the past. */
    private long boundFrom(long nowMillis) {
        long bound = nowMillis + maxSkewMillis;
        return bound < nowMillis ? Long.MAX_VALUE : bound;
    }

    private static long saturatedMillis(Duration duration) {
        try {
            return duration.toMillis();
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE;
        }
    }
}
