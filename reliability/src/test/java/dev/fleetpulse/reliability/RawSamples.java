package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.localstack.PrometheusQueryClient;
import dev.fleetpulse.localstack.QuerySeries;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The raw writer's oracle: one sample per event, {@code vehicle_<type>{vehicle_id, region}} = measurement at the
 * event time, computed from the events alone; and the same read back from Prometheus.
 *
 * <p>Of two readings of one series in the same millisecond Prometheus keeps the first and refuses the second as a
 * duplicate (the raw writer counts it as already written). The generator at parallelism 2 produces such pairs: two
 * datagen subtasks can tick the same vehicle in the same millisecond.
 */
final class RawSamples {

    private RawSamples() {
    }

    /** @param events in the order the raw writer reads them per vehicle (a vehicle's events share one partition) */
    static Map<String, Double> expected(Iterable<VehicleEvent> events) {
        Map<String, Double> expected = new TreeMap<>();
        for (VehicleEvent e : events) {
            String metric = switch (e.eventType()) {
                case IC_RPM -> "vehicle_ic_rpm";
                case ELECTRIC_RPM -> "vehicle_electric_rpm";
                case WARNINGS -> "vehicle_warnings";
            };
            expected.putIfAbsent(key(metric, e.vehicleId(), e.region().label(), e.timestamp()),
                    (double) e.measurement());
        }
        return expected;
    }

    /** Every stored raw sample of the vehicles whose id matches {@code vehicleIdRegex}. */
    static Map<String, Double> written(PrometheusQueryClient prometheus, String vehicleIdRegex) {
        Map<String, Double> found = new TreeMap<>();
        for (QuerySeries series : prometheus.rawSamples(
                "{__name__=~\"vehicle_.+\",vehicle_id=~\"" + vehicleIdRegex + "\"}", Duration.ofMinutes(59))) {
            if (!series.labels().keySet().equals(Set.of("__name__", "vehicle_id", "region"))) {
                throw new AssertionError("unexpected labels on " + series.labels());
            }
            for (QuerySeries.Point p : series.points()) {
                String key = key(series.label("__name__"), series.label("vehicle_id"), series.label("region"),
                        p.timestampMs());
                if (found.put(key, p.value()) != null) {
                    throw new AssertionError("two samples for " + key);
                }
            }
        }
        return found;
    }

    /** Fails unless {@code written} equals {@code expected}, naming the first few differences. */
    static void assertSame(Map<String, Double> written, Map<String, Double> expected, String what) {
        List<String> missingOrWrong = new ArrayList<>();
        expected.forEach((sample, value) -> {
            if (!value.equals(written.get(sample))) {
                missingOrWrong.add(sample + " expected " + value + " but was " + written.get(sample));
            }
        });
        List<String> unexpected = new ArrayList<>();
        written.keySet().stream().filter(s -> !expected.containsKey(s)).forEach(unexpected::add);
        if (!missingOrWrong.isEmpty() || !unexpected.isEmpty()) {
            throw new AssertionError(what + ": " + expected.size() + " raw samples expected, " + written.size()
                    + " written; " + missingOrWrong.size() + " missing or wrong "
                    + missingOrWrong.subList(0, Math.min(5, missingOrWrong.size())) + ", " + unexpected.size()
                    + " unexpected " + unexpected.subList(0, Math.min(5, unexpected.size())));
        }
    }

    private static String key(String metric, String vehicle, String region, long timestamp) {
        return metric + "{vehicle_id=" + vehicle + ",region=" + region + "}@" + timestamp;
    }
}
