package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 2, rescaling: while a live fleet writes to Kafka, the pre-processor runs at parallelism 1, is stopped
 * with a savepoint, restored at parallelism 2, stopped with a savepoint again, and restored at parallelism 1 to the
 * end of the stream. Open windows, partial aggregates and Kafka offsets move between subtasks; Prometheus must
 * hold exactly the oracle's samples.
 *
 * <p>The legs read without end, as in production (a Kafka source bounded by stopping offsets did not finish after a
 * restore from 2 to 1 subtasks: its reader never heard that no more splits would come). Marker events after the
 * fleet's close its last windows; then the last leg is cancelled.
 */
class RescaleITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    private static final int PARTITIONS = 4;
    private static final long SPAN_MS = Duration.ofSeconds(60).toMillis();
    private static final Duration LEG = Duration.ofSeconds(4);

    @Test
    void shouldWriteExactlyTheOracleSamplesWhenRescaledFromOneToTwoAndBackThroughSavepoints(@TempDir Path savepoints)
            throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(20).toMillis()) / 1000 * 1000;
        List<VehicleEvent> events = TestFleet.events(2, "S", 300, 100, start, SPAN_MS);
        EventTopic topic = new EventTopic(KAFKA.newTopic(PARTITIONS), PARTITIONS).add(events);
        String dlqTopic = KAFKA.newTopic(1);
        ModelTable models = ModelTable.forEvents(events);
        PreProcessorConfig config = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic.name(), dlqTopic,
                PROMETHEUS.remoteWriteUrl(), models);
        CompletableFuture<Void> feed = topic.writePaced(KAFKA.kafka(), Duration.ofSeconds(16));
        List<JobClient> legs = new ArrayList<>();

        legs.add(start(config, 1, null));
        String first = stopWithSavepointAfterSamples(legs.get(0), savepoints);
        legs.add(start(config, 2, first));
        String second = stopWithSavepointAfterSamples(legs.get(1), savepoints);
        legs.add(start(config, 1, second));
        feed.get(1, TimeUnit.MINUTES);
        long lastWindowEnd = EndOfStream.windowEnd(start + SPAN_MS - 1);
        EndOfStream.writeMarkers(KAFKA.kafka(), topic.name(), PARTITIONS, lastWindowEnd);
        Map<ExpectedAggregates.Sample, Double> expected = ExpectedAggregates.of(events, Pipelines.WINDOW_MS, models);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                WrittenAggregates.assertSameSamples(
                        WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), start, lastWindowEnd), expected,
                        "after rescaling 1 -> 2 -> 1"));
        legs.get(2).cancel().get(1, TimeUnit.MINUTES);

        assertRestoredFrom(legs.get(1), first);
        assertRestoredFrom(legs.get(2), second);
        for (JobClient leg : legs) {
            assertThat(FLINK.counter(leg.getJobID(), "prometheusSink", "numSamplesOut")).isPositive();
            assertThat(FLINK.counter(leg.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
        }
        assertThat(KAFKA.readAll(dlqTopic, 0, Duration.ofSeconds(2))).as("no late or invalid events").isEmpty();
    }

    private static JobClient start(PreProcessorConfig config, int parallelism, String savepoint)
            throws Exception {
        Configuration settings = new Configuration();
        if (savepoint != null) {
            settings.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = FLINK.environment(settings);
        env.setParallelism(parallelism);
        Pipelines.unboundedPreProcessor(env, config);
        return env.executeAsync("pre-processor at parallelism " + parallelism);
    }

    /** Lets the leg run until its sink has written samples and {@link #LEG} has passed, then stops it. */
    private static String stopWithSavepointAfterSamples(JobClient job, Path savepoints) throws Exception {
        await("the leg's first samples").pollDelay(LEG).atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesOut") > 0);
        return job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(1, TimeUnit.MINUTES);
    }

    private static void assertRestoredFrom(JobClient job, String savepoint) throws Exception {
        RestoredCheckpointStats restored = FLINK.cluster().getArchivedExecutionGraph(job.getJobID()).get()
                .getCheckpointStatsSnapshot().getLatestRestoredCheckpoint();
        assertThat(restored).as("restore of %s", job.getJobID()).isNotNull();
        assertThat(restored.getExternalPath()).isEqualTo(savepoint);
    }
}
