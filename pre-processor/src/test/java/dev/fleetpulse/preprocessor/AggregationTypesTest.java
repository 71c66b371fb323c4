package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.Region;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static dev.fleetpulse.preprocessor.TestEvents.AURORA;
import static dev.fleetpulse.preprocessor.TestEvents.AURORA_1;
import static dev.fleetpulse.preprocessor.TestEvents.T0;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_5S;
import static org.assertj.core.api.Assertions.assertThat;

/** The types that cross the shuffle or live in state are Flink POJOs, and the shuffle key routes the same everywhere. */
class AggregationTypesTest {

    private static final AggregateKey KEY = new AggregateKey(AURORA, Region.NEW_ZEALAND, T0_PLUS_5S);

    @Test
    void shouldSerializePartialsWithoutKryo() throws IOException {
        VehicleWindowPartial partial = new VehicleWindowPartial(KEY, AURORA_1, new VehicleActivity(true, T0, 3));

        assertThat(roundTrip(VehicleWindowPartial.class, partial)).isEqualTo(partial);
    }

    @Test
    void shouldSerializeAggregatesWithoutKryo() throws IOException {
        WindowAggregate aggregate = new WindowAggregate(KEY, 12, 7);

        assertThat(roundTrip(WindowAggregate.class, aggregate)).isEqualTo(aggregate);
    }

    @Test
    void shouldSerializeStateValuesWithoutKryo() throws IOException {
        VehicleActivity idle = new VehicleActivity(false, VehicleActivity.NO_WARNING, 0);

        assertThat(roundTrip(VehicleActivity.class, idle)).isEqualTo(idle);
        VehicleActivityEntry entry = new VehicleActivityEntry(AURORA_1, new VehicleActivity(true, T0, 2));
        assertThat(roundTrip(VehicleActivityEntry.class, entry)).isEqualTo(entry);
    }

    @Test
    void shouldRouteTheKeyToTheSameKeyGroupInEveryJvm() {
        // A constant: an identity hash (as a record with an enum component would have) differs in every JVM run.
        int hashInEveryJvm = 1_016_508_556;

        assertThat(KEY.hashCode()).isEqualTo(hashInEveryJvm);
        assertThat(KeyGroupRangeAssignment.assignToKeyGroup(KEY, 128))
                .isEqualTo(KeyGroupRangeAssignment.computeKeyGroupForKeyHash(hashInEveryJvm, 128));
    }

    @Test
    void shouldRouteEveryWindowOfAModelAndRegionToTheSameKeyGroupSoItsSeriesLeaveInOrder() {
        AggregateKey nextWindow = new AggregateKey(AURORA, Region.NEW_ZEALAND, T0_PLUS_5S + 5_000);
        AggregateKey otherRegion = new AggregateKey(AURORA, Region.JAPAN, T0_PLUS_5S);

        assertThat(nextWindow).isNotEqualTo(KEY);
        assertThat(KeyGroupRangeAssignment.assignToKeyGroup(nextWindow, 128))
                .isEqualTo(KeyGroupRangeAssignment.assignToKeyGroup(KEY, 128));
        assertThat(otherRegion.hashCode()).isNotEqualTo(KEY.hashCode());
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
