package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One sample dated 2090 moves a Prometheus 2.42 head block to 2090, after which it refuses every ordinary sample as
 * "out of bounds". The sink must never send it. This class has a Prometheus of its own: a failure here poisons it.
 */
class PrometheusSinkFutureSampleITCase {

    private static final Duration LOOKBACK = Duration.ofMinutes(30);
    private static final long YEAR_2090 = Instant.parse("2090-01-01T00:00:00Z").toEpochMilli();

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(1);

    @Test
    void shouldDropAndCountSamplesLaterThanNowPlusTheSkewSoThatOrdinarySamplesAreStillWritten() throws Exception {
        String metric = "fp_it_future_samples";
        long t0 = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        List<TimeSeries> input = new ArrayList<>();
        input.add(TimeSeries.builder(metric).label("series", "poison").sample(1, YEAR_2090).build());
        for (int j = 0; j < 10; j++) {
            input.add(TimeSeries.builder(metric).label("series", "ordinary").sample(j, t0 + j * 1000L).build());
        }
        // Of a series with an ordinary sample and a future one, the ordinary one is written.
        input.add(TimeSeries.builder(metric).label("series", "mixed").sample(7, t0).sample(8, YEAR_2090).build());
        // One sample per request, in input order: the future sample would reach Prometheus first.
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .maxBatchSamples(1).maxInFlightRequests(1).build();

        StreamExecutionEnvironment env = FLINK.environment(1);
        env.fromData(TimeSeriesTypeInfoFactory.TYPE_INFO, input.toArray(new TimeSeries[0]))
                .uid("input").name("Input")
                .keyBy(new TimeSeriesKeySelector()).sinkTo(sink).uid("prometheus-sink").name("Prometheus");
        JobID job = env.execute("prometheus-sink-future-samples").getJobID();

        List<String> ordinary = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            ordinary.add((t0 + j * 1000L) + "=" + (double) j);
        }
        Map<String, List<String>> stored = SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(metric,
                LOOKBACK));
        assertThat(stored).containsOnlyKeys("ordinary", "mixed");
        assertThat(stored.get("ordinary")).isEqualTo(ordinary);
        assertThat(stored.get("mixed")).containsExactly(t0 + "=7.0");
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesFutureDropped")).isEqualTo(2);
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isEqualTo(2);
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesNonRetryableDropped")).isZero();
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isEqualTo(11);
        assertThat(PROMETHEUS.queryClient().rawSamples(metric, Duration.ofMinutes(1),
                Instant.ofEpochMilli(YEAR_2090).plusSeconds(1))).as("samples stored for 2090").isEmpty();
    }
}
