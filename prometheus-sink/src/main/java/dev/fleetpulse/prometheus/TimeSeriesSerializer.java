package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * Flink serializer for {@link TimeSeries}: metric name, label count, label name/value pairs, sample count,
 * value/timestamp pairs. The series is immutable, so copies are free. Deserialized series skip validation:
 * only validated series were ever serialized.
 */
public final class TimeSeriesSerializer extends TypeSerializerSingleton<TimeSeries> {

    public static final TimeSeriesSerializer INSTANCE = new TimeSeriesSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public TimeSeries createInstance() {
        return null;
    }

    @Override
    public TimeSeries copy(TimeSeries from) {
        return from;
    }

    @Override
    public TimeSeries copy(TimeSeries from, TimeSeries reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TimeSeries series, DataOutputView out) throws IOException {
        LabelsIo.writeString(series.metricName(), out);
        LabelsIo.write(series.labelNamesArray(), series.labelValuesArray(), out);
        int samples = series.sampleCount();
        out.writeInt(samples);
        for (int i = 0; i < samples; i++) {
            out.writeDouble(series.value(i));
            out.writeLong(series.timestamp(i));
        }
    }

    @Override
    public TimeSeries deserialize(DataInputView in) throws IOException {
        String metricName = LabelsIo.readString(in);
        int labelCount = in.readInt();
        String[] names = new String[labelCount];
        String[] values = new String[labelCount];
        LabelsIo.read(names, values, in);
        int samples = in.readInt();
        double[] sampleValues = new double[samples];
        long[] timestamps = new long[samples];
        for (int i = 0; i < samples; i++) {
            sampleValues[i] = in.readDouble();
            timestamps[i] = in.readLong();
        }
        return new TimeSeries(metricName, names, values, sampleValues, timestamps);
    }

    @Override
    public TimeSeries deserialize(TimeSeries reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<TimeSeries> snapshotConfiguration() {
        return new TimeSeriesSerializerSnapshot();
    }

    /** Snapshot for state compatibility; the format has a single version so far. */
    public static final class TimeSeriesSerializerSnapshot extends SimpleTypeSerializerSnapshot<TimeSeries> {
        public TimeSeriesSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
