package dev.fleetpulse.events;

/**
 * Where a Kafka record was read: enough to find the whole record again, e.g. from a dead letter whose value was cut.
 *
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset in that partition
 */
public record KafkaOrigin(String topic, int partition, long offset) {
}
