package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * State written with the first format of {@link TimeSeriesSerializer} (strings as Flink's {@code StringValue}, no
 * series hash; its snapshot was a {@code SimpleTypeSerializerSnapshot}, version 3, no content) must still restore.
 */
class TimeSeriesSerializerSnapshotTest {

    private static final String SNAPSHOT_CLASS = TimeSeriesSerializer.TimeSeriesSerializerSnapshot.class.getName();

    private final TimeSeries series = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V0000012345")
            .label("region", "São Paulo").sample(4356, 1_730_621_750_000L).sample(4400, 1_730_621_751_000L).build();

    @Test
    void shouldRestoreFormatOneStateWithTheOldReaderAndMigrateIt() throws IOException {
        TypeSerializerSnapshot<TimeSeries> old = readSnapshot(oldSnapshotBytes());

        TypeSerializerSchemaCompatibility<TimeSeries> compatibility =
                TimeSeriesSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(old);
        TypeSerializer<TimeSeries> oldReader = old.restoreSerializer();
        DataInputDeserializer state = new DataInputDeserializer(formatOneBytes(series));
        TimeSeries restored = oldReader.deserialize(state);

        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();
        assertThat(state.available()).isZero();
        assertThat(restored).isEqualTo(series);
        assertThat(restored.seriesHash()).isEqualTo(series.seriesHash());
        // Migration: Flink writes what the old reader read with the current serializer.
        DataOutputSerializer migrated = new DataOutputSerializer(64);
        TimeSeriesSerializer.INSTANCE.serialize(restored, migrated);
        assertThat(TimeSeriesSerializer.INSTANCE.deserialize(new DataInputDeserializer(migrated.getCopyOfBuffer())))
                .isEqualTo(series);
    }

    @Test
    void shouldReadAnUnpairedSurrogateOfFormatOneStateAsABuilderNowStoresIt() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringValue.writeString("m", out);
        out.writeInt(1);
        StringValue.writeString("a", out);
        StringValue.writeString("x\ud800", out);
        out.writeInt(1);
        out.writeDouble(1.0);
        out.writeLong(1_730_621_750_000L);
        TimeSeries built = TimeSeries.builder("m").label("a", "x\ud800").sample(1.0, 1_730_621_750_000L).build();

        TimeSeries restored =
                TimeSeriesFormat1Serializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        assertThat(restored.labelValue(0)).isEqualTo("x?");
        assertThat(restored).isEqualTo(built);
        assertThat(restored.seriesHash()).isEqualTo(built.seriesHash());
    }

    @Test
    void shouldWriteFormatOneExactlyAsTheFirstReleaseDid() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);

        TimeSeriesFormat1Serializer.INSTANCE.serialize(series, out);

        assertThat(out.getCopyOfBuffer()).isEqualTo(formatOneBytes(series));
        assertThat(writeSnapshot(TimeSeriesFormat1Serializer.INSTANCE.snapshotConfiguration()))
                .isEqualTo(oldSnapshotBytes());
    }

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

    /** What the first release's snapshot wrote: its class name, {@code SimpleTypeSerializerSnapshot}'s version 3. */
    private static byte[] oldSnapshotBytes() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeUTF(SNAPSHOT_CLASS);
        out.writeInt(3);
        return out.getCopyOfBuffer();
    }

    /** Format 1, written independently of the sink's classes, with Flink's own string writer. */
    private static byte[] formatOneBytes(TimeSeries series) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        StringValue.writeString(series.metricName(), out);
        out.writeInt(series.labelCount());
        for (int i = 0; i < series.labelCount(); i++) {
            StringValue.writeString(series.labelName(i), out);
            StringValue.writeString(series.labelValue(i), out);
        }
        out.writeInt(series.sampleCount());
        for (int i = 0; i < series.sampleCount(); i++) {
            out.writeDouble(series.value(i));
            out.writeLong(series.timestamp(i));
        }
        return out.getCopyOfBuffer();
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
