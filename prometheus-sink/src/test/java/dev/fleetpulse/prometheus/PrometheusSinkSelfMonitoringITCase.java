package dev.fleetpulse.prometheus;

import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.QuerySample;
import dev.fleetpulse.localstack.QuerySeries;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink writing its own health: every series there from the start, labelled with the configured labels and the
 * writer subtask; the final counts exact; counters that never go back, also across a failure and restore.
 */
class PrometheusSinkSelfMonitoringITCase {

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    /** Counters and gauges each writer subtask writes at the end of its input, after every sample of the job. */
    private static final int OWN_SERIES = 13;

    @Test
    void shouldWriteItsOwnSeriesWithTheFinalCountsOfEverySubtask() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_self_data", 20, 50);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .selfMonitoring("fp_it_self_", Map.of("job", "exact")).build();
        StreamExecutionEnvironment env = FLINK.environment(2);
        workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink).uid("prometheus-sink");

        JobID job = env.execute("self-monitoring").getJobID();

        long written = FLINK.counter(job, "prometheusSink", "numSamplesOut");
        assertThat(last("sum(last_over_time(fp_it_self_samples_written_total{job=\"exact\"}[1h]))"))
                .as("the final counts cover every sample but the final own ones").isEqualTo(written - 2 * OWN_SERIES);
        assertThat(written - 2 * OWN_SERIES).isGreaterThanOrEqualTo(workload.totalSamples());
        assertThat(PROMETHEUS.queryClient().query("count by (__name__) ({__name__=~\"fp_it_self_.+\","
                + "job=\"exact\",subtask=~\"0|1\"})")).extracting(s -> s.labels().get("__name__"))
                .containsExactlyInAnyOrder("fp_it_self_samples_written_total", "fp_it_self_samples_dropped_total",
                        "fp_it_self_samples_refused_total", "fp_it_self_write_requests_total",
                        "fp_it_self_write_retries_total", "fp_it_self_write_requests_failed_total",
                        "fp_it_self_sink_buffered_samples", "fp_it_self_sink_in_flight_requests",
                        "fp_it_self_sink_oldest_unsent_sample_age_seconds", "fp_it_self_sink_last_write_time_seconds");
        assertThat(last("sum(last_over_time(fp_it_self_samples_dropped_total{job=\"exact\"}[1h]))")).isZero();
        assertThat(last("min(last_over_time(fp_it_self_sink_last_write_time_seconds{job=\"exact\"}[1h]))"))
                .isPositive();
    }

    @Test
    void shouldNeverWriteACounterBelowAValueItWroteBeforeAFailure() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_self_restore", 40, 100);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .maxBatchSamples(100).maxBatchAge(Duration.ofMillis(50))
                .selfMonitoring("fp_it_self_", Map.of("job", "restore")).build();
        StreamExecutionEnvironment env = FLINK.environment(FailOnceAfterCheckpoint.restartingOnce());
        workload.stream(env, 1000)
                .map(new FailOnceAfterCheckpoint(1000)).setParallelism(1).uid("fail-once").name("Fail once")
                .keyBy(new TimeSeriesKeySelector()).sinkTo(sink).uid("prometheus-sink").name("Prometheus");

        env.execute("self-monitoring across a restore");

        List<QuerySeries> counters = PROMETHEUS.queryClient().rawSamples(
                "{__name__=~\"fp_it_self_.+_total\",job=\"restore\"}", Duration.ofMinutes(30));
        assertThat(counters).hasSize(2 * 9);
        for (QuerySeries counter : counters) {
            List<Double> values = counter.points().stream().map(QuerySeries.Point::value).toList();
            assertThat(values).as("%s", counter.labels()).isSortedAccordingTo(Double::compare);
        }
        assertThat(last("sum(last_over_time(fp_it_self_samples_refused_total{job=\"restore\","
                + "answer=\"out_of_order\"}[1h]))")).as("the replay after the restore").isPositive();
    }

    private static double last(String promql) {
        List<QuerySample> samples = PROMETHEUS.queryClient().query(promql);
        assertThat(samples).as(promql).hasSize(1);
        return samples.get(0).value();
    }
}
