package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleModelCatalog;

/** Named times, vehicles and event factories for the aggregation tests. */
final class TestEvents {

    static final TumblingWindows FIVE_SECONDS = new TumblingWindows(5_000);

    /** A window boundary: 2024-11-03T08:15:50Z. The first window of the tests is [T0, T0_PLUS_5S). */
    static final long T0 = 1_730_621_750_000L;
    static final long T0_PLUS_1S = T0 + 1_000;
    static final long T0_PLUS_2S = T0 + 2_000;
    static final long T0_PLUS_3S = T0 + 3_000;
    static final long T0_PLUS_5S = T0 + 5_000;
    static final long T0_PLUS_6S = T0 + 6_000;
    static final long T0_PLUS_10S = T0 + 10_000;
    /** The last millisecond of the first window; a watermark here closes it. */
    static final long END_OF_FIRST_WINDOW = T0_PLUS_5S - 1;

    static final String AURORA = "Aurora";
    static final String BOREALIS = "Borealis";
    /** Two vehicles whose derived model is Aurora, and one Borealis. */
    static final String AURORA_1 = vehicleOfModel(AURORA, 0);
    static final String AURORA_2 = vehicleOfModel(AURORA, 1);
    static final String BOREALIS_1 = vehicleOfModel(BOREALIS, 0);

    private TestEvents() {
    }

    static VehicleEvent engineRpm(String vehicle, long t, long rpm) {
        return new VehicleEvent(EventType.IC_RPM, vehicle, Region.UK, t, rpm);
    }

    static VehicleEvent motorRpm(String vehicle, long t, long rpm) {
        return new VehicleEvent(EventType.ELECTRIC_RPM, vehicle, Region.UK, t, rpm);
    }

    static VehicleEvent warnings(String vehicle, long t, int lightsOn) {
        return new VehicleEvent(EventType.WARNINGS, vehicle, Region.UK, t, lightsOn);
    }

    static VehicleEvent in(Region region, VehicleEvent event) {
        return new VehicleEvent(event.eventType(), event.vehicleId(), region, event.timestamp(), event.measurement());
    }

    static AggregateKey uk(String model, long windowEnd) {
        return new AggregateKey(model, Region.UK, windowEnd);
    }

    /** The {@code n}-th id of the form V0000000001, V0000000002, ... whose derived model is {@code model}. */
    static String vehicleOfModel(String model, int n) {
        int found = 0;
        for (int i = 1; ; i++) {
            String id = String.format("V%010d", i);
            if (VehicleModelCatalog.derivedModel(id).equals(model) && found++ == n) {
                return id;
            }
        }
    }
}
