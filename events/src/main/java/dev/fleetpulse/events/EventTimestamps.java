package dev.fleetpulse.events;

/**
 * The event-time rules of the {@code timestamp} field.
 *
 * <p>Older producers wrote epoch seconds. Any value below {@value #SECONDS_THRESHOLD} cannot be a millisecond
 * timestamp of this century (it is 1973 in milliseconds but year 5138 in seconds), so it is read as seconds and
 * multiplied by 1000. After that conversion, a timestamp must fall in [{@value #MIN_MILLIS}, {@value #MAX_MILLIS}),
 * that is, from 2000-01-01 to 2100-01-01 UTC; anything else is rejected as {@link RejectReason#BAD_TIMESTAMP}.
 */
public final class EventTimestamps {

    /** Values below this are epoch seconds. */
    public static final long SECONDS_THRESHOLD = 100_000_000_000L;
    /** 2000-01-01T00:00:00Z in epoch milliseconds. */
    public static final long MIN_MILLIS = 946_684_800_000L;
    /** 2100-01-01T00:00:00Z in epoch milliseconds. */
    public static final long MAX_MILLIS = 4_102_444_800_000L;
    /** Returned by {@link #toEpochMillis(long)} for values that are not plausible event times. */
    public static final long INVALID = Long.MIN_VALUE;

    private EventTimestamps() {
    }

    /** The event time in epoch milliseconds, or {@link #INVALID}. */
    public static long toEpochMillis(long raw) {
        if (raw <= 0) {
            return INVALID;
        }
        long millis = raw < SECONDS_THRESHOLD ? raw * 1000L : raw;
        return millis >= MIN_MILLIS && millis < MAX_MILLIS ? millis : INVALID;
    }
}
