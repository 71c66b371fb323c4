package dev.fleetpulse.prometheus.flink;

import dev.fleetpulse.prometheus.model.SeriesKey;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/** Flink serializer for {@link SeriesKey}: metric name, label count, label name/value pairs. */
public final class SeriesKeySerializer extends ImmutableValueSerializer<SeriesKey> {

    public static final SeriesKeySerializer INSTANCE = new SeriesKeySerializer();

    @Override
    public void serialize(SeriesKey key, DataOutputView out) throws IOException {
        LabelsIo.writeString(key.metricName(), out);
        out.writeInt(key.labelCount());
        for (int i = 0; i < key.labelCount(); i++) {
            LabelsIo.writeString(key.labelName(i), out);
            LabelsIo.writeString(key.labelValue(i), out);
        }
    }

    @Override
    public SeriesKey deserialize(DataInputView in) throws IOException {
        String metricName = LabelsIo.readString(in);
        int labelCount = in.readInt();
        String[] names = new String[labelCount];
        String[] values = new String[labelCount];
        for (int i = 0; i < labelCount; i++) {
            names[i] = LabelsIo.readString(in);
            values[i] = LabelsIo.readString(in);
        }
        return SeriesKey.restore(metricName, names, values);
    }

    @Override
    public TypeSerializerSnapshot<SeriesKey> snapshotConfiguration() {
        return new SeriesKeySerializerSnapshot();
    }

    /** Snapshot for state compatibility; the format has a single version so far. */
    public static final class SeriesKeySerializerSnapshot extends SimpleTypeSerializerSnapshot<SeriesKey> {
        public SeriesKeySerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
