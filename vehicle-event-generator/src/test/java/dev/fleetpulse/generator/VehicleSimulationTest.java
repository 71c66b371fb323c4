package dev.fleetpulse.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.VehicleEvent;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The vehicle state machine in its keyed operator: state transitions, warning lights, restore, determinism. */
class VehicleSimulationTest {

    private static final long T0 = 1_730_621_749_000L;
    private static final long SEED = 42;
    private static final long VEHICLE_7 = 7;

    @Test
    void shouldStampEventWithVehicleIdSeededRegionAndProcessingTime() throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.01, 0.001);
        try (var harness = harness(simulator)) {
            harness.setProcessingTime(T0);

            harness.processElement(VEHICLE_7, 0);

            VehicleEvent event = harness.extractOutputValues().get(0);
            assertThat(event.vehicleId()).isEqualTo("V0000000007");
            assertThat(event.region()).isEqualTo(simulator.initialState(VEHICLE_7).region);
            assertThat(event.timestamp()).isEqualTo(T0);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void shouldStampEachVehiclesNthEventAtStartPlusNIntervalsWithASimulatedClockWhateverTheTaskClockSays()
            throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.01, 0.001);
        EventClock everySecondFromT0 = new EventClock.Simulated(T0, 1_000);
        OperatorSubtaskState checkpoint;
        try (var harness = harness(simulator, everySecondFromT0, null)) {
            harness.setProcessingTime(T0 + 3_600_000);
            for (long vehicle : List.of(VEHICLE_7, 8L, VEHICLE_7, VEHICLE_7, 8L)) {
                harness.processElement(vehicle, 0);
            }

            assertThat(harness.extractOutputValues()).extracting(VehicleEvent::vehicleId, VehicleEvent::timestamp)
                    .containsExactly(tuple("V0000000007", T0), tuple("V0000000008", T0),
                            tuple("V0000000007", T0 + 1_000), tuple("V0000000007", T0 + 2_000),
                            tuple("V0000000008", T0 + 1_000));
            checkpoint = harness.snapshot(1, 0);
        }
        try (var restored = harness(simulator, everySecondFromT0, checkpoint)) {
            restored.processElement(VEHICLE_7, 0);

            assertThat(restored.extractOutputValues()).extracting(VehicleEvent::timestamp).containsExactly(T0 + 3_000);
        }
    }

    @Test
    void shouldReportZeroRpmWhileStoppedAndNonZeroWhileMovingWhenMotionNeverChanges() throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.0, 0.0);
        long moving = firstVehicle(simulator, true);
        long stopped = firstVehicle(simulator, false);

        Map<Long, List<VehicleEvent>> events = run(simulator, List.of(moving, stopped), 500);

        assertThat(events.get(moving)).filteredOn(e -> e.eventType().isRpm())
                .isNotEmpty().allSatisfy(e -> assertThat(e.measurement()).isNotZero());
        assertThat(events.get(stopped)).filteredOn(e -> e.eventType().isRpm())
                .isNotEmpty().allSatisfy(e -> assertThat(e.measurement()).isZero());
    }

    @Test
    void shouldStartOrStopBeforeEveryEventWhenMotionChangeIsCertain() throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 1.0, 0.0);
        long vehicle = firstVehicle(simulator, false);
        VehicleState state = simulator.initialState(vehicle);

        List<Boolean> motion = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            simulator.next(vehicle, state, T0);
            motion.add(state.moving);
        }

        assertThat(motion).containsExactly(true, false, true, false, true, false);
    }

    @Test
    void shouldMoveWarningsByOneWithinZeroToFiveAndReachFiveWhenTheyChangeEveryEvent() {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.01, 1.0);
        VehicleState state = simulator.initialState(VEHICLE_7);
        int max = 0;
        for (int i = 0; i < 5_000; i++) {
            int before = state.warnings;
            simulator.next(VEHICLE_7, state, T0);
            assertThat(Math.abs(state.warnings - before)).isEqualTo(1);
            assertThat(state.warnings).isBetween(0, VehicleSimulator.MAX_WARNINGS);
            max = Math.max(max, state.warnings);
        }
        assertThat(max).isEqualTo(VehicleSimulator.MAX_WARNINGS);
    }

    @Test
    void shouldReportCurrentWarningCountInWarningsEvents() {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.01, 0.2);
        VehicleState state = simulator.initialState(VEHICLE_7);
        int warningEvents = 0;
        for (int i = 0; i < 2_000; i++) {
            VehicleEvent event = simulator.next(VEHICLE_7, state, T0);
            if (event.eventType() == EventType.WARNINGS) {
                warningEvents++;
                assertThat(event.measurement()).isEqualTo(state.warnings);
            }
        }
        assertThat(warningEvents).isBetween(150, 250);
    }

    @Test
    void shouldNeverStampEarlierThanPreviousEventWhenClockGoesBack() throws Exception {
        try (var harness = harness(new VehicleSimulator(SEED, 0.01, 0.001))) {
            harness.setProcessingTime(T0 + 1_000);
            harness.processElement(VEHICLE_7, 0);
            harness.setProcessingTime(T0);
            harness.processElement(VEHICLE_7, 0);

            assertThat(harness.extractOutputValues()).extracting(VehicleEvent::timestamp)
                    .containsExactly(T0 + 1_000, T0 + 1_000);
        }
    }

    @Test
    void shouldContinueEveryVehicleAfterRestoreExactlyAsWithoutRestart() throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.05, 0.05);
        List<Long> vehicles = List.of(0L, 1L, 2L, 3L);
        Map<Long, List<VehicleEvent>> uninterrupted = run(simulator, vehicles, 400);

        OperatorSubtaskState snapshot;
        List<VehicleEvent> before;
        try (var first = harness(simulator)) {
            first.setProcessingTime(T0);
            feed(first, vehicles, 150);
            snapshot = first.snapshot(1L, T0);
            before = first.extractOutputValues();
        }
        List<VehicleEvent> after;
        try (var second = harness(simulator, snapshot)) {
            second.setProcessingTime(T0);
            feed(second, vehicles, 250);
            after = second.extractOutputValues();
        }
        List<VehicleEvent> all = new ArrayList<>(before);
        all.addAll(after);

        assertThat(byVehicleIndex(byVehicle(all))).isEqualTo(uninterrupted);
    }

    @Test
    void shouldProduceSameEventsPerVehicleWhenVehiclesInterleaveDifferently() throws Exception {
        VehicleSimulator simulator = new VehicleSimulator(SEED, 0.05, 0.05);
        Map<Long, List<VehicleEvent>> roundRobin = run(simulator, List.of(0L, 1L, 2L), 300);
        Map<Long, List<VehicleEvent>> reversed = run(simulator, List.of(2L, 1L, 0L), 300);
        Map<Long, List<VehicleEvent>> otherSeed = run(new VehicleSimulator(SEED + 1, 0.05, 0.05), List.of(0L, 1L, 2L), 300);

        assertThat(reversed).isEqualTo(roundRobin);
        assertThat(otherSeed).isNotEqualTo(roundRobin);
    }

    @Test
    void shouldSerializeVehicleStateAsPojoWithoutKryo() throws Exception {
        assertThat(VehicleSimulation.STATE_TYPE).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<VehicleState> serializer = VehicleSimulation.STATE_TYPE.createSerializer(config);
        VehicleState state = new VehicleSimulator(SEED, 0.01, 0.001).initialState(VEHICLE_7);
        state.warnings = 3;
        state.eventCount = 99;

        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(state, out);

        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(state);
    }

    /** Each vehicle's events, all stamped T0, by vehicle index. */
    private static Map<Long, List<VehicleEvent>> run(VehicleSimulator simulator, List<Long> vehicles, int rounds)
            throws Exception {
        try (var harness = harness(simulator)) {
            harness.setProcessingTime(T0);
            feed(harness, vehicles, rounds);
            return byVehicleIndex(byVehicle(harness.extractOutputValues()));
        }
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<Long, Long, VehicleEvent> harness,
                             List<Long> vehicles, int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            for (long vehicle : vehicles) {
                harness.processElement(vehicle, 0);
            }
        }
    }

    private static Map<String, List<VehicleEvent>> byVehicle(List<VehicleEvent> events) {
        return events.stream().collect(Collectors.groupingBy(VehicleEvent::vehicleId, TreeMap::new, Collectors.toList()));
    }

    private static Map<Long, List<VehicleEvent>> byVehicleIndex(Map<String, List<VehicleEvent>> byId) {
        return byId.entrySet().stream().collect(Collectors.toMap(
                e -> Long.parseLong(e.getKey().substring(1)), Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    private static long firstVehicle(VehicleSimulator simulator, boolean moving) {
        long vehicle = 0;
        while (simulator.initialState(vehicle).moving != moving) {
            vehicle++;
        }
        return vehicle;
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, Long, VehicleEvent> harness(VehicleSimulator simulator)
            throws Exception {
        return harness(simulator, null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, Long, VehicleEvent> harness(
            VehicleSimulator simulator, OperatorSubtaskState restored) throws Exception {
        return harness(simulator, EventClock.PROCESSING_TIME, restored);
    }

    private static KeyedOneInputStreamOperatorTestHarness<Long, Long, VehicleEvent> harness(
            VehicleSimulator simulator, EventClock clock, OperatorSubtaskState restored) throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new VehicleSimulation(simulator, clock)), (Long v) -> v, Types.LONG);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        return harness;
    }
}
