package dev.fleetpulse.preprocessor.testkit;

import dev.fleetpulse.localstack.PrometheusQueryClient;
import dev.fleetpulse.localstack.QuerySeries;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Reads the aggregates back from Prometheus in the oracle's form and compares them with {@link ExpectedAggregates}. */
public final class WrittenAggregates {

    private WrittenAggregates() {
    }

    /** Every stored sample of both metrics with a timestamp in [from, to], as (metric, model, region, time) -> value. */
    public static Map<ExpectedAggregates.Sample, Double> samplesIn(PrometheusQueryClient prometheus, long from,
                                                                   long to) {
        Map<ExpectedAggregates.Sample, Double> found = new TreeMap<>();
        for (QuerySeries series : prometheus.rawSamples("{__name__=~\"vehicles_in_motion|warnings\"}",
                Duration.ofMinutes(59))) {
            assertOnlyLabels(series);
            for (QuerySeries.Point p : series.points()) {
                if (p.timestampMs() >= from && p.timestampMs() <= to) {
                    ExpectedAggregates.Sample key = new ExpectedAggregates.Sample(series.label("__name__"),
                            series.label("model"), series.label("region"), p.timestampMs());
                    if (found.put(key, p.value()) != null) {
                        throw new AssertionError("two samples for " + key);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Fails unless {@code written} equals {@code expected} exactly, naming the first few missing, unexpected and
     * wrong samples (a plain map comparison would print tens of thousands of entries).
     */
    public static void assertSameSamples(Map<ExpectedAggregates.Sample, Double> written,
                                         Map<ExpectedAggregates.Sample, Double> expected, String what) {
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        expected.forEach((sample, value) -> {
            Double actual = written.get(sample);
            if (actual == null) {
                missing.add(sample + "=" + value);
            } else if (!actual.equals(value)) {
                wrong.add(sample + " expected " + value + " but was " + actual);
            }
        });
        List<String> unexpected = new ArrayList<>();
        written.forEach((sample, value) -> {
            if (!expected.containsKey(sample)) {
                unexpected.add(sample + "=" + value);
            }
        });
        if (!missing.isEmpty() || !wrong.isEmpty() || !unexpected.isEmpty()) {
            throw new AssertionError(what + ": " + expected.size() + " samples expected, " + written.size()
                    + " written; " + missing.size() + " missing " + first(missing) + ", " + wrong.size()
                    + " wrong " + first(wrong) + ", " + unexpected.size() + " unexpected " + first(unexpected));
        }
    }

    private static List<String> first(List<String> items) {
        return items.subList(0, Math.min(5, items.size()));
    }

    private static void assertOnlyLabels(QuerySeries series) {
        if (!series.labels().keySet().equals(Set.of("__name__", "model", "region"))) {
            throw new AssertionError("unexpected labels on " + series.labels());
        }
    }
}
