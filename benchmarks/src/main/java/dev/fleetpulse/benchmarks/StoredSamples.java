package dev.fleetpulse.benchmarks;

import dev.fleetpulse.localstack.LocalPrometheus;
import dev.fleetpulse.localstack.PrometheusQueryClient;

import java.time.Duration;

/** What a harness's Prometheus holds after a run, to check a run wrote what it should and to size it. */
final class StoredSamples {

    private StoredSamples() {
    }

    /** Samples of the given metrics stored in the last hour (one query per metric: names must stay apart). */
    static long samples(LocalPrometheus prometheus, String... metrics) {
        return samples(prometheus.queryClient(), Duration.ofHours(1), metrics);
    }

    /** Samples of the given metrics stored within {@code range} before now. */
    static long samples(PrometheusQueryClient prometheus, Duration range, String... metrics) {
        long total = 0;
        for (String metric : metrics) {
            total += sum(prometheus, "sum(count_over_time(" + metric + "[" + range.toSeconds() + "s]))");
        }
        return total;
    }

    /** Series of the given metrics with a sample in the last hour. */
    static long series(LocalPrometheus prometheus, String... metrics) {
        long total = 0;
        for (String metric : metrics) {
            total += sum(prometheus.queryClient(), "count(last_over_time(" + metric + "[1h]))");
        }
        return total;
    }

    private static long sum(PrometheusQueryClient prometheus, String promql) {
        return prometheus.query(promql).stream().mapToLong(s -> (long) s.value()).sum();
    }
}
