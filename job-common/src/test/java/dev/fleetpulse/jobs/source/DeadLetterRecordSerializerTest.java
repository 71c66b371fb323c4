package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.KafkaOrigin;
import dev.fleetpulse.events.RejectReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeadLetterRecordSerializerTest {

    private static final long T0 = 1_730_621_749_000L;
    private static final int MAX_RECORD_BYTES = 1_000_000;
    private static final KafkaOrigin ORIGIN = new KafkaOrigin("vehicle-events", 0, 5L);
    private final DeadLetterRecordSerializer serializer =
            new DeadLetterRecordSerializer("vehicle-events-dlq", MAX_RECORD_BYTES);

    @Test
    void shouldWriteTheOriginalBytesAndTheReasonAndCoordinatesAsHeaders() {
        DeadLetter letter = DeadLetter.rejected(RejectReason.MALFORMED_JSON, "truncated JSON", bytes("V1"),
                bytes("{oops"), new KafkaOrigin("vehicle-events", 2, 77L), T0);

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
        DeadLetter late = DeadLetter.late(new VehicleEvent(EventType.IC_RPM, "V1", Region.UK, T0, 1), bytes("{}"),
                "window closed");

        assertThat(headers(serializer.serialize(late, null, T0))).containsOnlyKeys(
                "fleetpulse.reason", "fleetpulse.detail", "fleetpulse.source.timestamp");
    }

    @Test
    void shouldCutAValueThatWouldNotFitTheProducersRequestAndSaySo() {
        byte[] huge = new byte[3_000_000];
        Arrays.fill(huge, (byte) 'x');
        DeadLetter letter = DeadLetter.rejected(RejectReason.MALFORMED_JSON, "expected a JSON object", bytes("V1"),
                huge, ORIGIN, T0);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(letter, null, T0);

        assertThat(record.key()).isEqualTo(bytes("V1"));
        assertThat(record.value()).hasSize(MAX_RECORD_BYTES - 2);
        assertThat(record.value()).isEqualTo(Arrays.copyOf(huge, MAX_RECORD_BYTES - 2));
        assertThat(headers(record)).containsEntry("fleetpulse.truncated", "value")
                .containsEntry("fleetpulse.original.value.size", "3000000")
                .doesNotContainKey("fleetpulse.original.key.size");
    }

    @Test
    void shouldCutAnOversizedKeyToOneKibibyteOnlyWhenTheRecordIsTooLarge() {
        byte[] longKey = new byte[5_000];
        Arrays.fill(longKey, (byte) 'k');

        ProducerRecord<byte[], byte[]> small = serializer.serialize(DeadLetter.rejected(RejectReason.BAD_VEHICLE_ID,
                "too long", longKey, bytes("{}"), ORIGIN, T0), null, T0);
        ProducerRecord<byte[], byte[]> large = serializer.serialize(DeadLetter.rejected(RejectReason.MALFORMED_JSON, "not JSON",
                longKey, new byte[MAX_RECORD_BYTES], ORIGIN, T0), null, T0);

        assertThat(small.key()).isEqualTo(longKey);
        assertThat(headers(small)).doesNotContainKey("fleetpulse.truncated");
        assertThat(large.key()).hasSize(1024);
        assertThat(large.value()).hasSize(MAX_RECORD_BYTES - 1024);
        assertThat(headers(large)).containsEntry("fleetpulse.truncated", "key,value")
                .containsEntry("fleetpulse.original.key.size", "5000")
                .containsEntry("fleetpulse.original.value.size", Integer.toString(MAX_RECORD_BYTES));
    }

    @Test
    void shouldCapTheDetailAtACharacterBoundary() {
        String eventType = "é".repeat(300_000); // 600 KB of UTF-8, quoted by the parser's detail
        DeadLetter letter = DeadLetter.rejected(RejectReason.UNKNOWN_EVENT_TYPE,
                "unknown eventType '" + eventType + "'", bytes("V1"), bytes("{}"), ORIGIN, T0);

        String detail = headers(serializer.serialize(letter, null, T0)).get("fleetpulse.detail");

        assertThat(detail.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(512);
        assertThat(detail).startsWith("unknown eventType 'ééé").endsWith("é...").doesNotContain("\uFFFD");
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
