package dev.fleetpulse.generator;

import dev.fleetpulse.jobs.metrics.JobMetrics;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;

/**
 * Turns the datagen source's tick numbers 0, 1, 2, ... into vehicle indexes round-robin: every vehicle gets one event
 * in turn, whatever the parallelism, and with a bound of N events each vehicle gets N / vehicles of them (the first
 * N % vehicles vehicles one more).
 *
 * <p>It also counts the generator's output ({@code eventsOut}) and, when a rate is configured, how far the subtask
 * is behind its share of that rate ({@code scheduleLagMs}: the time since it started minus the time its ticks should
 * have taken): the generator's own lag, which grows when Kafka or the simulation cannot keep up.
 */
public final class TickToVehicle implements GeneratorFunction<Long, Long> {

    private static final long serialVersionUID = 1L;

    private final long vehicles;
    private final double eventsPerSecond;

    private transient Counter eventsOut;
    private transient double ticksPerMs;
    private transient long startedMs;

    /**
     * @param eventsPerSecond the whole job's rate, which the datagen source divides evenly over its subtasks;
     *     {@link Double#POSITIVE_INFINITY} when unlimited
     */
    public TickToVehicle(long vehicles, double eventsPerSecond) {
        if (vehicles < 1) {
            throw new IllegalArgumentException("vehicles must be >= 1, was " + vehicles);
        }
        this.vehicles = vehicles;
        this.eventsPerSecond = eventsPerSecond;
    }

    @Override
    public void open(SourceReaderContext context) {
        eventsOut = JobMetrics.counter(context.metricGroup(), "eventsOut");
        ticksPerMs = eventsPerSecond / context.currentParallelism() / 1000.0;
        startedMs = System.currentTimeMillis();
        JobMetrics.gauge(context.metricGroup(), "scheduleLagMs", (Gauge<Long>) this::scheduleLagMs);
    }

    @Override
    public Long map(Long tick) {
        eventsOut.inc();
        return tick % vehicles;
    }

    /** 0 without a rate limit: the generator is then as fast as it can be, and never behind. */
    private long scheduleLagMs() {
        if (Double.isInfinite(ticksPerMs)) {
            return 0;
        }
        long due = (long) (eventsOut.getCount() / ticksPerMs);
        return Math.max(0, System.currentTimeMillis() - startedMs - due);
    }
}
