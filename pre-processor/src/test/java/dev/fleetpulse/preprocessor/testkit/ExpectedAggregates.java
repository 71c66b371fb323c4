package dev.fleetpulse.preprocessor.testkit;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.VehicleEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The oracle: DESIGN section 5 computed directly from a complete list of events, the simple way (every event of a
 * window in memory), sharing no code with the job's operators. Shared through the pre-processor's test jar with the
 * reliability scenarios, which compare the same aggregates after failures, rescaling and outages.
 */
public final class ExpectedAggregates {

    /** One expected sample: {@code metric{model, region} value @ timestamp}. */
    public record Sample(String metric, String model, String region, long timestamp) implements Comparable<Sample> {
        @Override
        public int compareTo(Sample o) {
            return toString().compareTo(o.toString());
        }
    }

    private ExpectedAggregates() {
    }

    /** @param models each vehicle's model, from the oracle's own table (the job reads the same as its models file) */
    public static Map<Sample, Double> of(Iterable<VehicleEvent> events, long windowMillis, ModelTable models) {
        // (model, region, window end) -> vehicle -> [moved 0/1, latest warning time, latest warning count]
        Map<Sample, Map<String, long[]>> groups = new HashMap<>();
        for (VehicleEvent e : events) {
            long windowEnd = (e.timestamp() / windowMillis + 1) * windowMillis;
            Sample group = new Sample("", models.modelOf(e.vehicleId()), e.region().label(), windowEnd);
            long[] vehicle = groups.computeIfAbsent(group, g -> new HashMap<>())
                    .computeIfAbsent(e.vehicleId(), v -> new long[]{0, Long.MIN_VALUE, 0});
            if (e.eventType() == EventType.WARNINGS) {
                boolean later = e.timestamp() > vehicle[1];
                boolean tieWithMore = e.timestamp() == vehicle[1] && e.measurement() > vehicle[2];
                if (later || tieWithMore) {
                    vehicle[1] = e.timestamp();
                    vehicle[2] = e.measurement();
                }
            } else if (e.measurement() != 0) {
                vehicle[0] = 1;
            }
        }
        Map<Sample, Double> expected = new TreeMap<>();
        groups.forEach((group, vehicles) -> {
            long moving = 0;
            long lights = 0;
            for (long[] v : vehicles.values()) {
                moving += v[0];
                lights += v[1] == Long.MIN_VALUE ? 0 : v[2];
            }
            expected.put(new Sample("vehicles_in_motion", group.model(), group.region(), group.timestamp()),
                    (double) moving);
            expected.put(new Sample("warnings", group.model(), group.region(), group.timestamp()), (double) lights);
        });
        return expected;
    }
}
