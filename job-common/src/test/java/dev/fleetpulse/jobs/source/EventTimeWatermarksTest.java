package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.KafkaOrigin;
import dev.fleetpulse.events.RejectReason;
import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeWatermarksTest {

    private static final long T0 = 1_730_621_750_000L;
    private static final long FAR_FUTURE = 4_000_000_000_000L;
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    private static final IncomingRecord EVENT_AT_T0 =
            IncomingRecord.of(new VehicleEvent(EventType.IC_RPM, "V1", Region.UK, T0, 900));
    private static final IncomingRecord GARBAGE = IncomingRecord.rejected(
            DeadLetter.rejected(RejectReason.MALFORMED_JSON, "not JSON", null, new byte[]{'x'},
                    new KafkaOrigin("vehicle-events", 0, 1L), FAR_FUTURE));

    @Test
    void shouldStampEventsWithTheirEventTimeAndDeadLettersWithTheKafkaTimestamp() {
        TimestampAssigner<IncomingRecord> assigner =
                EventTimeWatermarks.of(TWO_SECONDS, Duration.ZERO).createTimestampAssigner(null);

        assertThat(assigner.extractTimestamp(EVENT_AT_T0, 123L)).isEqualTo(T0);
        assertThat(assigner.extractTimestamp(GARBAGE, FAR_FUTURE)).isEqualTo(FAR_FUTURE);
    }

    @Test
    void shouldHoldTheWatermarkTheOutOfOrdernessBoundBehindTheLatestEvent() {
        assertThat(watermarksAfter(EVENT_AT_T0)).containsExactly(T0 - 2_000 - 1);
    }

    @Test
    void shouldNotMoveTheWatermarkForADeadLetterWithAFutureTimestamp() {
        assertThat(watermarksAfter(EVENT_AT_T0, GARBAGE)).containsExactly(T0 - 2_000 - 1);
    }

    private static List<Long> watermarksAfter(IncomingRecord... records) {
        WatermarkStrategy<IncomingRecord> strategy = EventTimeWatermarks.of(TWO_SECONDS, Duration.ZERO);
        WatermarkGenerator<IncomingRecord> generator = strategy.createWatermarkGenerator(null);
        TimestampAssigner<IncomingRecord> assigner = strategy.createTimestampAssigner(null);
        List<Long> emitted = new ArrayList<>();
        WatermarkOutput output = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                emitted.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {
            }

            @Override
            public void markActive() {
            }
        };
        for (IncomingRecord r : records) {
            long recordTimestamp = r.isValid() ? T0 : r.deadLetter().sourceTimestamp();
            generator.onEvent(r, assigner.extractTimestamp(r, recordTimestamp), output);
        }
        generator.onPeriodicEmit(output);
        return emitted;
    }
}
