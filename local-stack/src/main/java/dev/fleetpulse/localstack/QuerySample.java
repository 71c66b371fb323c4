package dev.fleetpulse.localstack;

import java.util.Map;

/** One element of an instant-query result: a series' labels (with {@code __name__}) and its value at a time. */
public record QuerySample(Map<String, String> labels, long timestampMs, double value) {

    public QuerySample {
        labels = Map.copyOf(labels);
    }

    public String label(String name) {
        return labels.get(name);
    }
}
