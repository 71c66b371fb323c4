package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A job that dies after a checkpoint and is restored from it: nothing missing, replays counted as out of order. */
class PrometheusSinkCheckpointITCase {

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldWriteEverySampleAfterRestoreAndCountReplaysAsRejectedOutOfOrder() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_restore", 40, 100);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .maxBatchSamples(100).maxBatchAge(Duration.ofMillis(50)).build();
        StreamExecutionEnvironment env = FLINK.environment(FailOnceAfterCheckpoint.restartingOnce());
        workload.stream(env, 1000)
                .map(new FailOnceAfterCheckpoint(1000)).setParallelism(1).uid("fail-once").name("Fail once")
                .keyBy(new TimeSeriesKeySelector()).sinkTo(sink).uid("prometheus-sink").name("Prometheus");

        JobID job = env.execute("prometheus-sink-restore").getJobID();

        assertThat(SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(workload.selector(),
                Duration.ofMinutes(30)))).isEqualTo(workload.expected());
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesRejectedOutOfOrder")).isPositive();
        // A replay brings the same values: none is refused as another value for a stored timestamp.
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesRejectedDuplicate")).isZero();
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isZero();
    }
}
