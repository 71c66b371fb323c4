package dev.fleetpulse.jobs.source;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.io.Serializable;
import java.time.Instant;

/**
 * Where a job starts reading when it has no checkpoint or savepoint to resume from (a restore always resumes from
 * the offsets in the checkpoint). Configured as {@code KafkaSource.starting.offsets}.
 *
 * @param mode which rule
 * @param timestamp for {@link Mode#TIMESTAMP}: epoch ms of the first record to read; otherwise 0
 */
public record StartingOffsets(Mode mode, long timestamp) implements Serializable {

    public static final String KEY = "starting.offsets";
    public static final String TIMESTAMP_PREFIX = "timestamp:";

    public enum Mode {
        /** The consumer group's committed offsets; partitions without one start at the latest offset. */
        COMMITTED_OR_LATEST("committed-or-latest"),
        EARLIEST("earliest"),
        LATEST("latest"),
        /** The first record at or after a point in time. */
        TIMESTAMP("timestamp:<epoch ms>");

        private final String text;

        Mode(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public static final StartingOffsets DEFAULT = new StartingOffsets(Mode.COMMITTED_OR_LATEST, 0);

    /**
     * Parses {@code committed-or-latest}, {@code earliest}, {@code latest} or {@code timestamp:<epoch ms>}.
     *
     * @throws IllegalArgumentException saying what is accepted
     */
    public static StartingOffsets parse(String text) {
        String value = text.strip();
        for (Mode mode : Mode.values()) {
            if (mode != Mode.TIMESTAMP && mode.text.equalsIgnoreCase(value)) {
                return new StartingOffsets(mode, 0);
            }
        }
        if (value.regionMatches(true, 0, TIMESTAMP_PREFIX, 0, TIMESTAMP_PREFIX.length())) {
            String millis = value.substring(TIMESTAMP_PREFIX.length()).strip();
            try {
                long timestamp = Long.parseLong(millis);
                if (timestamp >= 0) {
                    return new StartingOffsets(Mode.TIMESTAMP, timestamp);
                }
            } catch (NumberFormatException e) {
                // reported below, with an example
            }
            throw new IllegalArgumentException("the time after '" + TIMESTAMP_PREFIX + "' must be epoch milliseconds"
                    + " (>= 0), e.g. timestamp:1730621749000; was '" + text + "'");
        }
        throw new IllegalArgumentException("must be committed-or-latest, earliest, latest or timestamp:<epoch ms>,"
                + " was '" + text + "'");
    }

    public OffsetsInitializer toOffsetsInitializer() {
        return switch (mode) {
            case COMMITTED_OR_LATEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(timestamp);
        };
    }

    @Override
    public String toString() {
        return mode == Mode.TIMESTAMP
                ? TIMESTAMP_PREFIX + timestamp + " (" + Instant.ofEpochMilli(timestamp) + ")"
                : mode.text;
    }
}
