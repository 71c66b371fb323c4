package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Prometheus goes away in the middle of a stream, after the sink has written its first samples, and stays away
 * until the sink has been unable to write for 20 seconds; then it comes back on the same data.
 */
class PrometheusSinkOutageITCase {

    private static final long OUTAGE_MS = 20_000;

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldLoseNothingWhenPrometheusIsDownForTwentySecondsMidStream() throws Exception {
        // 3000 samples at 100/s: the stream runs about 30 s, and the outage takes 20 s of it.
        SampleWorkload workload = SampleWorkload.of("fp_it_outage", 20, 150);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .maxBatchSamples(100).maxBufferedSamples(1000).maxBatchAge(Duration.ofMillis(200))
                .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(2)).build();
        StreamExecutionEnvironment env = FLINK.environment();
        workload.stream(env, 100).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                .uid("prometheus-sink").name("Prometheus");

        JobClient job = env.executeAsync("prometheus-sink-outage");
        await("first samples written").atMost(Duration.ofMinutes(1))
                .until(() -> FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesOut") > 0);
        long writtenBeforeOutage = FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesOut");
        PROMETHEUS.prometheus().stop();
        // The outage lasts until a subtask holds a sample it has failed to write for 20 s.
        await("a sample unsent for " + OUTAGE_MS + " ms").atMost(Duration.ofMinutes(1))
                .until(() -> FLINK.gauge(job.getJobID(), "prometheusSink", "oldestUnsentSampleAgeMs").values()
                        .stream().anyMatch(age -> (Long) age >= OUTAGE_MS));
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job ended during the outage").isFalse();
        PROMETHEUS.prometheus().start();
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        assertThat(writtenBeforeOutage).isLessThan(workload.totalSamples());
        assertThat(SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(workload.selector(),
                Duration.ofMinutes(30)))).isEqualTo(workload.expected());
        assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesOut")).isEqualTo(workload.totalSamples());
        assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
        assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numWriteRequestsRetries")).isPositive();
    }
}
