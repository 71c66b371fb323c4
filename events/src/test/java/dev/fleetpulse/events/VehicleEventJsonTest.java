package dev.fleetpulse.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class VehicleEventJsonTest {

    private static final long T0 = 1_730_621_749_000L;
    private static final String SAMPLE =
            "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V0000012345\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":4356}";

    private final VehicleEventJson json = new VehicleEventJson();

    @Test
    void shouldWriteTheDocumentedJsonForm() {
        VehicleEvent event = new VehicleEvent(EventType.IC_RPM, "V0000012345", Region.UK, T0, 4356);

        assertThat(new String(json.toJson(event), StandardCharsets.UTF_8)).isEqualTo(SAMPLE);
    }

    @Test
    void shouldRoundTripEveryTypeAndRegion() {
        for (EventType type : EventType.values()) {
            for (Region region : Region.values()) {
                VehicleEvent event = new VehicleEvent(type, "V00000000" + region.ordinal(), region, T0 + region.ordinal(),
                        type.maxMeasurement());
                assertThat(json.parse(json.toJson(event))).isEqualTo(new ParseResult.Valid(event));
            }
        }
    }

    @Test
    void shouldParseNegativeElectricRpm() {
        assertThat(parse("{\"eventType\":\"ELECTRIC_RPM\",\"vehicleId\":\"V1\",\"region\":\"New Zealand\",\"timestamp\":"
                + T0 + ",\"measurement\":-1200}"))
                .isEqualTo(new ParseResult.Valid(new VehicleEvent(EventType.ELECTRIC_RPM, "V1", Region.NEW_ZEALAND, T0, -1200)));
    }

    @Test
    void shouldReadTimestampsBelowTenToTheElevenAsEpochSeconds() {
        ParseResult result = parse("{\"eventType\":\"WARNINGS\",\"vehicleId\":\"V1\",\"region\":\"US\",\"timestamp\":1730621749,\"measurement\":2}");

        assertThat(result).isEqualTo(new ParseResult.Valid(new VehicleEvent(EventType.WARNINGS, "V1", Region.US, T0, 2)));
    }

    @Test
    void shouldIgnoreUnknownFieldsAndFieldOrder() {
        ParseResult result = parse("{\"measurement\":7,\"extra\":{\"nested\":[1,2,{\"a\":null}]},\"timestamp\":" + T0
                + ",\"region\":\"UAE\",\"vehicleId\":\"V2\",\"eventType\":\"IC_RPM\",\"more\":true}");

        assertThat(result).isEqualTo(new ParseResult.Valid(new VehicleEvent(EventType.IC_RPM, "V2", Region.UAE, T0, 7)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not json at all                  | `hello`                                       | MALFORMED_JSON",
            "empty                            | ``                                            | MALFORMED_JSON",
            "truncated                        | `{\"eventType\":\"IC_RPM\",\"vehicleId\":`     | MALFORMED_JSON",
            "array instead of object          | `[1,2,3]`                                     | MALFORMED_JSON",
            "trailing garbage                 | `" + "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1} x` | MALFORMED_JSON",
            "missing measurement              | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000}` | MISSING_FIELD",
            "null vehicleId                   | `{\"eventType\":\"IC_RPM\",\"vehicleId\":null,\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | MISSING_FIELD",
            "timestamp as string              | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":\"now\",\"measurement\":1}` | WRONG_TYPE",
            "vehicleId as number              | `{\"eventType\":\"IC_RPM\",\"vehicleId\":12,\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | WRONG_TYPE",
            "unknown event type               | `{\"eventType\":\"OIL_TEMP\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | UNKNOWN_EVENT_TYPE",
            "unknown region                   | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"Atlantis\",\"timestamp\":1730621749000,\"measurement\":1}` | UNKNOWN_REGION",
            "blank vehicleId                  | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"  \",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
            "vehicleId too long               | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V12345678901234567890123456789012345678901234567890123456789012345\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
            "negative timestamp               | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":-5,\"measurement\":1}` | BAD_TIMESTAMP",
            "timestamp in year 3000           | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":32503680000000,\"measurement\":1}` | BAD_TIMESTAMP",
            "timestamp before 2000            | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":900000000000,\"measurement\":1}` | BAD_TIMESTAMP",
            "fractional timestamp             | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000.5,\"measurement\":1}` | BAD_TIMESTAMP",
            "huge timestamp                   | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":123456789012345678901234567890,\"measurement\":1}` | BAD_TIMESTAMP",
            "negative IC rpm                  | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":-1}` | BAD_MEASUREMENT",
            "six warning lights               | `{\"eventType\":\"WARNINGS\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":6}` | BAD_MEASUREMENT",
            "fractional measurement           | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1.5}` | BAD_MEASUREMENT",
            "duplicate measurement            | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1,\"measurement\":2}` | DUPLICATE_FIELD",
            "duplicate vehicleId              | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"vehicleId\":\"V2\",\"timestamp\":1730621749000,\"measurement\":1}` | DUPLICATE_FIELD",
            "duplicate, the first one null    | `{\"eventType\":\"IC_RPM\",\"vehicleId\":null,\"region\":\"UK\",\"vehicleId\":\"V2\",\"timestamp\":1730621749000,\"measurement\":1}` | DUPLICATE_FIELD",
            "space in vehicleId               | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V 1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
            "slash in vehicleId               | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1/2\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
            "zero-width space in vehicleId    | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\\u200B\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
            "lone surrogate in vehicleId      | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\\uD800\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
            "byte-order mark in vehicleId     | `{\"eventType\":\"IC_RPM\",\"vehicleId\":\"\\uFEFFV1\",\"region\":\"UK\",\"timestamp\":1730621749000,\"measurement\":1}` | BAD_VEHICLE_ID",
    })
    void shouldRejectWithThePreciseReason(String scenario, String input, RejectReason expected) {
        ParseResult result = parse(input == null ? "" : input);

        assertThat(result).isInstanceOf(ParseResult.Invalid.class);
        assertThat(((ParseResult.Invalid) result).reason()).as(scenario).isEqualTo(expected);
        assertThat(((ParseResult.Invalid) result).detail()).as(scenario).isNotBlank();
    }

    @Test
    void shouldAcceptTheDocumentedVehicleIdCharacters() {
        for (String id : new String[] {"V0000012345", "fleet-7_truck.12:a", "Fahrzeug-Ü1", "車両42"}) {
            assertThat(parse("{\"eventType\":\"WARNINGS\",\"vehicleId\":\"" + id
                    + "\",\"region\":\"US\",\"timestamp\":1730621749000,\"measurement\":2}"))
                    .as(id).isEqualTo(new ParseResult.Valid(new VehicleEvent(EventType.WARNINGS, id, Region.US, T0, 2)));
        }
    }

    @Test
    void shouldNameTheDuplicatedField() {
        assertThat(parse("{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":"
                + T0 + ",\"region\":\"US\",\"measurement\":1}"))
                .isEqualTo(new ParseResult.Invalid(RejectReason.DUPLICATE_FIELD, "field 'region' appears twice"));
    }

    @Test
    void shouldIgnoreDuplicatesAmongUnknownFields() {
        assertThat(parse("{\"x\":1,\"x\":2,\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\","
                + "\"timestamp\":" + T0 + ",\"measurement\":1}"))
                .isEqualTo(new ParseResult.Valid(new VehicleEvent(EventType.IC_RPM, "V1", Region.UK, T0, 1)));
    }

    @Test
    void shouldNameEveryMissingField() {
        ParseResult result = parse("{\"eventType\":\"IC_RPM\",\"region\":\"UK\"}");

        assertThat(result).isEqualTo(new ParseResult.Invalid(RejectReason.MISSING_FIELD,
                "missing vehicleId, timestamp, measurement"));
    }

    @Test
    void shouldRejectANullRecordValue() {
        assertThat(json.parse(null)).isEqualTo(new ParseResult.Invalid(RejectReason.MALFORMED_JSON, "record has no value"));
    }

    @Test
    void shouldParseASliceOfALargerBuffer() {
        byte[] padded = ("xx" + SAMPLE + "yy").getBytes(StandardCharsets.UTF_8);

        assertThat(json.parse(padded, 2, padded.length - 4)).isEqualTo(new ParseResult.Valid(
                new VehicleEvent(EventType.IC_RPM, "V0000012345", Region.UK, T0, 4356)));
    }

    @Test
    void shouldTellARecordThatIsNotAWholeObjectByItsFirstOrLastByte() {
        assertThat(parse(" hello")).isEqualTo(
                new ParseResult.Invalid(RejectReason.MALFORMED_JSON, "expected a JSON object, found 'h'"));
        assertThat(parse("{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\n")).isEqualTo(new ParseResult.Invalid(
                RejectReason.MALFORMED_JSON, "not a complete JSON object: the record ends with '1', not '}'"));
    }

    @Test
    void shouldLeaveOtherEncodingsToJackson() {
        // UTF-16 starts or ends with a zero byte, which the quick first/last-byte check must not judge.
        for (Charset utf16 : new Charset[] {
                StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE}) {
            assertThat(json.parse(SAMPLE.getBytes(utf16))).as(utf16.name()).isEqualTo(new ParseResult.Valid(
                    new VehicleEvent(EventType.IC_RPM, "V0000012345", Region.UK, T0, 4356)));
        }
    }

    private ParseResult parse(String text) {
        return json.parse(text.getBytes(StandardCharsets.UTF_8));
    }
}
