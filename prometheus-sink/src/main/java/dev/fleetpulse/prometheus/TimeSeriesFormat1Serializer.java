package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The first format of {@link TimeSeriesSerializer}, kept to read state written with it: metric name, label count,
 * label name/value pairs, sample count, value/timestamp pairs, strings in Flink's {@code StringValue} format, no
 * series hash. Flink gets it from {@link TimeSeriesSerializer.TimeSeriesSerializerSnapshot#restoreSerializer()} for
 * such state and migrates the state to the current format.
 */
final class TimeSeriesFormat1Serializer extends ImmutableValueSerializer<TimeSeries> {

    static final TimeSeriesFormat1Serializer INSTANCE = new TimeSeriesFormat1Serializer();

    private TimeSeriesFormat1Serializer() {
    }

    @Override
    public void serialize(TimeSeries series, DataOutputView out) throws IOException {
        LabelsIo.writeString(series.metricName(), out);
        LabelsIo.write(series.labelNamesArray(), series.labelValuesArray(), out);
        TimeSeriesSerializer.writeSamples(series, out);
    }

    @Override
    public TimeSeries deserialize(DataInputView in) throws IOException {
        String metricName = LabelsIo.readString(in);
        int labelCount = in.readInt();
        String[] names = new String[labelCount];
        String[] values = new String[labelCount];
        LabelsIo.read(names, values, in);
        // Format 1 kept unpaired surrogates, which builders now replace: read as a builder would have built it, so
        // the series equals a fresh one and its hash matches the text that format 2 writes.
        for (int i = 0; i < labelCount; i++) {
            values[i] = TimeSeries.withoutUnpairedSurrogates(values[i]);
        }
        return TimeSeriesSerializer.readSamples(metricName, names, values, 0L, in);
    }

    @Override
    public TypeSerializerSnapshot<TimeSeries> snapshotConfiguration() {
        return new TimeSeriesSerializer.TimeSeriesSerializerSnapshot(
                TimeSeriesSerializer.TimeSeriesSerializerSnapshot.FORMAT_1);
    }
}
