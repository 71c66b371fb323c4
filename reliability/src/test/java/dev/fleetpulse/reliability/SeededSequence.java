package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.generator.VehicleIds;
import dev.fleetpulse.generator.VehicleSimulator;
import dev.fleetpulse.generator.VehicleState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the generator must have written, event by event: each vehicle's readings are a pure function of the seed and
 * the number of events the vehicle sent before ({@link VehicleSimulator}). A lost or replayed event, or vehicle state
 * that did not survive a restore (motion, warning lights, event count), shifts or changes the sequence from that
 * point on; counting events per vehicle would not see it. Timestamps come from the wall clock and are only checked to
 * never go back.
 */
final class SeededSequence {

    private SeededSequence() {
    }

    /**
     * Fails unless every vehicle {@code 0 .. vehicles-1} has exactly {@code eventsPerVehicle} events and they are the
     * seeded sequence, in order.
     *
     * @param events as read from the topic, in partition and offset order (a vehicle's events share a partition)
     */
    static void assertFollowsTheSeed(List<VehicleEvent> events, VehicleSimulator simulator, int vehicles,
                                     int eventsPerVehicle) {
        Map<String, List<VehicleEvent>> byVehicle = new LinkedHashMap<>();
        events.forEach(e -> byVehicle.computeIfAbsent(e.vehicleId(), v -> new ArrayList<>()).add(e));
        List<String> problems = new ArrayList<>();
        if (byVehicle.size() != vehicles) {
            problems.add(byVehicle.size() + " vehicles in the topic, " + vehicles + " expected");
        }
        for (int v = 0; v < vehicles && problems.size() < 10; v++) {
            String id = VehicleIds.of(v);
            List<VehicleEvent> written = byVehicle.getOrDefault(id, List.of());
            if (written.size() != eventsPerVehicle) {
                problems.add(id + ": " + written.size() + " events, " + eventsPerVehicle + " expected");
                continue;
            }
            VehicleState state = simulator.initialState(v);
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < eventsPerVehicle; i++) {
                VehicleEvent expected = simulator.next(v, state, 0);
                VehicleEvent actual = written.get(i);
                if (actual.eventType() != expected.eventType() || actual.region() != expected.region()
                        || actual.measurement() != expected.measurement()) {
                    problems.add(id + " event " + i + ": " + actual + ", the seed says " + expected.eventType() + " "
                            + expected.region() + " " + expected.measurement());
                    break;
                }
                if (actual.timestamp() < previous) {
                    problems.add(id + " event " + i + ": time went back from " + previous + " to "
                            + actual.timestamp());
                    break;
                }
                previous = actual.timestamp();
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("the generator's events differ from its seeded sequence: " + problems);
        }
    }
}
