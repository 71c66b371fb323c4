package dev.fleetpulse.events;

/**
 * Why a record was not processed. The code travels in the {@code fleetpulse.reason} header of the dead-letter record
 * and as a label of the rejected-records counters, so it is stable and kebab-case.
 */
public enum RejectReason {
    /** Not JSON, not a JSON object, truncated, or trailing garbage. */
    MALFORMED_JSON("malformed-json"),
    /** A required field is absent or null. */
    MISSING_FIELD("missing-field"),
    /**
     * A field the event needs appears more than once in the object. JSON leaves the meaning open (parsers keep the
     * first, the last, or fail), so the record is ambiguous and is not guessed at.
     */
    DUPLICATE_FIELD("duplicate-field"),
    /** A field has the wrong JSON type, e.g. a string where a number belongs. */
    WRONG_TYPE("wrong-type"),
    UNKNOWN_EVENT_TYPE("unknown-event-type"),
    UNKNOWN_REGION("unknown-region"),
    /**
     * Blank, too long, or with a character outside the documented set: letters, digits, {@code - _ . :}
     * ({@link VehicleEvent#isAcceptableVehicleIdChar(int)}).
     */
    BAD_VEHICLE_ID("bad-vehicle-id"),
    /** Not an integer, or outside the plausible range (see {@link EventTimestamps}). */
    BAD_TIMESTAMP("bad-timestamp"),
    /**
     * Later than the processing time plus the allowed clock skew ({@code KafkaSource.max.future.ms}): a device with a
     * wrong clock. Rejected before it reaches the watermark generator, which it would otherwise push into the future.
     */
    FUTURE_TIMESTAMP("future-timestamp"),
    /** Not an integer, or outside the range of its event type. */
    BAD_MEASUREMENT("bad-measurement"),
    /** Valid, but arrived after the watermark passed the end of its window. */
    LATE("late");

    private final String code;

    RejectReason(String code) {
        this.code = code;
    }

    /** The stable, kebab-case name used in headers and metrics. */
    public String code() {
        return code;
    }
}
