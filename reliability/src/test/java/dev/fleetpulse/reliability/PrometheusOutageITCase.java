package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 3, a Prometheus outage: while a live fleet writes to Kafka and the pre-processor and the raw writer run,
 * Prometheus is stopped for 30 s and started again on the same data directory. Both jobs run without a restart
 * strategy, so any failure would fail them; they must retry through the outage, drain the backlog and finish, and
 * Prometheus must then hold exactly the oracle's aggregates and every raw event.
 */
class PrometheusOutageITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(4);

    /** Each job gets 2 of the cluster's slots, so they run side by side. */
    private static final int PARALLELISM = 2;
    private static final long SPAN_MS = Duration.ofSeconds(60).toMillis();
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void shouldDrainTheBacklogWithoutLossOrFailureWhenPrometheusIsDownForThirtySeconds() throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(20).toMillis()) / 1000 * 1000;
        List<VehicleEvent> events = TestFleet.events(3, "O", 200, 100, start, SPAN_MS);
        EventTopic topic = new EventTopic(KAFKA.newTopic(4), 4).add(events);
        String remoteWrite = PROMETHEUS.remoteWriteUrl();
        ModelTable models = ModelTable.forEvents(events);
        PreProcessorConfig aggregates = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic.name(),
                KAFKA.newTopic(1), remoteWrite, models);
        RawEventWriterConfig raw = Pipelines.rawWriterConfig(KAFKA.bootstrapServers(), topic.name(),
                KAFKA.newTopic(1), remoteWrite);
        StreamExecutionEnvironment preProcessorEnv = FLINK.environment(
                Pipelines.checkpointedJobThatMustNotFail(Duration.ofSeconds(2)));
        preProcessorEnv.setParallelism(PARALLELISM);
        Pipelines.preProcessor(preProcessorEnv, aggregates, topic.endOffsets());
        StreamExecutionEnvironment rawWriterEnv = FLINK.environment(
                Pipelines.checkpointedJobThatMustNotFail(Duration.ofSeconds(2)));
        rawWriterEnv.setParallelism(PARALLELISM);
        Pipelines.rawWriter(rawWriterEnv, raw, topic.endOffsets());

        CompletableFuture<Void> feed = topic.writePaced(KAFKA.kafka(), Duration.ofSeconds(20));
        JobClient preProcessor = preProcessorEnv.executeAsync("pre-processor through a Prometheus outage");
        JobClient rawWriter = rawWriterEnv.executeAsync("raw writer through a Prometheus outage");
        awaitFirstSamples(preProcessor.getJobID());
        awaitFirstSamples(rawWriter.getJobID());
        PROMETHEUS.prometheus().stop();
        long writtenBeforeOutage = samplesOut(rawWriter.getJobID());
        await("both jobs running through the outage").during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> !preProcessor.getJobStatus().get().isGloballyTerminalState()
                        && !rawWriter.getJobStatus().get().isGloballyTerminalState());
        PROMETHEUS.prometheus().start();
        preProcessor.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        rawWriter.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        feed.get(1, TimeUnit.MINUTES);

        WrittenAggregates.assertSameSamples(
                WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), start, start + SPAN_MS + Pipelines.WINDOW_MS),
                ExpectedAggregates.of(events, Pipelines.WINDOW_MS, models), "aggregates after a Prometheus outage");
        RawSamples.assertSame(RawSamples.written(PROMETHEUS.queryClient(), "O.*"), RawSamples.expected(events),
                "raw events after a Prometheus outage");
        assertThat(samplesOut(rawWriter.getJobID())).as("raw samples written after the outage")
                .isGreaterThan(writtenBeforeOutage);
        for (JobClient job : List.of(preProcessor, rawWriter)) {
            assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numWriteRequestsRetries"))
                    .as("retries through the outage").isPositive();
            assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
        }
    }

    private static long samplesOut(JobID job) {
        return FLINK.counter(job, "prometheusSink", "numSamplesOut");
    }

    private static void awaitFirstSamples(JobID job) {
        await("first samples of " + job).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> samplesOut(job) > 0);
    }
}
