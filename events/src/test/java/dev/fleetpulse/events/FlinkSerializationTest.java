package dev.fleetpulse.events;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every event type that flows through Flink is serialized by Flink's own serializers, never by Kryo. */
class FlinkSerializationTest {

    private static final long T0 = 1_730_621_749_000L;

    @Test
    void shouldSerializeVehicleEventAsPojoWithGenericTypesDisabled() throws IOException {
        VehicleEvent event = new VehicleEvent(EventType.ELECTRIC_RPM, "V0000000042", Region.SOUTH_AFRICA, T0, -300);

        assertThat(roundTrip(VehicleEvent.class, event)).isEqualTo(event);
    }

    @Test
    void shouldSerializeBothShapesOfIncomingRecordWithGenericTypesDisabled() throws IOException {
        VehicleEvent event = new VehicleEvent(EventType.WARNINGS, "V1", Region.UK, T0, 3);
        DeadLetter letter = DeadLetter.rejected(RejectReason.MALFORMED_JSON, "expected a JSON object", null,
                new byte[]{1, 2, 3}, new KafkaOrigin("vehicle-events", 2, 77L), T0);

        assertThat(roundTrip(IncomingRecord.class, IncomingRecord.of(event))).isEqualTo(IncomingRecord.of(event));
        IncomingRecord copy = roundTrip(IncomingRecord.class, IncomingRecord.rejected(letter));
        assertThat(copy.event()).isNull();
        assertThat(copy.deadLetter().value()).containsExactly(1, 2, 3);
        assertThat(copy.deadLetter().key()).isNull();
        assertThat(copy.deadLetter()).usingRecursiveComparison().isEqualTo(letter);
    }

    @Test
    void shouldProveTheCheckIsRealByRejectingAClassThatNeedsKryo() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeInformation<Thread> generic = TypeInformation.of(Thread.class);

        assertThat(generic).isInstanceOf(GenericTypeInfo.class);
        assertThatThrownBy(() -> generic.createSerializer(config)).isInstanceOf(UnsupportedOperationException.class);
    }

    private static <T> T roundTrip(Class<T> type, T value) throws IOException {
        TypeInformation<T> info = TypeInformation.of(type);
        assertThat(info).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<T> serializer = info.createSerializer(config);

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
