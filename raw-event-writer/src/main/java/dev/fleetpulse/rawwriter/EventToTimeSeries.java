package dev.fleetpulse.rawwriter;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;

/**
 * One event, one sample, unchanged: {@code vehicle_ic_rpm}, {@code vehicle_electric_rpm} or {@code vehicle_warnings}
 * with labels {@code vehicle_id} and {@code region}, value = measurement, timestamp = event time. The {@code vehicle_}
 * prefix keeps the raw names apart from the pre-processor's {@code vehicles_in_motion} and {@code warnings}.
 *
 * <p>Also measures what passes through the job: {@code vehicleEventsIn} (valid events, named as in the pre-processor
 * so one dashboard panel and one alert cover both jobs), {@code samplesOut}, and {@code eventTimeLagMs}, how far the
 * newest event this subtask wrote is behind the wall clock.
 */
public final class EventToTimeSeries extends RichMapFunction<VehicleEvent, TimeSeries> {

    private static final long serialVersionUID = 1L;

    public static final String VEHICLE_ID = "vehicle_id";
    public static final String REGION = "region";

    private transient Counter samplesOut;
    private transient volatile long newestEventTime;

    /** The raw metric name of an event type. */
    public static String metricName(EventType type) {
        return switch (type) {
            case IC_RPM -> "vehicle_ic_rpm";
            case ELECTRIC_RPM -> "vehicle_electric_rpm";
            case WARNINGS -> "vehicle_warnings";
        };
    }

    @Override
    public void open(OpenContext openContext) {
        newestEventTime = Long.MIN_VALUE;
        samplesOut = JobMetrics.counter(getRuntimeContext().getMetricGroup(), "samplesOut");
        JobMetrics.gauge(getRuntimeContext().getMetricGroup(), "eventTimeLagMs", (Gauge<Long>) this::eventTimeLagMs);
    }

    @Override
    public TimeSeries map(VehicleEvent event) {
        samplesOut.inc();
        if (event.timestamp() > newestEventTime) {
            newestEventTime = event.timestamp();
        }
        return toTimeSeries(event);
    }

    static TimeSeries toTimeSeries(VehicleEvent event) {
        return TimeSeries.builder(metricName(event.eventType()))
                .label(REGION, event.region().label())
                .label(VEHICLE_ID, event.vehicleId())
                .sample(event.measurement(), event.timestamp())
                .build();
    }

    /** 0 until the first event is written: nothing to be behind on yet. */
    private long eventTimeLagMs() {
        long newest = newestEventTime;
        return newest == Long.MIN_VALUE ? 0 : System.currentTimeMillis() - newest;
    }
}
