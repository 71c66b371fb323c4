package dev.fleetpulse.prometheus.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One Prometheus series (metric name plus labels) with one or more samples, the input of the sink.
 *
 * <p>Immutable (apart from two caches of values derived from its content). Labels are sorted by name and validated
 * when built, so the sink never sends a request that Prometheus would reject for its shape, and two equal series
 * always encode to the same bytes. Samples are kept in timestamp order (the builder sorts them, stably, if they were
 * added out of order).
 *
 * <p>Arrays instead of maps and lists: the raw-event writer builds one instance per event. Flink serializes it with
 * the sink's own serializer, never Kryo, when a stream of it is given the type information of the sink's
 * {@code flink} package.
 */
public final class TimeSeries {

    private static final VarHandle UTF8;

    static {
        try {
            UTF8 = MethodHandles.lookup().findVarHandle(TimeSeries.class, "utf8", byte[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String metricName;
    private final String[] labelNames;
    private final String[] labelValues;
    private final double[] values;
    private final long[] timestamps;
    /** Lazily computed; racy single-check is fine because the value is a pure function of immutable fields. */
    private long seriesHash;
    /**
     * The metric name, then each label's name and value, as UTF-8: what the wire format and the Flink serializer
     * write. Given by the deserializer (which read these bytes) or encoded on first use. Written with release and read
     * with acquire semantics, so that an instance shared by several subtasks (e.g. a constant emitted by chained
     * sources) never shows another thread the arrays before their bytes; on x86 both are plain moves.
     */
    private byte[][] utf8;

    private TimeSeries(String metricName, String[] labelNames, String[] labelValues, double[] values,
                       long[] timestamps, long seriesHash, byte[][] utf8) {
        this.metricName = metricName;
        this.labelNames = labelNames;
        this.labelValues = labelValues;
        this.values = values;
        this.timestamps = timestamps;
        this.seriesHash = seriesHash;
        this.utf8 = utf8;
    }

    public static Builder builder(String metricName) {
        return new Builder(metricName);
    }

    /**
     * A series as a deserializer read it back: skips the builder's validation and sorting, which the series passed
     * when it was built, and takes the arrays as they are (the series owns them from now on).
     *
     * @param utf8 the metric name, then each label's name and value, as UTF-8
     * @param seriesHash the {@link #seriesHash()} written with the series
     */
    public static TimeSeries restore(String metricName, String[] labelNames, String[] labelValues, byte[][] utf8,
                                     double[] values, long[] timestamps, long seriesHash) {
        return new TimeSeries(metricName, labelNames, labelValues, values, timestamps, seriesHash, utf8);
    }

    public String metricName() {
        return metricName;
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

    /** The labels as a new map in name order (convenience for tests and logs, not for hot paths). */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < labelNames.length; i++) {
            labels.put(labelNames[i], labelValues[i]);
        }
        return labels;
    }

    public int sampleCount() {
        return values.length;
    }

    public double value(int i) {
        return values[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    /** The series identity (metric name and labels) without the samples, as a typed key. */
    public SeriesKey seriesKey() {
        return new SeriesKey(metricName, labelNames, labelValues, seriesHash());
    }

    /**
     * A 64-bit hash of metric name and labels, identical in every JVM (it only depends on the characters), so
     * lane assignment and key routing are stable across restarts.
     */
    public long seriesHash() {
        long h = seriesHash;
        if (h == 0) {
            h = SeriesKey.hash(metricName, labelNames, labelValues);
            seriesHash = h;
        }
        return h;
    }

    /** The metric name as UTF-8. The array is the series' own: do not modify it. */
    public byte[] metricNameUtf8() {
        return utf8()[0];
    }

    /** Name of the i-th label as UTF-8. The array is the series' own: do not modify it. */
    public byte[] labelNameUtf8(int i) {
        return utf8()[1 + 2 * i];
    }

    /** Value of the i-th label as UTF-8. The array is the series' own: do not modify it. */
    public byte[] labelValueUtf8(int i) {
        return utf8()[2 + 2 * i];
    }

    /**
     * {@code String.getBytes(UTF_8)} writes an unpaired surrogate as '?', which is also what a built series holds in
     * its place, so these bytes are exactly the series' text.
     */
    private byte[][] utf8() {
        byte[][] text = (byte[][]) UTF8.getAcquire(this);
        if (text == null) {
            text = new byte[1 + 2 * labelNames.length][];
            text[0] = metricName.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < labelNames.length; i++) {
                text[1 + 2 * i] = labelNames[i].getBytes(StandardCharsets.UTF_8);
                text[2 + 2 * i] = labelValues[i].getBytes(StandardCharsets.UTF_8);
            }
            UTF8.setRelease(this, text);
        }
        return text;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TimeSeries other)) {
            return false;
        }
        return metricName.equals(other.metricName)
                && Arrays.equals(labelNames, other.labelNames)
                && Arrays.equals(labelValues, other.labelValues)
                && Arrays.equals(timestamps, other.timestamps)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(seriesHash()) + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        SeriesKey.appendSeries(sb, metricName, labelNames, labelValues);
        sb.append(' ');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(values[i]).append(" @").append(timestamps[i]);
        }
        return sb.toString();
    }

    /**
     * Collects labels and samples; {@link #build()} validates, sorts and returns the immutable series. Not
     * reusable after {@code build()}. Sized for the common case (a few labels, one sample) so building one series
     * per event allocates little beyond the arrays the series keeps.
     */
    public static final class Builder {
        private final String metricName;
        private String[] names = new String[4];
        private String[] labelVals = new String[4];
        private int labelCount;
        private double[] vals = new double[1];
        private long[] times = new long[1];
        private int sampleCount;
        private boolean samplesSorted = true;

        private Builder(String metricName) {
            this.metricName = metricName;
        }

        /**
         * Adds a label; an empty value means "no label" in Prometheus, so it is dropped. Prometheus takes label
         * values as UTF-8, in which an unpaired surrogate has no form: each becomes '?', as {@code
         * String.getBytes(UTF_8)} would write it, so the series holds exactly the text that is sent.
         */
        public Builder label(String name, String value) {
            if (value == null) {
                throw new IllegalArgumentException(
                        "Label '" + name + "' of series '" + metricName + "' has a null value; use an empty value"
                                + " (dropped) or leave the label out");
            }
            if (value.isEmpty()) {
                return this;
            }
            if (labelCount == names.length) {
                names = Arrays.copyOf(names, labelCount * 2);
                labelVals = Arrays.copyOf(labelVals, labelCount * 2);
            }
            names[labelCount] = name;
            labelVals[labelCount] = withoutUnpairedSurrogates(value);
            labelCount++;
            return this;
        }

        public Builder sample(double value, long timestampMillis) {
            if (sampleCount == vals.length) {
                vals = Arrays.copyOf(vals, sampleCount * 2);
                times = Arrays.copyOf(times, sampleCount * 2);
            }
            if (sampleCount > 0 && timestampMillis < times[sampleCount - 1]) {
                samplesSorted = false;
            }
            vals[sampleCount] = value;
            times[sampleCount] = timestampMillis;
            sampleCount++;
            return this;
        }

        public TimeSeries build() {
            if (!isValidMetricName(metricName)) {
                throw new IllegalArgumentException("Invalid metric name '" + metricName
                        + "': it must match [a-zA-Z_:][a-zA-Z0-9_:]*");
            }
            if (sampleCount == 0) {
                throw new IllegalArgumentException("Series '" + metricName + "' has no samples; add at least one");
            }
            for (int i = 0; i < labelCount; i++) {
                String name = names[i];
                if ("__name__".equals(name)) {
                    throw new IllegalArgumentException("Series '" + metricName
                            + "' sets the label __name__; the metric name is given to TimeSeries.builder(name)");
                }
                if (!isValidLabelName(name)) {
                    throw new IllegalArgumentException("Invalid label name '" + name + "' on series '"
                            + metricName + "': it must match [a-zA-Z_][a-zA-Z0-9_]*");
                }
            }
            sortLabels();
            for (int i = 1; i < labelCount; i++) {
                if (names[i].equals(names[i - 1])) {
                    throw new IllegalArgumentException("Series '" + metricName + "' has the label '" + names[i]
                            + "' twice (values '" + labelVals[i - 1] + "' and '" + labelVals[i] + "')");
                }
            }
            if (!samplesSorted) {
                sortSamples();
            }
            String[] finalNames = labelCount == names.length ? names : Arrays.copyOf(names, labelCount);
            String[] finalValues = labelCount == labelVals.length ? labelVals : Arrays.copyOf(labelVals, labelCount);
            double[] finalVals = sampleCount == vals.length ? vals : Arrays.copyOf(vals, sampleCount);
            long[] finalTimes = sampleCount == times.length ? times : Arrays.copyOf(times, sampleCount);
            return new TimeSeries(metricName, finalNames, finalValues, finalVals, finalTimes, 0, null);
        }

        /** Insertion sort: series carry a handful of labels, and they usually arrive sorted already. */
        private void sortLabels() {
            for (int i = 1; i < labelCount; i++) {
                String name = names[i];
                String value = labelVals[i];
                int j = i - 1;
                while (j >= 0 && names[j].compareTo(name) > 0) {
                    names[j + 1] = names[j];
                    labelVals[j + 1] = labelVals[j];
                    j--;
                }
                names[j + 1] = name;
                labelVals[j + 1] = value;
            }
        }

        /** Stable insertion sort by timestamp: samples with equal timestamps keep the order they were added in. */
        private void sortSamples() {
            for (int i = 1; i < sampleCount; i++) {
                double value = vals[i];
                long time = times[i];
                int j = i - 1;
                while (j >= 0 && times[j] > time) {
                    vals[j + 1] = vals[j];
                    times[j + 1] = times[j];
                    j--;
                }
                vals[j + 1] = value;
                times[j + 1] = time;
            }
        }
    }

    /** The value with each unpaired surrogate replaced by '?', as {@link Builder#label} stores it. */
    private static String withoutUnpairedSurrogates(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isSurrogate(value.charAt(i))) {
                // Rare: let the JDK's encoder find the unpaired ones (a pair stays a pair).
                return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    private static boolean isValidMetricName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isValidLabelName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
