package dev.fleetpulse.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The fast path of {@link VehicleEventJson#parse}: a single pass over the bytes of a record in the plain form every
 * producer writes, with no parser object, no text buffer and no {@code String} except the vehicle id.
 *
 * <p>It accepts only a subset of JSON on which its result is certain: one object, ASCII strings without escapes,
 * integers of at most 18 digits (no fraction, exponent or leading zero), JSON whitespace, and a complete, valid event.
 * On anything else it answers {@code null} and the caller parses the record with Jackson, which also explains what is
 * wrong. So the fast path decides nothing on its own: for every record it accepts, Jackson would produce the same
 * event ({@code VehicleEventScannerTest} checks that on mutated records).
 */
final class VehicleEventScanner {

    private static final int UNKNOWN = 0;
    private static final int EVENT_TYPE = 1;
    private static final int VEHICLE_ID = 2;
    private static final int REGION = 3;
    private static final int TIMESTAMP = 4;
    private static final int MEASUREMENT = 5;

    private static final byte[][] FIELD_NAMES = {
            null, ascii("eventType"), ascii("vehicleId"), ascii("region"), ascii("timestamp"), ascii("measurement")};

    private static final EventType[] TYPES = EventType.values();
    private static final byte[][] TYPE_NAMES = new byte[TYPES.length][];
    private static final Region[] REGIONS = Region.values();
    private static final byte[][] REGION_LABELS = new byte[REGIONS.length][];

    /** More digits could overflow a {@code long}; such numbers are left to Jackson. */
    private static final int MAX_DIGITS = 18;

    static {
        for (int i = 0; i < TYPES.length; i++) {
            TYPE_NAMES[i] = ascii(TYPES[i].name());
        }
        for (int i = 0; i < REGIONS.length; i++) {
            REGION_LABELS[i] = ascii(REGIONS[i].label());
        }
    }

    private VehicleEventScanner() {
    }

    /** The valid event in {@code json[offset, offset + length)}, or {@code null}: then the full parser decides. */
    static VehicleEvent scan(byte[] json, int offset, int length) {
        int end = offset + length;
        int i = skipWhitespace(json, offset, end);
        if (i >= end || json[i] != '{') {
            return null;
        }
        i = skipWhitespace(json, i + 1, end);

        EventType type = null;
        String vehicleId = null;
        Region region = null;
        long timestamp = 0;
        long measurement = 0;
        boolean hasTimestamp = false;
        boolean hasMeasurement = false;
        int seen = 0; // one bit per field of the event: a second occurrence is Jackson's to judge

        while (true) {
            if (i >= end || json[i] != '"') {
                return null; // also the empty object, which lacks every field
            }
            int nameEnd = closingQuote(json, i + 1, end);
            if (nameEnd < 0) {
                return null;
            }
            int field = field(json, i + 1, nameEnd);
            if (field != UNKNOWN) {
                if ((seen & (1 << field)) != 0) {
                    return null;
                }
                seen |= 1 << field;
            }
            i = skipWhitespace(json, nameEnd + 1, end);
            if (i >= end || json[i] != ':') {
                return null;
            }
            i = skipWhitespace(json, i + 1, end);
            if (i >= end) {
                return null;
            }

            if (json[i] == '"') {
                int valueStart = i + 1;
                int valueEnd = closingQuote(json, valueStart, end);
                if (valueEnd < 0) {
                    return null;
                }
                switch (field) {
                    case EVENT_TYPE -> type = lookUp(TYPES, TYPE_NAMES, json, valueStart, valueEnd);
                    case VEHICLE_ID -> {
                        if (!acceptableVehicleId(json, valueStart, valueEnd)) {
                            return null;
                        }
                        vehicleId = new String(json, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1);
                    }
                    case REGION -> region = lookUp(REGIONS, REGION_LABELS, json, valueStart, valueEnd);
                    case TIMESTAMP, MEASUREMENT -> {
                        return null; // a string where a number belongs
                    }
                    default -> {
                        // unknown field: skipped, as the full parser does
                    }
                }
                i = valueEnd + 1;
            } else {
                boolean negative = json[i] == '-';
                int digitsStart = negative ? i + 1 : i;
                long value = 0;
                int j = digitsStart;
                while (j < end && json[j] >= '0' && json[j] <= '9') {
                    value = value * 10 + (json[j] - '0');
                    j++;
                }
                int digits = j - digitsStart;
                if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && json[digitsStart] == '0')
                        || (j < end && !endsValue(json[j]))) {
                    return null; // not an integer, or one the full parser must judge (fraction, exponent, ...)
                }
                value = negative ? -value : value;
                switch (field) {
                    case TIMESTAMP -> {
                        timestamp = value;
                        hasTimestamp = true;
                    }
                    case MEASUREMENT -> {
                        measurement = value;
                        hasMeasurement = true;
                    }
                    case EVENT_TYPE, VEHICLE_ID, REGION -> {
                        return null; // a number where a string belongs
                    }
                    default -> {
                        // unknown field: skipped
                    }
                }
                i = j;
            }

            i = skipWhitespace(json, i, end);
            if (i >= end) {
                return null;
            }
            if (json[i] == ',') {
                i = skipWhitespace(json, i + 1, end);
            } else if (json[i] == '}') {
                if (skipWhitespace(json, i + 1, end) != end) {
                    return null; // content after the object
                }
                break;
            } else {
                return null;
            }
        }
        return validEvent(type, vehicleId, region, hasTimestamp, timestamp, hasMeasurement, measurement);
    }

    private static VehicleEvent validEvent(EventType type, String vehicleId, Region region,
                                           boolean hasTimestamp, long rawTimestamp,
                                           boolean hasMeasurement, long measurement) {
        if (type == null || vehicleId == null || region == null || !hasTimestamp || !hasMeasurement
                || measurement < type.minMeasurement() || measurement > type.maxMeasurement()) {
            return null;
        }
        long timestamp = EventTimestamps.toEpochMillis(rawTimestamp);
        return timestamp == EventTimestamps.INVALID ? null : new VehicleEvent(type, vehicleId, region, timestamp, measurement);
    }

    /**
     * Index of the quote that closes a string starting at {@code start}, or -1 when the string has an escape, a
     * control character or a non-ASCII byte (all left to the full parser), or does not end.
     */
    private static int closingQuote(byte[] json, int start, int end) {
        for (int i = start; i < end; i++) {
            byte b = json[i];
            if (b == '"') {
                return i;
            }
            if (b == '\\' || b < 0x20) { // bytes >= 0x80 are negative
                return -1;
            }
        }
        return -1;
    }

    /**
     * {@link VehicleEventJson#vehicleIdProblem} on the bytes of an id that {@link #closingQuote} accepted (so ASCII
     * from 0x20): not empty, not too long, and only ASCII letters, digits, {@code - _ . :}. Ids with other letters
     * are left to the full parser.
     */
    private static boolean acceptableVehicleId(byte[] json, int start, int end) {
        if (end == start || end - start > VehicleEvent.MAX_VEHICLE_ID_LENGTH) {
            return false;
        }
        for (int i = start; i < end; i++) {
            byte b = json[i];
            boolean ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || b == '.' || b == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static int field(byte[] json, int start, int end) {
        for (int f = EVENT_TYPE; f <= MEASUREMENT; f++) {
            if (equalsRange(FIELD_NAMES[f], json, start, end)) {
                return f;
            }
        }
        return UNKNOWN;
    }

    private static <T> T lookUp(T[] values, byte[][] names, byte[] json, int start, int end) {
        for (int k = 0; k < names.length; k++) {
            if (equalsRange(names[k], json, start, end)) {
                return values[k];
            }
        }
        return null;
    }

    private static boolean equalsRange(byte[] expected, byte[] json, int start, int end) {
        return expected.length == end - start && Arrays.equals(expected, 0, expected.length, json, start, end);
    }

    private static int skipWhitespace(byte[] json, int i, int end) {
        while (i < end && isWhitespace(json[i])) {
            i++;
        }
        return i;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static boolean endsValue(byte b) {
        return b == ',' || b == '}' || isWhitespace(b);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
