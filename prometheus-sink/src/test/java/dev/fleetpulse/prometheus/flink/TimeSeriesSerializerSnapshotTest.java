package dev.fleetpulse.prometheus.flink;

import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The snapshot that Flink keeps with state holding {@link TimeSeries}: it restores the current format as it is. */
class TimeSeriesSerializerSnapshotTest {

    private static final String SNAPSHOT_CLASS = TimeSeriesSerializer.TimeSeriesSerializerSnapshot.class.getName();

    @Test
    void shouldRestoreTheCurrentFormatAsIs() throws IOException {
        TypeSerializerSnapshot<TimeSeries> current =
                readSnapshot(writeSnapshot(TimeSeriesSerializer.INSTANCE.snapshotConfiguration()));

        assertThat(TimeSeriesSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(current)
                .isCompatibleAsIs()).isTrue();
        assertThat(current.restoreSerializer()).isSameAs(TimeSeriesSerializer.INSTANCE);
    }

    @Test
    void shouldRefuseASnapshotVersionItDoesNotKnow() {
        DataOutputSerializer out = new DataOutputSerializer(64);

        assertThatThrownBy(() -> {
            out.writeUTF(SNAPSHOT_CLASS);
            out.writeInt(5);
            readSnapshot(out.getCopyOfBuffer());
        }).isInstanceOf(IOException.class).hasMessageContaining("version 5");
    }

    private static byte[] writeSnapshot(TypeSerializerSnapshot<TimeSeries> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        return out.getCopyOfBuffer();
    }

    private static TypeSerializerSnapshot<TimeSeries> readSnapshot(byte[] bytes) throws IOException {
        return TypeSerializerSnapshot.readVersionedSnapshot(new DataInputDeserializer(bytes),
                TimeSeriesSerializerSnapshotTest.class.getClassLoader());
    }
}
