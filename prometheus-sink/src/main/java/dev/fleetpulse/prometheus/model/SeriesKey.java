package dev.fleetpulse.prometheus.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The identity of a series: metric name plus its sorted labels. The key by which a job keys its series before the
 * sink, so that every series is written by one sink subtask, in order. Immutable; equality is by content and the
 * hash code only depends on the characters, so keys route to the same key group in every JVM.
 */
public final class SeriesKey {

    private final String metricName;
    private final String[] labelNames;
    private final String[] labelValues;
    private final long hash;

    /** Shares the (never mutated) label arrays of the series it came from: no copy per keyed record. */
    SeriesKey(String metricName, String[] labelNames, String[] labelValues, long hash) {
        this.metricName = metricName;
        this.labelNames = labelNames;
        this.labelValues = labelValues;
        this.hash = hash;
    }

    /** A key as a deserializer read it back: the labels are sorted already, and the key owns the arrays. */
    public static SeriesKey restore(String metricName, String[] labelNames, String[] labelValues) {
        return new SeriesKey(metricName, labelNames, labelValues, hash(metricName, labelNames, labelValues));
    }

    public String metricName() {
        return metricName;
    }

    /** The labels as a new map in name order. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < labelNames.length; i++) {
            labels.put(labelNames[i], labelValues[i]);
        }
        return labels;
    }

    public int labelCount() {
        return labelNames.length;
    }

    /** Name of the i-th label, in ascending name order. */
    public String labelName(int i) {
        return labelNames[i];
    }

    public String labelValue(int i) {
        return labelValues[i];
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof SeriesKey other
                && hash == other.hash
                && metricName.equals(other.metricName)
                && Arrays.equals(labelNames, other.labelNames)
                && Arrays.equals(labelValues, other.labelValues);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hash);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        appendSeries(sb, metricName, labelNames, labelValues);
        return sb.toString();
    }

    /**
     * FNV-1a style 64-bit hash over every string, each preceded by its length so that ("ab","c") and ("a","bc")
     * differ without a separator character that could also occur in a label value.
     */
    static long hash(String metricName, String[] labelNames, String[] labelValues) {
        long h = 0xcbf29ce484222325L;
        h = mix(h, metricName);
        for (int i = 0; i < labelNames.length; i++) {
            h = mix(h, labelNames[i]);
            h = mix(h, labelValues[i]);
        }
        return h;
    }

    private static long mix(long h, String s) {
        int n = s.length();
        h = (h ^ n) * 0x100000001b3L;
        for (int i = 0; i < n; i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** Prometheus text notation, e.g. {@code vehicles_in_motion{model="X",region="UK"}}. */
    static void appendSeries(StringBuilder sb, String metricName, String[] labelNames, String[] labelValues) {
        sb.append(metricName).append('{');
        for (int i = 0; i < labelNames.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(labelNames[i]).append("=\"").append(labelValues[i]).append('"');
        }
        sb.append('}');
    }
}
