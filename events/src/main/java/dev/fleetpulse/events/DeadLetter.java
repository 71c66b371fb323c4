package dev.fleetpulse.events;

/**
 * A record that a job could not use, kept whole for the dead-letter topic ({@code vehicle-events-dlq} by default).
 * The original key and value go out unchanged; the reason and where the record came from go out as headers.
 *
 * @param key the original Kafka record key, may be {@code null}
 * @param value the original Kafka record value (for {@link RejectReason#LATE} events: the event as JSON)
 * @param reason why it was rejected, a {@link RejectReason#code()}
 * @param detail what exactly was wrong
 * @param sourceTopic topic the record was read from
 * @param sourcePartition its partition
 * @param sourceOffset its offset
 * @param sourceTimestamp its Kafka record timestamp, epoch ms
 */
public record DeadLetter(byte[] key, byte[] value, String reason, String detail,
                         String sourceTopic, int sourcePartition, long sourceOffset, long sourceTimestamp) {
}
