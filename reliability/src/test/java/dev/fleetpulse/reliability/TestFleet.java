package dev.fleetpulse.reliability;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * A seeded fleet's events over a span of event time, in the order a Kafka topic would receive them: every vehicle
 * reports in order, but vehicles lag behind each other by up to {@link #MAX_LAG_MS} (slow uplinks), so the topic is
 * out of order across vehicles within the pre-processor's default bound of 2 s and no event is late.
 *
 * <p>Each vehicle's readings are at distinct milliseconds, so the raw writer's one-sample-per-event oracle holds
 * (two readings of one series in the same millisecond keep only the first in Prometheus).
 */
final class TestFleet {

    static final long MAX_LAG_MS = 1_500;

    private TestFleet() {
    }

    /**
     * @param idPrefix a letter that keeps this fleet's vehicles apart from other tests' in a shared Prometheus
     * @param start first event time (epoch ms); keep it within the last ~30 minutes, Prometheus rejects older samples
     *              for new series
     * @param spanMs event time covered by the events
     */
    static List<VehicleEvent> events(long seed, String idPrefix, int vehicles, int eventsPerVehicle, long start,
                                     long spanMs) {
        Random random = new Random(seed);
        List<VehicleEvent> events = new ArrayList<>(vehicles * eventsPerVehicle);
        long[] lag = new long[vehicles * eventsPerVehicle];
        // One reading in each slot of `step` ms: strictly increasing times per vehicle.
        long step = spanMs / eventsPerVehicle;
        if (step < 1) {
            throw new IllegalArgumentException("spanMs must be at least eventsPerVehicle");
        }
        for (int v = 0; v < vehicles; v++) {
            String id = idPrefix + String.format("%010d", v);
            Region region = Region.weighted(random.nextDouble());
            long vehicleLag = random.nextInt((int) MAX_LAG_MS);
            for (int i = 0; i < eventsPerVehicle; i++) {
                lag[events.size()] = vehicleLag;
                events.add(reading(random, id, region, start + i * step + random.nextInt((int) step)));
            }
        }
        List<Integer> order = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> events.get(i).timestamp() + lag[i]));
        return order.stream().map(events::get).toList();
    }

    /** Motion and standstill (zero RPM), recuperation (negative motor RPM), and warning lights 0..5. */
    private static VehicleEvent reading(Random random, String id, Region region, long t) {
        int kind = random.nextInt(100);
        if (kind < 45) {
            long rpm = random.nextInt(4) == 0 ? 0 : 800 + random.nextInt(5_700);
            return new VehicleEvent(EventType.IC_RPM, id, region, t, rpm);
        }
        if (kind < 90) {
            long rpm = random.nextInt(4) == 0 ? 0 : random.nextInt(12_000) - 2_000;
            return new VehicleEvent(EventType.ELECTRIC_RPM, id, region, t, rpm);
        }
        return new VehicleEvent(EventType.WARNINGS, id, region, t, random.nextInt(6));
    }
}
