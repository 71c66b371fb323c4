package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.IncomingRecord;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.time.Duration;

/**
 * The event-time strategy of the jobs that read vehicle events: the event's own timestamp, watermarks with bounded
 * out-of-orderness per Kafka partition, and idleness so a partition without traffic does not stop event time.
 *
 * <p>Dead letters take the Kafka record's timestamp (they need one to flow) but never move the watermark: a garbage
 * record with a timestamp far in the future would otherwise make every following event late.
 */
public final class EventTimeWatermarks implements WatermarkStrategy<IncomingRecord> {

    private static final long serialVersionUID = 1L;

    private final Duration maxOutOfOrderness;

    private EventTimeWatermarks(Duration maxOutOfOrderness) {
        this.maxOutOfOrderness = maxOutOfOrderness;
    }

    /**
     * @param maxOutOfOrderness how far behind the latest event of its partition an event may be and still be on time
     * @param idleTimeout after this long without records a partition no longer holds the watermark back;
     *     {@link Duration#ZERO} never marks partitions idle
     */
    public static WatermarkStrategy<IncomingRecord> of(Duration maxOutOfOrderness, Duration idleTimeout) {
        if (maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("maxOutOfOrderness must not be negative, was " + maxOutOfOrderness);
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative, was " + idleTimeout);
        }
        WatermarkStrategy<IncomingRecord> strategy = new EventTimeWatermarks(maxOutOfOrderness);
        return idleTimeout.isZero() ? strategy : strategy.withIdleness(idleTimeout);
    }

    @Override
    public WatermarkGenerator<IncomingRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new ValidEventsOnly(new BoundedOutOfOrdernessWatermarks<>(maxOutOfOrderness));
    }

    @Override
    public TimestampAssigner<IncomingRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (record, recordTimestamp) -> record.isValid() ? record.event().timestamp() : recordTimestamp;
    }

    /** Feeds only valid events to the wrapped generator. */
    private static final class ValidEventsOnly implements WatermarkGenerator<IncomingRecord> {
        private final WatermarkGenerator<IncomingRecord> events;

        ValidEventsOnly(WatermarkGenerator<IncomingRecord> events) {
            this.events = events;
        }

        @Override
        public void onEvent(IncomingRecord record, long eventTimestamp, WatermarkOutput output) {
            if (record.isValid()) {
                events.onEvent(record, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            events.onPeriodicEmit(output);
        }
    }
}
