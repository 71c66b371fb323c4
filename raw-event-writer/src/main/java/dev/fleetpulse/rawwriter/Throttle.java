package dev.fleetpulse.rawwriter;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

import java.util.concurrent.locks.LockSupport;

/**
 * Limits how fast records pass, by making the task wait: the wait backpressures the Kafka source, so the job reads
 * more slowly and never drops anything. Each of the {@code n} parallel instances lets {@code limit / n} records per
 * second through, which keeps the whole job at the limit.
 *
 * <p>Pacing by a schedule ({@code next} = when the next record may pass) rather than a token bucket refilled every
 * second keeps the output smooth, so the sink sees a steady request rate instead of a burst at each second.
 */
public final class Throttle<T> extends RichMapFunction<T, T> {

    private static final long serialVersionUID = 1L;
    /** How far behind schedule the pace may fall (e.g. after a pause) before it stops catching up with a burst. */
    private static final long MAX_CATCH_UP_NANOS = 100_000_000L;

    private final long limitPerSecond;
    private transient Pacer pacer;

    public Throttle(long limitPerSecond) {
        if (limitPerSecond <= 0) {
            throw new IllegalArgumentException("limitPerSecond must be > 0, was " + limitPerSecond);
        }
        this.limitPerSecond = limitPerSecond;
    }

    @Override
    public void open(OpenContext openContext) {
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        pacer = new Pacer((double) limitPerSecond / parallelism, System::nanoTime);
    }

    @Override
    public T map(T value) {
        long waitNanos = pacer.reserve();
        if (waitNanos > 0) {
            LockSupport.parkNanos(waitNanos);
        }
        return value;
    }

    /** The schedule of one instance, with an injectable clock so it can be tested without sleeping. */
    static final class Pacer {

        interface NanoClock {
            long nanoTime();
        }

        private final long intervalNanos;
        private final NanoClock clock;
        private long next;
        private boolean started;

        Pacer(double perSecond, NanoClock clock) {
            this.intervalNanos = Math.max(1L, Math.round(1_000_000_000d / perSecond));
            this.clock = clock;
        }

        /** Reserves the next slot and answers how long to wait for it (0: go now). */
        long reserve() {
            long now = clock.nanoTime();
            if (!started || now - next > MAX_CATCH_UP_NANOS) {
                started = true;
                next = now;
            }
            long wait = next - now;
            next += intervalNanos;
            return Math.max(0, wait);
        }
    }
}
