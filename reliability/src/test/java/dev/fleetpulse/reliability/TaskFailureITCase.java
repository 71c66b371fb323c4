package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1, a task failure: the pre-processor checkpoints every second while a live fleet writes to Kafka; its sink
 * task fails mid-stream after it has written samples beyond the last completed checkpoint. The job restores from
 * that checkpoint, replays, and finishes; Prometheus then holds exactly the oracle's samples, and the replayed
 * samples it already had are counted as rejected out of order, not dropped.
 */
class TaskFailureITCase {

    private static final Logger LOG = LoggerFactory.getLogger(TaskFailureITCase.class);

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    private static final long SPAN_MS = Duration.ofSeconds(60).toMillis();

    @Test
    void shouldRestoreFromLastCheckpointAndWriteExactlyTheOracleSamplesWhenASinkTaskFailsMidStream()
            throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(20).toMillis()) / 1000 * 1000;
        List<VehicleEvent> events = TestFleet.events(1, "F", 300, 100, start, SPAN_MS);
        EventTopic topic = new EventTopic(KAFKA.newTopic(4), 4).add(events);
        String dlqTopic = KAFKA.newTopic(1);
        ModelTable models = ModelTable.forEvents(events);
        PreProcessorConfig config = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic.name(), dlqTopic,
                PROMETHEUS.remoteWriteUrl(), models);
        StreamExecutionEnvironment env = FLINK.environment(Pipelines.checkpointedJob(Duration.ofSeconds(1), 3));
        Pipelines.preProcessor(env, config, topic.endOffsets(),
                new FailOnceSink<>(config.prometheus().sink(), 2, 300));

        CompletableFuture<Void> feed = topic.writePaced(KAFKA.kafka(), Duration.ofSeconds(12));
        JobClient job = env.executeAsync("pre-processor with a task failure");
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        feed.get(1, TimeUnit.MINUTES);

        JobID id = job.getJobID();
        CheckpointStatsSnapshot checkpoints = FLINK.cluster().getArchivedExecutionGraph(id).get()
                .getCheckpointStatsSnapshot();
        assertThat(checkpoints.getCounts().getNumberOfRestoredCheckpoints()).as("restores").isEqualTo(1);
        assertThat(checkpoints.getLatestRestoredCheckpoint().getCheckpointId()).as("restored checkpoint").isPositive();
        WrittenAggregates.assertSameSamples(
                WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), start, start + SPAN_MS + Pipelines.WINDOW_MS),
                ExpectedAggregates.of(events, Pipelines.WINDOW_MS, models), "after a task failure and restore");
        LOG.info("Restored from checkpoint {}; samples written {}, replayed samples Prometheus already had {}",
                checkpoints.getLatestRestoredCheckpoint().getCheckpointId(),
                FLINK.counter(id, "prometheusSink", "numSamplesOut"),
                FLINK.counter(id, "prometheusSink", "numSamplesRejectedOutOfOrder"));
        assertThat(FLINK.counter(id, "prometheusSink", "numSamplesRejectedOutOfOrder"))
                .as("replayed samples Prometheus already had").isPositive();
        assertThat(FLINK.counter(id, "prometheusSink", "numSamplesDropped")).isZero();
        assertThat(KAFKA.readAll(dlqTopic, 0, Duration.ofSeconds(2))).as("no late or invalid events").isEmpty();
    }
}
