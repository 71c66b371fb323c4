package dev.fleetpulse.prometheus.flink;

import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Flink serializer for {@link TimeSeries}: series hash, metric name, label count, label name/value pairs, sample
 * count, value/timestamp pairs; strings as UTF-8 bytes after their length ({@link LabelsIo#writeUtf8}).
 *
 * <p>Every record a job sends to the sink crosses the {@code keyBy} in front of it, so this is on the hot path twice.
 * Strings go as byte arrays, copied in one call each way, instead of Flink's char-by-char varints; and the series
 * hash travels with the series, because the receiving task needs it at once (Flink keys every record it receives,
 * the writer picks a lane by it) and computing it again costs a multiply per character. The hash is therefore part
 * of the format: a change to {@code SeriesKey}'s hash needs a new format version. A deserialized series keeps the
 * UTF-8 bytes it was read from, which the sink writes as they are instead of encoding the strings again.
 * Deserialized series skip validation: only built, hence validated, series were ever serialized.
 *
 * <p>The series is immutable, so copies are free.
 */
public final class TimeSeriesSerializer extends ImmutableValueSerializer<TimeSeries> {

    public static final TimeSeriesSerializer INSTANCE = new TimeSeriesSerializer();

    @Override
    public void serialize(TimeSeries series, DataOutputView out) throws IOException {
        out.writeLong(series.seriesHash());
        LabelsIo.writeUtf8(series.metricNameUtf8(), out);
        int labels = series.labelCount();
        out.writeInt(labels);
        for (int i = 0; i < labels; i++) {
            LabelsIo.writeUtf8(series.labelNameUtf8(i), out);
            LabelsIo.writeUtf8(series.labelValueUtf8(i), out);
        }
        int samples = series.sampleCount();
        out.writeInt(samples);
        for (int i = 0; i < samples; i++) {
            out.writeDouble(series.value(i));
            out.writeLong(series.timestamp(i));
        }
    }

    @Override
    public TimeSeries deserialize(DataInputView in) throws IOException {
        long seriesHash = in.readLong();
        byte[] metricName = LabelsIo.readUtf8Bytes(in);
        int labelCount = in.readInt();
        String[] names = new String[labelCount];
        String[] values = new String[labelCount];
        byte[][] utf8 = new byte[1 + 2 * labelCount][];
        utf8[0] = metricName;
        for (int i = 0; i < labelCount; i++) {
            byte[] name = LabelsIo.readUtf8Bytes(in);
            byte[] value = LabelsIo.readUtf8Bytes(in);
            utf8[1 + 2 * i] = name;
            utf8[2 + 2 * i] = value;
            names[i] = new String(name, StandardCharsets.UTF_8);
            values[i] = new String(value, StandardCharsets.UTF_8);
        }
        int samples = in.readInt();
        double[] sampleValues = new double[samples];
        long[] timestamps = new long[samples];
        for (int i = 0; i < samples; i++) {
            sampleValues[i] = in.readDouble();
            timestamps[i] = in.readLong();
        }
        return TimeSeries.restore(new String(metricName, StandardCharsets.UTF_8), names, values, utf8, sampleValues,
                timestamps, seriesHash);
    }

    @Override
    public TypeSerializerSnapshot<TimeSeries> snapshotConfiguration() {
        return new TimeSeriesSerializerSnapshot();
    }

    /** Snapshot for state compatibility: its version ({@value #FORMAT}) is the format; others are refused. */
    public static final class TimeSeriesSerializerSnapshot implements TypeSerializerSnapshot<TimeSeries> {

        static final int FORMAT = 4;

        @Override
        public int getCurrentVersion() {
            return FORMAT;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version written before the snapshot says everything.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
                throws IOException {
            if (readVersion != FORMAT) {
                throw new IOException("Unknown TimeSeries serializer snapshot version " + readVersion
                        + "; this version of the Prometheus sink reads version " + FORMAT);
            }
        }

        @Override
        public TypeSerializer<TimeSeries> restoreSerializer() {
            return INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<TimeSeries> resolveSchemaCompatibility(
                TypeSerializerSnapshot<TimeSeries> oldSerializerSnapshot) {
            return oldSerializerSnapshot instanceof TimeSeriesSerializerSnapshot
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.incompatible();
        }
    }
}
