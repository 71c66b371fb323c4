package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class OpenWindowTest {

    private static final long T0 = 1_730_621_745_000L;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"V0000012345", "V1", "v0", "Z999999999999999", "A000000000000000", "V0000000000"})
    void shouldPackIdsOfALetterAndDigitsOneToOne(String id) {
        long packed = OpenWindow.pack(id);

        assertThat(packed).isNotZero();
        assertThat(OpenWindow.unpack(packed)).isEqualTo(id);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "V", "7123", "VV123", "V12a", "V1234567890123456", "é12", "V 12", "V-1"})
    void shouldLeaveOtherIdsUnpacked(String id) {
        assertThat(OpenWindow.pack(id)).isZero();
    }

    @Test
    void shouldTellIdsThatDifferOnlyInLeadingZerosApart() {
        assertThat(OpenWindow.pack("V01")).isNotEqualTo(OpenWindow.pack("V1")).isNotEqualTo(OpenWindow.pack("V001"));
    }

    /**
     * 200,000 random events of 30,000 vehicles, some with ids that do not pack and some reporting two regions, against
     * a plain map of {@link VehicleActivity} merges; then the cleared window must be empty and reusable.
     */
    @Test
    void shouldHoldTheSameActivitiesAsAPlainMap() {
        Random random = new Random(7);
        OpenWindow window = new OpenWindow();
        for (int round = 0; round < 2; round++) {
            Map<String, VehicleActivity> expected = new HashMap<>();
            for (int n = 0; n < 200_000; n++) {
                VehicleEvent event = randomEvent(random);
                window.add(event);
                VehicleActivity single = new VehicleActivity(event.indicatesMotion(),
                        event.eventType() == EventType.WARNINGS ? event.timestamp() : VehicleActivity.NO_WARNING,
                        event.eventType() == EventType.WARNINGS ? (int) event.measurement() : 0);
                expected.merge(event.vehicleId() + "/" + event.region(), single, VehicleActivity::merge);
            }

            Map<String, VehicleActivity> actual = new HashMap<>();
            window.forEach((vehicleId, region, activity) ->
                    assertThat(actual.put(vehicleId + "/" + region, activity)).as("visited once").isNull());
            assertThat(actual.keySet()).as("round %d", round).isEqualTo(expected.keySet());
            for (Map.Entry<String, VehicleActivity> entry : expected.entrySet()) {
                assertThat(actual.get(entry.getKey())).as("round %d, %s", round, entry.getKey()).isEqualTo(entry.getValue());
            }

            window.clear();
            assertThat(window.isEmpty()).isTrue();
            window.forEach((vehicleId, region, activity) -> {
                throw new AssertionError("cleared window still holds " + vehicleId);
            });
        }
    }

    /** Events wait in a batch before they reach the table; every read of the window must see them all the same. */
    @Test
    void shouldShowEventsOfAnUnfinishedBatchToEveryRead() {
        OpenWindow window = new OpenWindow();
        window.add(new VehicleEvent(EventType.IC_RPM, "V0000000001", Region.UK, T0, 900));
        window.add(new VehicleEvent(EventType.WARNINGS, "V0000000002", Region.US, T0 + 1, 3));
        window.add(new VehicleEvent(EventType.WARNINGS, "V0000000002", Region.US, T0, 5));

        assertThat(window.isEmpty()).isFalse();
        Map<String, VehicleActivity> seen = new HashMap<>();
        window.forEach((vehicleId, region, activity) -> seen.put(vehicleId + "/" + region, activity));
        assertThat(seen).containsOnly(
                Map.entry("V0000000001/" + Region.UK, new VehicleActivity(true, VehicleActivity.NO_WARNING, 0)),
                Map.entry("V0000000002/" + Region.US, new VehicleActivity(false, T0 + 1, 3)));

        window.add(new VehicleEvent(EventType.IC_RPM, "V0000000003", Region.UK, T0, 900));
        window.clear();
        assertThat(window.isEmpty()).as("a cleared window drops its unfinished batch too").isTrue();
    }

    private static VehicleEvent randomEvent(Random random) {
        int vehicle = random.nextInt(30_000);
        String id = vehicle % 100 == 0 ? "car-" + vehicle : String.format("V%010d", vehicle);
        Region region = Region.values()[vehicle % 20];
        if (vehicle % 250 == 1 && random.nextBoolean()) {
            region = Region.values()[(vehicle + 1) % 20]; // a vehicle reporting a second region
        }
        EventType type = EventType.values()[random.nextInt(3)];
        long measurement = switch (type) {
            case WARNINGS -> random.nextInt(6);
            case IC_RPM -> random.nextInt(4) == 0 ? 0 : random.nextInt(8000);
            case ELECTRIC_RPM -> random.nextInt(4) == 0 ? 0 : random.nextInt(16000) - 8000;
        };
        return new VehicleEvent(type, id, region, T0 + random.nextInt(5_000), measurement);
    }
}
