package dev.fleetpulse.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.StringJoiner;

/**
 * The JSON form of {@link VehicleEvent}:
 * {@code {"eventType":"IC_RPM","vehicleId":"V0000012345","region":"UK","timestamp":1730621749000,"measurement":4356}}.
 *
 * <p>Parsing scans the plain form producers write in one pass ({@link VehicleEventScanner}); anything else streams
 * Jackson tokens straight into the fields: no reflection, no tree, no intermediate map. It never throws on bad input;
 * it returns {@link ParseResult.Invalid} with the reason. Unknown fields are skipped so producers may add fields.
 * Not thread-safe (it reuses an output buffer): create one per operator instance, in {@code open()}.
 */
public final class VehicleEventJson {

    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayBuilder out = new ByteArrayBuilder(128);

    /** Serializes an event; the field order is fixed, the output is compact UTF-8. */
    public byte[] toJson(VehicleEvent event) {
        out.reset();
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("eventType", event.eventType().name());
            g.writeStringField("vehicleId", event.vehicleId());
            g.writeStringField("region", event.region().label());
            g.writeNumberField("timestamp", event.timestamp());
            g.writeNumberField("measurement", event.measurement());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to an in-memory buffer cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Parses and validates one record; the record is the whole byte array. */
    public ParseResult parse(byte[] json) {
        return json == null ? invalid(RejectReason.MALFORMED_JSON, "record has no value") : parse(json, 0, json.length);
    }

    /**
     * Parses and validates {@code length} bytes of {@code json} starting at {@code offset}. A record in the plain form
     * producers write takes {@link VehicleEventScanner}'s single pass; anything else, valid or not, Jackson's parser.
     */
    public ParseResult parse(byte[] json, int offset, int length) {
        VehicleEvent event = VehicleEventScanner.scan(json, offset, length);
        return event != null ? new ParseResult.Valid(event) : parseWithJackson(json, offset, length);
    }

    /** The general path: any JSON, with the precise reason for anything invalid. */
    ParseResult parseWithJackson(byte[] json, int offset, int length) {
        if (length == 0) {
            return invalid(RejectReason.MALFORMED_JSON, "record is empty");
        }
        String notAnObject = notAnObject(json, offset, length);
        if (notAnObject != null) {
            return invalid(RejectReason.MALFORMED_JSON, notAnObject);
        }
        try (JsonParser p = factory.createParser(json, offset, length)) {
            return parseObject(p);
        } catch (JsonEOFException e) {
            return invalid(RejectReason.MALFORMED_JSON, "truncated JSON: " + e.getOriginalMessage());
        } catch (JsonParseException e) {
            return invalid(RejectReason.MALFORMED_JSON, e.getOriginalMessage());
        } catch (IOException e) {
            // Only malformed input gets here: the parser reads from memory, so there is no real I/O to fail.
            return invalid(RejectReason.MALFORMED_JSON, String.valueOf(e.getMessage()));
        }
    }

    /**
     * Says why a record cannot be an object when its first or last non-whitespace byte shows it at once: a printable
     * ASCII character other than <code>{</code> first, or other than <code>}</code> last (a truncated record, or
     * trailing content). Saying so without Jackson avoids its exception, whose stack trace costs more than all the
     * parsing of a good event. Any other byte there (a byte-order mark, the zero byte of UTF-16, ...) is left to
     * Jackson, which detects encodings.
     */
    private static String notAnObject(byte[] json, int offset, int length) {
        int first = offset;
        int last = offset + length - 1;
        while (first <= last && isJsonWhitespace(json[first])) {
            first++;
        }
        while (last >= first && isJsonWhitespace(json[last])) {
            last--;
        }
        if (first > last) {
            return null;
        }
        if (json[first] != '{' && isPrintableAscii(json[first])) {
            return "expected a JSON object, found '" + (char) json[first] + "'";
        }
        if (json[last] != '}' && isPrintableAscii(json[last])) {
            return "not a complete JSON object: the record ends with '" + (char) json[last] + "', not '}'";
        }
        return null;
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private static boolean isPrintableAscii(byte b) {
        return b >= 0x21 && b <= 0x7E;
    }

    private static ParseResult parseObject(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return invalid(RejectReason.MALFORMED_JSON, "expected a JSON object");
        }
        String eventTypeName = null;
        String vehicleId = null;
        String regionLabel = null;
        long timestamp = 0;
        long measurement = 0;
        boolean hasTimestamp = false;
        boolean hasMeasurement = false;

        int seen = 0; // one bit per field of the event, to refuse a second occurrence
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            int bit = fieldBit(field);
            if ((seen & bit) != 0) {
                return invalid(RejectReason.DUPLICATE_FIELD, "field '" + field + "' appears twice");
            }
            seen |= bit;
            JsonToken value = p.nextToken();
            if (value == JsonToken.VALUE_NULL) {
                continue; // a null field is treated as absent
            }
            switch (field) {
                case "eventType" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return wrongType("eventType", "a string", value);
                    }
                    eventTypeName = p.getText();
                }
                case "vehicleId" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return wrongType("vehicleId", "a string", value);
                    }
                    vehicleId = p.getText();
                }
                case "region" -> {
                    if (value != JsonToken.VALUE_STRING) {
                        return wrongType("region", "a string", value);
                    }
                    regionLabel = p.getText();
                }
                case "timestamp" -> {
                    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        timestamp = p.getLongValue();
                    } else if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                        return invalid(RejectReason.BAD_TIMESTAMP, "timestamp must be an integer, was " + p.getText());
                    } else {
                        return wrongType("timestamp", "a number", value);
                    }
                    hasTimestamp = true;
                }
                case "measurement" -> {
                    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                        measurement = p.getLongValue();
                    } else if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
                        return invalid(RejectReason.BAD_MEASUREMENT, "measurement must be an integer, was " + p.getText());
                    } else {
                        return wrongType("measurement", "a number", value);
                    }
                    hasMeasurement = true;
                }
                default -> p.skipChildren(); // unknown field: tolerated, its value skipped whole
            }
        }
        if (t != JsonToken.END_OBJECT) {
            return invalid(RejectReason.MALFORMED_JSON, "expected a field name or the end of the object");
        }
        if (p.nextToken() != null) {
            return invalid(RejectReason.MALFORMED_JSON, "unexpected content after the JSON object");
        }
        return validate(eventTypeName, vehicleId, regionLabel, hasTimestamp, timestamp, hasMeasurement, measurement);
    }

    /** The field's bit in the duplicate check; 0 for fields the event does not have, whose duplicates are harmless. */
    private static int fieldBit(String field) {
        return switch (field) {
            case "eventType" -> 1;
            case "vehicleId" -> 2;
            case "region" -> 4;
            case "timestamp" -> 8;
            case "measurement" -> 16;
            default -> 0;
        };
    }

    private static ParseResult validate(String eventTypeName, String vehicleId, String regionLabel,
                                        boolean hasTimestamp, long rawTimestamp,
                                        boolean hasMeasurement, long measurement) {
        if (eventTypeName == null || vehicleId == null || regionLabel == null || !hasTimestamp || !hasMeasurement) {
            return invalid(RejectReason.MISSING_FIELD,
                    "missing " + missingFields(eventTypeName, vehicleId, regionLabel, hasTimestamp, hasMeasurement));
        }
        EventType type = EventType.fromName(eventTypeName);
        if (type == null) {
            return invalid(RejectReason.UNKNOWN_EVENT_TYPE,
                    "unknown eventType '" + eventTypeName + "'; expected IC_RPM, ELECTRIC_RPM or WARNINGS");
        }
        String idProblem = vehicleIdProblem(vehicleId);
        if (idProblem != null) {
            return invalid(RejectReason.BAD_VEHICLE_ID, idProblem);
        }
        Region region = Region.fromLabel(regionLabel);
        if (region == null) {
            return invalid(RejectReason.UNKNOWN_REGION, "unknown region '" + regionLabel + "'");
        }
        long timestamp = EventTimestamps.toEpochMillis(rawTimestamp);
        if (timestamp == EventTimestamps.INVALID) {
            return invalid(RejectReason.BAD_TIMESTAMP, "timestamp " + rawTimestamp
                    + " is not an epoch time between 2000-01-01 and 2100-01-01 (in ms, or in s when below 10^11)");
        }
        if (measurement < type.minMeasurement() || measurement > type.maxMeasurement()) {
            return invalid(RejectReason.BAD_MEASUREMENT, "measurement " + measurement + " is outside ["
                    + type.minMeasurement() + ", " + type.maxMeasurement() + "] for " + type);
        }
        return new ParseResult.Valid(new VehicleEvent(type, vehicleId, region, timestamp, measurement));
    }

    private static String missingFields(String eventType, String vehicleId, String region,
                                        boolean hasTimestamp, boolean hasMeasurement) {
        String[] names = {"eventType", "vehicleId", "region", "timestamp", "measurement"};
        boolean[] present = {eventType != null, vehicleId != null, region != null, hasTimestamp, hasMeasurement};
        StringJoiner missing = new StringJoiner(", ");
        for (int i = 0; i < names.length; i++) {
            if (!present[i]) {
                missing.add(names[i]);
            }
        }
        return missing.toString();
    }

    /** Why a vehicle id is unacceptable, or {@code null} when it is fine. */
    static String vehicleIdProblem(String id) {
        if (id.isBlank()) {
            return "vehicleId is blank";
        }
        if (id.length() > VehicleEvent.MAX_VEHICLE_ID_LENGTH) {
            return "vehicleId is " + id.length() + " characters long; at most "
                    + VehicleEvent.MAX_VEHICLE_ID_LENGTH + " are accepted";
        }
        for (int i = 0; i < id.length(); ) {
            int c = id.codePointAt(i);
            if (!VehicleEvent.isAcceptableVehicleIdChar(c)) {
                return String.format("vehicleId has U+%04X at index %d; accepted are letters, digits, '-', '_', '.' "
                        + "and ':'", c, i);
            }
            i += Character.charCount(c);
        }
        return null;
    }

    private static ParseResult wrongType(String field, String expected, JsonToken actual) {
        return invalid(RejectReason.WRONG_TYPE, field + " must be " + expected + ", was " + describe(actual));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> token.name();
        };
    }

    private static ParseResult invalid(RejectReason reason, String detail) {
        return new ParseResult.Invalid(reason, detail);
    }
}
