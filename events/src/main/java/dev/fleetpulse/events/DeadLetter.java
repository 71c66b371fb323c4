package dev.fleetpulse.events;

import java.nio.charset.StandardCharsets;

/**
 * A record that a job could not use, kept whole for the dead-letter topic ({@code vehicle-events-dlq} by default).
 * The original key and value go out unchanged; the reason and where the record came from go out as headers.
 * Built by {@link #rejected} (a record read from Kafka) or {@link #late} (an event that missed its window).
 *
 * @param key the original Kafka record key, may be {@code null}
 * @param value the original Kafka record value (for {@link RejectReason#LATE} events: the event as JSON)
 * @param reason why it was rejected, a {@link RejectReason#code()}
 * @param detail what exactly was wrong
 * @param origin where the record was read; {@code null} for late events, which the rejecting operator did not read
 *     from Kafka itself
 * @param sourceTimestamp the Kafka record's timestamp (for late events: the event time), epoch ms
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String detail, KafkaOrigin origin,
                         long sourceTimestamp) {

    /** A record read from Kafka at {@code origin} that does not parse or validate. */
    public static DeadLetter rejected(RejectReason reason, String detail, byte[] key, byte[] value, KafkaOrigin origin,
                                      long recordTimestamp) {
        return new DeadLetter(key, value, reason.code(), detail, origin, recordTimestamp);
    }

    /** A valid event whose window was already final; keyed by its vehicle, the event as JSON for value. */
    public static DeadLetter late(VehicleEvent event, byte[] eventJson, String detail) {
        return new DeadLetter(event.vehicleId().getBytes(StandardCharsets.UTF_8), eventJson, RejectReason.LATE.code(),
                detail, null, event.timestamp());
    }
}
