package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalVictoriaMetricsExtension;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The same exact read-back against a second remote-write receiver, VictoriaMetrics. */
class VictoriaMetricsSinkITCase {

    @RegisterExtension
    static final LocalVictoriaMetricsExtension VICTORIA_METRICS = new LocalVictoriaMetricsExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldStoreEverySampleOfManySeriesExactlyInVictoriaMetrics() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_victoria", 60, 100);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(VICTORIA_METRICS.remoteWriteUrl())
                .maxBatchSamples(50).maxInFlightRequests(4).build();
        StreamExecutionEnvironment env = FLINK.environment();
        workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                .uid("prometheus-sink").name("VictoriaMetrics");

        JobID job = env.execute("prometheus-sink-victoria-metrics").getJobID();
        VICTORIA_METRICS.victoriaMetrics().forceFlush();

        assertThat(SampleWorkload.stored(VICTORIA_METRICS.queryClient().rawSamples(workload.selector(),
                Duration.ofMinutes(30)))).isEqualTo(workload.expected());
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isEqualTo(workload.totalSamples());
    }
}
