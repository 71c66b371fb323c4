package dev.fleetpulse.localstack;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * One record read back from {@link LocalKafka}, with everything a test may assert on. Keys, values and header
 * values are raw bytes (null stays null); the {@code ...AsString} accessors decode UTF-8.
 */
public record KafkaRecord(
        String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {

    public KafkaRecord {
        headers = List.copyOf(headers);
    }

    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String valueAsString() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The last header with this key, decoded as UTF-8 (Kafka allows repeated keys; the last one wins, as usual). */
    public Optional<String> header(String key) {
        String found = null;
        for (Header header : headers) {
            if (header.key().equals(key)) {
                found = header.valueAsString();
            }
        }
        return Optional.ofNullable(found);
    }

    public record Header(String key, byte[] value) {

        public static Header of(String key, String value) {
            return new Header(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        public String valueAsString() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }
}
