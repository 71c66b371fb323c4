package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.KafkaOrigin;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.RejectReason;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.health.HealthSample;
import dev.fleetpulse.jobs.health.PipelineHealth;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The split of valid events from dead letters, and the reader health it writes: counts every 5 s of processing time,
 * labelled with the job and subtask, continued after a restore from a checkpoint.
 */
class SplitInvalidRecordsTest {

    private static final String JOB = "pre-processor";
    private static final long T0 = 1_730_621_749_000L;
    private static final KafkaOrigin ORIGIN = new KafkaOrigin("vehicle-events", 0, 1L);

    @Test
    void shouldPassValidEventsAndSideOutputDeadLetters() throws Exception {
        try (OneInputStreamOperatorTestHarness<IncomingRecord, VehicleEvent> harness = open(null)) {
            harness.processElement(valid(T0), T0);
            harness.processElement(invalid(RejectReason.MALFORMED_JSON), T0);

            assertThat(harness.extractOutputValues()).containsExactly(event(T0));
            assertThat(harness.getSideOutput(SplitInvalidRecords.DEAD_LETTERS)).extracting(StreamRecord::getValue)
                    .extracting(DeadLetter::reason).containsExactly("malformed-json");
        }
    }

    @Test
    void shouldWriteItsHealthEveryFiveSecondsUntilTheFirstCheckpoint() throws Exception {
        try (OneInputStreamOperatorTestHarness<IncomingRecord, VehicleEvent> harness = open(null)) {
            harness.processElement(valid(T0 - 3_000), T0);
            harness.processElement(valid(T0 - 2_000), T0);
            harness.processElement(invalid(RejectReason.MALFORMED_JSON), T0);
            harness.setProcessingTime(T0 + 5_000);

            assertThat(latestHealth(harness)).containsEntry("fleetpulse_pipeline_events_in_total{}", 2.0)
                    .containsEntry("fleetpulse_pipeline_dead_letters_total{reason=malformed-json}", 1.0)
                    .containsEntry("fleetpulse_pipeline_dead_letters_total{reason=late}", 0.0)
                    .containsEntry("fleetpulse_pipeline_event_time_lag_seconds{}", 7.0);
        }
    }

    /**
     * After the first checkpoint a counter is written only with a completed checkpoint's count, so nothing written
     * before a failure is above what the restore brings back, and the restored counts go on from there.
     */
    @Test
    void shouldWriteCountersOnlyAtCompletedCheckpointsSoThatARestoreNeverGoesBelowAWrittenValue() throws Exception {
        OperatorSubtaskState checkpoint;
        try (OneInputStreamOperatorTestHarness<IncomingRecord, VehicleEvent> harness = open(null)) {
            harness.processElement(valid(T0), T0);
            harness.processElement(valid(T0), T0);
            checkpoint = harness.snapshot(1, T0 + 1_000);
            harness.notifyOfCompletedCheckpoint(1);
            assertThat(latestHealth(harness)).containsEntry("fleetpulse_pipeline_events_in_total{}", 2.0);

            harness.processElement(valid(T0), T0);
            harness.processElement(valid(T0), T0);
            harness.setProcessingTime(T0 + 5_000);
            harness.snapshot(2, T0 + 6_000); // the job fails before checkpoint 2 completes

            assertThat(latestHealth(harness)).as("written before the failure")
                    .containsEntry("fleetpulse_pipeline_events_in_total{}", 2.0);
        }
        try (OneInputStreamOperatorTestHarness<IncomingRecord, VehicleEvent> restored = open(checkpoint)) {
            restored.processElement(valid(T0), T0); // the two events after checkpoint 1, replayed
            restored.processElement(valid(T0), T0);
            restored.processElement(invalid(RejectReason.MALFORMED_JSON), T0);
            restored.setProcessingTime(T0 + 5_000);
            assertThat(latestHealth(restored)).as("gauges only, until a checkpoint completes")
                    .doesNotContainKey("fleetpulse_pipeline_events_in_total{}")
                    .containsKey("fleetpulse_pipeline_event_time_lag_seconds{}");

            restored.snapshot(3, T0 + 6_000);
            restored.notifyOfCompletedCheckpoint(3);

            assertThat(latestHealth(restored)).containsEntry("fleetpulse_pipeline_events_in_total{}", 4.0)
                    .containsEntry("fleetpulse_pipeline_dead_letters_total{reason=malformed-json}", 1.0);
        }
    }

    /** The newest sample of each health series, by name and its own label. */
    private static Map<String, Double> latestHealth(OneInputStreamOperatorTestHarness<?, ?> harness) {
        Map<String, Double> latest = new TreeMap<>();
        for (StreamRecord<HealthSample> record : harness.getSideOutput(PipelineHealth.SAMPLES)) {
            HealthSample sample = record.getValue();
            assertThat(sample.job()).isEqualTo(JOB);
            assertThat(sample.subtask()).isZero();
            String label = sample.labelName() == null ? "" : sample.labelName() + "=" + sample.labelValue();
            latest.put(sample.name() + "{" + label + "}", sample.value());
        }
        return latest;
    }

    private static OneInputStreamOperatorTestHarness<IncomingRecord, VehicleEvent> open(OperatorSubtaskState state)
            throws Exception {
        OneInputStreamOperatorTestHarness<IncomingRecord, VehicleEvent> harness =
                new OneInputStreamOperatorTestHarness<>(new SplitInvalidRecords(JOB));
        harness.setup();
        // The health timer starts when the operator opens: at T0, not at the test clock's zero.
        harness.setProcessingTime(T0);
        harness.initializeState(state);
        harness.open();
        return harness;
    }

    private static VehicleEvent event(long t) {
        return new VehicleEvent(EventType.IC_RPM, "V0000000001", Region.UK, t, 900);
    }

    private static IncomingRecord valid(long t) {
        return IncomingRecord.of(event(t));
    }

    private static IncomingRecord invalid(RejectReason reason) {
        return IncomingRecord.rejected(DeadLetter.rejected(reason, "bad", null, new byte[]{'x'}, ORIGIN, T0));
    }
}
