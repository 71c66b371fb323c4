package dev.fleetpulse.prometheus;

import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Prometheus goes away for 20 seconds in the middle of a stream and comes back on the same data. */
class PrometheusSinkOutageITCase {

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldLoseNothingWhenPrometheusIsDownForTwentySecondsMidStream() throws Exception {
        // 3000 samples at 100/s: the stream runs about 30 s, the outage is seconds 3 to 23 of it.
        SampleWorkload workload = SampleWorkload.of("fp_it_outage", 20, 150);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .maxBatchSamples(100).maxBufferedSamples(1000).maxBatchAge(Duration.ofMillis(200))
                .initialBackoff(Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(2)).build();
        StreamExecutionEnvironment env = FLINK.environment();
        workload.stream(env, 100).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                .uid("prometheus-sink").name("Prometheus");

        JobClient job = env.executeAsync("prometheus-sink-outage");
        Thread.sleep(3_000);
        PROMETHEUS.prometheus().stop();
        Thread.sleep(20_000);
        PROMETHEUS.prometheus().start();
        job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

        assertThat(SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(workload.selector(),
                Duration.ofMinutes(30)))).isEqualTo(workload.expected());
        assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesOut")).isEqualTo(workload.totalSamples());
        assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
        assertThat(FLINK.counter(job.getJobID(), "prometheusSink", "numWriteRequestsRetries")).isPositive();
    }
}
