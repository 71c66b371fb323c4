package dev.fleetpulse.preprocessor;

import dev.fleetpulse.jobs.metrics.JobMetrics;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.util.Collector;

/**
 * Writes a {@link WindowAggregate} as its two Prometheus samples, {@code vehicles_in_motion{model,region}} and
 * {@code warnings{model,region}}, both stamped with the window end.
 *
 * <p>The last operator before the sink, so it also measures what leaves the job: {@code samplesOut}, and
 * {@code eventTimeLagMs}, how far the newest window written by this subtask is behind the wall clock (it grows
 * while the job falls behind or event time stands still).
 */
public final class AggregateToTimeSeries extends RichFlatMapFunction<WindowAggregate, TimeSeries> {

    private static final long serialVersionUID = 1L;

    public static final String VEHICLES_IN_MOTION = "vehicles_in_motion";
    public static final String WARNINGS = "warnings";
    public static final String MODEL = "model";
    public static final String REGION = "region";

    private transient Counter samplesOut;
    private transient volatile long newestWindowEnd;

    @Override
    public void open(OpenContext openContext) {
        newestWindowEnd = Long.MIN_VALUE;
        samplesOut = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "samplesOut");
        JobMetrics.gauge(getRuntimeContext().getMetricGroup(), "eventTimeLagMs", (Gauge<Long>) this::eventTimeLagMs);
    }

    @Override
    public void flatMap(WindowAggregate aggregate, Collector<TimeSeries> out) {
        AggregateKey key = aggregate.key();
        long timestamp = key.windowEnd();
        out.collect(series(VEHICLES_IN_MOTION, key, aggregate.vehiclesInMotion(), timestamp));
        out.collect(series(WARNINGS, key, aggregate.warnings(), timestamp));
        samplesOut.inc(2);
        if (timestamp > newestWindowEnd) {
            newestWindowEnd = timestamp;
        }
    }

    private static TimeSeries series(String metric, AggregateKey key, long value, long timestamp) {
        return TimeSeries.builder(metric)
                .label(MODEL, key.model())
                .label(REGION, key.region().label())
                .sample(value, timestamp)
                .build();
    }

    /** 0 until the first window is written: nothing to be behind on yet. */
    private long eventTimeLagMs() {
        long newest = newestWindowEnd;
        return newest == Long.MIN_VALUE ? 0 : System.currentTimeMillis() - newest;
    }
}
