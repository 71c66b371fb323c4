package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Flink serializer for {@link TimeSeries}, format 2: series hash, metric name, label count, label name/value pairs,
 * sample count, value/timestamp pairs; strings as UTF-8 bytes after their length ({@link LabelsIo#writeUtf8}).
 *
 * <p>Every record a job sends to the sink crosses the {@code keyBy} in front of it, so this is on the hot path twice.
 * Strings go as byte arrays, copied in one call each way, instead of Flink's char-by-char varints; and the series
 * hash travels with the series, because the receiving task needs it at once (Flink keys every record it receives,
 * the writer picks a lane by it) and computing it again costs a multiply per character. The hash is therefore part
 * of the format: a change to {@link SeriesKey#hash} needs a new format version. A deserialized series also gets its
 * remote-write label fields ({@link RemoteWriteRequestEncoder#labelFields}) from the bytes just read, which the sink
 * would otherwise encode from the strings again. Deserialized series skip validation: only built, hence validated,
 * series were ever serialized.
 *
 * <p>The series is immutable, so copies are free. State written with format 1 is read by
 * {@link TimeSeriesFormat1Serializer} and migrated (see {@link TimeSeriesSerializerSnapshot}).
 */
public final class TimeSeriesSerializer extends ImmutableValueSerializer<TimeSeries> {

    public static final TimeSeriesSerializer INSTANCE = new TimeSeriesSerializer();

    @Override
    public void serialize(TimeSeries series, DataOutputView out) throws IOException {
        out.writeLong(series.seriesHash());
        LabelsIo.writeUtf8(series.metricName(), out);
        String[] names = series.labelNamesArray();
        String[] values = series.labelValuesArray();
        out.writeInt(names.length);
        for (int i = 0; i < names.length; i++) {
            LabelsIo.writeUtf8(names[i], out);
            LabelsIo.writeUtf8(values[i], out);
        }
        writeSamples(series, out);
    }

    @Override
    public TimeSeries deserialize(DataInputView in) throws IOException {
        long seriesHash = in.readLong();
        byte[] metricName = LabelsIo.readUtf8Bytes(in);
        int labelCount = in.readInt();
        String[] names = new String[labelCount];
        String[] values = new String[labelCount];
        byte[][] nameBytes = new byte[labelCount][];
        byte[][] valueBytes = new byte[labelCount][];
        for (int i = 0; i < labelCount; i++) {
            nameBytes[i] = LabelsIo.readUtf8Bytes(in);
            valueBytes[i] = LabelsIo.readUtf8Bytes(in);
            names[i] = new String(nameBytes[i], StandardCharsets.UTF_8);
            values[i] = new String(valueBytes[i], StandardCharsets.UTF_8);
        }
        TimeSeries series = readSamples(new String(metricName, StandardCharsets.UTF_8), names, values, seriesHash, in);
        // The sink encodes these fields next; the bytes are at hand now, so it need not encode the strings again.
        series.labelFields(RemoteWriteRequestEncoder.labelFields(metricName, names, nameBytes, valueBytes));
        return series;
    }

    /** The samples, the same in both formats: count, then value/timestamp pairs. */
    static void writeSamples(TimeSeries series, DataOutputView out) throws IOException {
        int samples = series.sampleCount();
        out.writeInt(samples);
        for (int i = 0; i < samples; i++) {
            out.writeDouble(series.value(i));
            out.writeLong(series.timestamp(i));
        }
    }

    /** Reads the samples and returns the series; a {@code seriesHash} of 0 means "not known, compute it". */
    static TimeSeries readSamples(String metricName, String[] names, String[] values, long seriesHash,
                                  DataInputView in) throws IOException {
        int samples = in.readInt();
        double[] sampleValues = new double[samples];
        long[] timestamps = new long[samples];
        for (int i = 0; i < samples; i++) {
            sampleValues[i] = in.readDouble();
            timestamps[i] = in.readLong();
        }
        return new TimeSeries(metricName, names, values, sampleValues, timestamps, seriesHash);
    }

    @Override
    public TypeSerializerSnapshot<TimeSeries> snapshotConfiguration() {
        return new TimeSeriesSerializerSnapshot();
    }

    /**
     * Snapshot for state compatibility. Its version is the format: {@value #FORMAT_1} is format 1, which Flink's
     * {@code SimpleTypeSerializerSnapshot} (this class's superclass then) wrote as its version 3 with no content;
     * {@value #FORMAT_2} is the current one. State in format 1 is restored with {@link TimeSeriesFormat1Serializer}
     * and migrated.
     */
    public static final class TimeSeriesSerializerSnapshot implements TypeSerializerSnapshot<TimeSeries> {

        static final int FORMAT_1 = 3;
        static final int FORMAT_2 = 4;

        private int format;

        /** For Flink, which creates snapshots reflectively and then calls {@link #readSnapshot}. */
        public TimeSeriesSerializerSnapshot() {
            this(FORMAT_2);
        }

        TimeSeriesSerializerSnapshot(int format) {
            this.format = format;
        }

        @Override
        public int getCurrentVersion() {
            return format;
        }

        @Override
        public void writeSnapshot(DataOutputView out) {
            // The version written before the snapshot says everything.
        }

        @Override
        public void readSnapshot(int readVersion, DataInputView in, ClassLoader userCodeClassLoader)
                throws IOException {
            if (readVersion != FORMAT_1 && readVersion != FORMAT_2) {
                throw new IOException("Unknown TimeSeries serializer snapshot version " + readVersion
                        + "; this version of the Prometheus sink reads versions " + FORMAT_1 + " and " + FORMAT_2);
            }
            format = readVersion;
        }

        @Override
        public TypeSerializer<TimeSeries> restoreSerializer() {
            return format == FORMAT_1 ? TimeSeriesFormat1Serializer.INSTANCE : INSTANCE;
        }

        @Override
        public TypeSerializerSchemaCompatibility<TimeSeries> resolveSchemaCompatibility(
                TypeSerializerSnapshot<TimeSeries> oldSerializerSnapshot) {
            if (!(oldSerializerSnapshot instanceof TimeSeriesSerializerSnapshot old)) {
                return TypeSerializerSchemaCompatibility.incompatible();
            }
            return old.format == format
                    ? TypeSerializerSchemaCompatibility.compatibleAsIs()
                    : TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
    }
}
