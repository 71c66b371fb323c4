package dev.fleetpulse.demo;

import dev.fleetpulse.localstack.PrometheusQueryClient;
import dev.fleetpulse.localstack.QuerySample;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's terminal view: the latest aggregates as Prometheus holds them, by model and for the busiest regions,
 * with the pipeline's own counters. Everything shown is read back through the query API, so what the table says is
 * what a dashboard would show.
 */
final class SummaryTable {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int TOP_REGIONS = 8;
    /** Flink's Prometheus reporter replaces the dash of the job name: the label reads {@code pre_processor}. */
    private static final String PRE_PROCESSOR = "job_name=\"pre_processor\"";

    private final PrometheusQueryClient prometheus;

    SummaryTable(PrometheusQueryClient prometheus) {
        this.prometheus = prometheus;
    }

    String render() {
        Map<String, double[]> byModel = pairs("model");
        Map<String, double[]> byRegion = pairs("region");
        if (byModel.isEmpty()) {
            return "[" + now() + "] waiting for the first window to close...\n";
        }
        List<Map.Entry<String, double[]>> regions = new ArrayList<>(byRegion.entrySet());
        regions.sort(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0])
                .thenComparing(Map.Entry::getKey));
        double moving = byModel.values().stream().mapToDouble(v -> v[0]).sum();
        double lights = byModel.values().stream().mapToDouble(v -> v[1]).sum();

        StringBuilder sb = new StringBuilder();
        sb.append(String.format("── %s ── window ending %s ── %.0f vehicles in motion, %.0f warning lights on ── "
                        + "raw series %.0f ── events in %.0f, dead letters %.0f%n",
                now(), windowEnd(), moving, lights, scalar("count({__name__=~\"vehicle_.+\"})"),
                scalar("sum(flink_taskmanager_job_task_operator_vehicleEventsIn{" + PRE_PROCESSOR + "})"),
                scalar("sum(flink_taskmanager_job_task_operator_invalidRecords{" + PRE_PROCESSOR + "})")
                        + scalar("sum(flink_taskmanager_job_task_operator_lateEvents{" + PRE_PROCESSOR + "})")));
        sb.append(String.format("%-12s %9s %9s    %-14s %9s %9s%n",
                "model", "in motion", "warnings", "region", "in motion", "warnings"));
        List<Map.Entry<String, double[]>> models = new ArrayList<>(byModel.entrySet());
        int rows = Math.max(models.size(), Math.min(TOP_REGIONS, regions.size()));
        for (int i = 0; i < rows; i++) {
            String left = i < models.size() ? String.format("%-12s %9.0f %9.0f", models.get(i).getKey(),
                    models.get(i).getValue()[0], models.get(i).getValue()[1]) : " ".repeat(32);
            String right = i < Math.min(TOP_REGIONS, regions.size()) ? String.format("%-14s %9.0f %9.0f",
                    regions.get(i).getKey(), regions.get(i).getValue()[0], regions.get(i).getValue()[1]) : "";
            sb.append(left).append("    ").append(right).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** label value -> {vehicles in motion, warnings}, summed over the other label, latest window of each series. */
    private Map<String, double[]> pairs(String label) {
        Map<String, double[]> result = new TreeMap<>();
        for (QuerySample s : prometheus.query("sum by (" + label + ") (vehicles_in_motion)")) {
            result.computeIfAbsent(s.label(label), k -> new double[2])[0] = s.value();
        }
        for (QuerySample s : prometheus.query("sum by (" + label + ") (warnings)")) {
            result.computeIfAbsent(s.label(label), k -> new double[2])[1] = s.value();
        }
        return result;
    }

    private double scalar(String promql) {
        List<QuerySample> samples = prometheus.query(promql);
        return samples.isEmpty() ? 0 : samples.get(0).value();
    }

    private String windowEnd() {
        double seconds = scalar("max(timestamp(vehicles_in_motion))");
        return seconds == 0 ? "-" : CLOCK.format(LocalTime.ofInstant(
                Instant.ofEpochMilli((long) (seconds * 1000)), ZoneId.systemDefault()));
    }

    private static String now() {
        return CLOCK.format(LocalTime.now());
    }
}
