package dev.fleetpulse.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast path must take the plain form and, on everything it takes, agree with Jackson. */
class VehicleEventScannerTest {

    private static final long T0 = 1_730_621_749_000L;
    private static final byte[] MUTATION_BYTES =
            "{}[]\":,\\ -+0123456789.eEIUVnultrfa\t\n\r\u0000\u007F".getBytes(StandardCharsets.ISO_8859_1);

    private final VehicleEventJson json = new VehicleEventJson();

    @Test
    void shouldScanWhatTheGeneratorWritesForEveryTypeAndRegion() {
        for (EventType type : EventType.values()) {
            for (Region region : Region.values()) {
                VehicleEvent event = new VehicleEvent(type, "V00000" + region.ordinal(), region, T0, type.minMeasurement());
                byte[] record = json.toJson(event);

                assertThat(VehicleEventScanner.scan(record, 0, record.length)).isEqualTo(event);
            }
        }
    }

    @Test
    void shouldScanWhitespaceUnknownScalarFieldsAndEpochSeconds() {
        byte[] record = bytes(" \t{ \"measurement\" : -0 ,\n\"x\":\"y\", \"n\": 12,\"timestamp\":1730621749,"
                + "\"region\":\"New Zealand\",\r\"vehicleId\":\"car-7\",\"eventType\":\"ELECTRIC_RPM\"}\n");

        assertThat(VehicleEventScanner.scan(record, 0, record.length))
                .isEqualTo(new VehicleEvent(EventType.ELECTRIC_RPM, "car-7", Region.NEW_ZEALAND, T0, 0));
    }

    @Test
    void shouldScanOnlyTheGivenRangeOfTheArray() {
        byte[] record = json.toJson(new VehicleEvent(EventType.WARNINGS, "V1", Region.US, T0, 3));
        byte[] padded = new byte[record.length + 10];
        padded[0] = '[';
        System.arraycopy(record, 0, padded, 4, record.length);
        padded[4 + record.length] = 'x';

        assertThat(VehicleEventScanner.scan(padded, 4, record.length))
                .isEqualTo(new VehicleEvent(EventType.WARNINGS, "V1", Region.US, T0, 3));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V\\u0031\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"Vé\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":01730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000.0,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1.730621749e12,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":0000000000000000001}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1,\"x\":null}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1,\"x\":{}}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1} {}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1,}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":\"1730621749000\",\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V\u007F1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V12345678901234567890123456789012345678901234567890123456789012345\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\" \",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":-1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"Mars\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":17306217490000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"measurement\":1}",
            "\uFEFF{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1,\"measurement\":2}",
            "{\"eventType\":\"IC_RPM\",\"eventType\":\"WARNINGS\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V 1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1/2\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}",
            "{}",
            ""})
    void shouldLeaveEverythingElseToJackson(String text) {
        byte[] record = bytes(text);

        assertThat(VehicleEventScanner.scan(record, 0, record.length)).isNull();
        assertThat(json.parse(record)).isEqualTo(json.parseWithJackson(record, 0, record.length));
    }

    /**
     * Differential check on 300,000 seeded mutations of valid records (a byte inserted, deleted, replaced or a range
     * repeated, up to three times): whatever the fast path accepts, Jackson accepts as the same event, and
     * {@link VehicleEventJson#parse} answers exactly as the Jackson path alone, reasons included.
     */
    @Test
    void shouldAgreeWithJacksonOnMutatedRecords() {
        Random random = new Random(20261122L);
        int scanned = 0;
        List<String> disagreements = new ArrayList<>();
        for (int n = 0; n < 300_000 && disagreements.size() < 10; n++) {
            byte[] record = mutate(validRecord(random), random);
            VehicleEvent fast = VehicleEventScanner.scan(record, 0, record.length);
            ParseResult jackson = json.parseWithJackson(record, 0, record.length);
            ParseResult combined = json.parse(record);
            if (fast != null) {
                scanned++;
            }
            if ((fast != null && !jackson.equals(new ParseResult.Valid(fast))) || !combined.equals(jackson)) {
                disagreements.add(new String(record, StandardCharsets.ISO_8859_1) + " -> fast " + fast
                        + ", combined " + combined + ", Jackson " + jackson);
            }
        }
        assertThat(disagreements).isEmpty();
        // Most mutations break the record; enough must survive for the check to mean something.
        assertThat(scanned).isGreaterThan(10_000);
    }

    private byte[] validRecord(Random random) {
        EventType type = EventType.values()[random.nextInt(EventType.values().length)];
        Region region = Region.values()[random.nextInt(Region.values().length)];
        long measurement = type.minMeasurement() + random.nextInt((int) (type.maxMeasurement() - type.minMeasurement() + 1));
        long timestamp = random.nextBoolean() ? T0 + random.nextInt(1_000_000) : (T0 / 1000) + random.nextInt(1000);
        VehicleEvent event = new VehicleEvent(type, String.format("V%010d", random.nextInt(1_000_000)), region,
                EventTimestamps.toEpochMillis(timestamp), measurement);
        String text = new String(json.toJson(event), StandardCharsets.UTF_8);
        if (timestamp < EventTimestamps.SECONDS_THRESHOLD) {
            text = text.replace(Long.toString(event.timestamp()), Long.toString(timestamp));
        }
        return bytes(random.nextInt(4) == 0 ? text.replace(",", " ,\n ").replace(":", " : ") : text);
    }

    private static byte[] mutate(byte[] record, Random random) {
        byte[] out = record;
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && out.length > 0; m++) {
            int at = random.nextInt(out.length);
            byte b = MUTATION_BYTES[random.nextInt(MUTATION_BYTES.length)];
            out = switch (random.nextInt(4)) {
                case 0 -> splice(out, at, 0, new byte[] {b});
                case 1 -> splice(out, at, 1, new byte[0]);
                case 2 -> splice(out, at, 1, new byte[] {b});
                default -> {
                    int len = 1 + random.nextInt(Math.min(20, out.length - at));
                    byte[] range = new byte[len];
                    System.arraycopy(out, at, range, 0, len);
                    yield splice(out, at, 0, range);
                }
            };
        }
        return out;
    }

    /** {@code in} with {@code removed} bytes at {@code at} replaced by {@code inserted}. */
    private static byte[] splice(byte[] in, int at, int removed, byte[] inserted) {
        byte[] out = new byte[in.length - removed + inserted.length];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(in, at + removed, out, at + inserted.length, in.length - at - removed);
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
