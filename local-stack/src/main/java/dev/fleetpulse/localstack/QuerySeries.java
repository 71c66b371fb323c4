package dev.fleetpulse.localstack;

import java.util.List;
import java.util.Map;

/** One series of a range result: its labels (with {@code __name__}) and its points in time order. */
public record QuerySeries(Map<String, String> labels, List<Point> points) {

    public QuerySeries {
        labels = Map.copyOf(labels);
        points = List.copyOf(points);
    }

    public String label(String name) {
        return labels.get(name);
    }

    public record Point(long timestampMs, double value) {
    }
}
