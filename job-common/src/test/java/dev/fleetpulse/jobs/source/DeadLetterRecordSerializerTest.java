package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterRecordSerializerTest {

    private static final long T0 = 1_730_621_749_000L;
    private final DeadLetterRecordSerializer serializer = new DeadLetterRecordSerializer("vehicle-events-dlq");

    @Test
    void shouldWriteTheOriginalBytesAndTheReasonAndCoordinatesAsHeaders() {
        DeadLetter letter = new DeadLetter(bytes("V1"), bytes("{oops"), "malformed-json", "truncated JSON",
                "vehicle-events", 2, 77L, T0);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter, null, T0);

        assertThat(record.topic()).isEqualTo("vehicle-events-dlq");
        assertThat(record.key()).isEqualTo(bytes("V1"));
        assertThat(record.value()).isEqualTo(bytes("{oops"));
        assertThat(record.timestamp()).as("the producer stamps the time of dead-lettering").isNull();
        assertThat(headers(record)).containsExactly(
                Map.entry("fleetpulse.reason", "malformed-json"),
                Map.entry("fleetpulse.detail", "truncated JSON"),
                Map.entry("fleetpulse.source.topic", "vehicle-events"),
                Map.entry("fleetpulse.source.partition", "2"),
                Map.entry("fleetpulse.source.offset", "77"),
                Map.entry("fleetpulse.source.timestamp", Long.toString(T0)));
    }

    @Test
    void shouldLeaveOutTheCoordinatesOfALateEventWhichHasNone() {
        DeadLetter late = new DeadLetter(bytes("V1"), bytes("{}"), "late", "window closed", null, -1, -1L, T0);

        assertThat(headers(serializer.serialize(late, null, T0))).containsOnlyKeys(
                "fleetpulse.reason", "fleetpulse.detail", "fleetpulse.source.timestamp");
    }

    private static Map<String, String> headers(ProducerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
