package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.RecordedRequest;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import dev.fleetpulse.prometheus.PrometheusSink;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 6, rate limiting: Prometheus, behind the fault proxy, answers every write with 429 and
 * {@code Retry-After: 1} for the first 12 s of a run of the pre-processor and the raw writer with the sink's default
 * settings. The sinks fill their buffers and back-pressure the Kafka sources, then catch up when the limit lifts;
 * nothing is dropped, and Prometheus holds exactly the oracle's aggregates and every raw event.
 */
class PrometheusRateLimitITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(4);

    /** Each job gets 2 of the cluster's slots, so they run side by side. */
    private static final int PARALLELISM = 2;
    private static final long SPAN_MS = Duration.ofSeconds(60).toMillis();
    private static final Duration RATE_LIMITED = Duration.ofSeconds(12);

    @Test
    void shouldBackPressureThenCatchUpWithoutDroppingWhenPrometheusAnswers429ForAWhile() throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(20).toMillis()) / 1000 * 1000;
        // More raw samples than the raw writer's two sink subtasks may buffer, so its source must wait.
        List<VehicleEvent> events = TestFleet.events(6, "L", 300, 100, start, SPAN_MS);
        ModelTable models = ModelTable.forEvents(events);
        EventTopic topic = new EventTopic(KAFKA.newTopic(4), 4).add(events);
        topic.writeAll(KAFKA.kafka());

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            long limitedUntil = System.nanoTime() + RATE_LIMITED.toNanos();
            proxy.plan((number, request) -> System.nanoTime() < limitedUntil
                    ? Fault.tooManyRequests(Duration.ofSeconds(1)) : Fault.pass());
            String remoteWrite = proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl());
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

            JobClient preProcessor = preProcessorEnv.executeAsync("pre-processor against 429s");
            JobClient rawWriter = rawWriterEnv.executeAsync("raw writer against 429s");
            await("the raw writer's sink buffer full while every write is refused: the source is back-pressured")
                    .atMost(RATE_LIMITED).pollInterval(Duration.ofMillis(100))
                    // At least the limit: the sink's own health series go in without waiting for room.
                    .until(() -> mostBuffered(rawWriter.getJobID())
                            >= PrometheusSink.Builder.DEFAULT_MAX_BUFFERED_SAMPLES);
            assertThat(rawWriter.getJobStatus().get().isGloballyTerminalState())
                    .as("raw writer finished while every write was refused").isFalse();
            preProcessor.getJobExecutionResult().get(3, TimeUnit.MINUTES);
            rawWriter.getJobExecutionResult().get(3, TimeUnit.MINUTES);

            assertThat(proxy.requests()).extracting(RecordedRequest::status).contains(429, 204);
            WrittenAggregates.assertSameSamples(
                    WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), start, start + SPAN_MS + Pipelines.WINDOW_MS),
                    ExpectedAggregates.of(events, Pipelines.WINDOW_MS, models), "aggregates after 429s");
            RawSamples.assertSame(RawSamples.written(PROMETHEUS.queryClient(), "L.*"), RawSamples.expected(events),
                    "raw events after 429s");
            for (JobClient job : List.of(preProcessor, rawWriter)) {
                assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numWriteRequestsRetries"))
                        .as("retries of refused writes").isPositive();
                assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
            }
        }
    }

    /** The largest {@code bufferedSamples} of any sink subtask of the job right now. */
    private static long mostBuffered(JobID job) {
        return FLINK.gauge(job, "prometheusSink", "bufferedSamples").values().stream()
                .mapToLong(value -> ((Number) value).longValue()).max().orElse(0);
    }
}
