package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.KafkaOrigin;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class IncomingRecordDeserializerTest {

    private static final long T0 = 1_730_621_749_000L;
    private static final byte[] KEY = bytes("V0000012345");

    private static final long MAX_FUTURE_MS = 600_000;

    private final IncomingRecordDeserializer deserializer = new IncomingRecordDeserializer(MAX_FUTURE_MS);
    private final List<IncomingRecord> out = new ArrayList<>();

    @BeforeEach
    void open() {
        deserializer.open(null);
    }

    @Test
    void shouldEmitTheEventWhenTheRecordIsValid() {
        deserialize(bytes("{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V0000012345\",\"region\":\"UK\","
                + "\"timestamp\":1730621749000,\"measurement\":4356}"));

        assertThat(out).containsExactly(IncomingRecord.of(
                new VehicleEvent(EventType.IC_RPM, "V0000012345", Region.UK, T0, 4356)));
    }

    @Test
    void shouldKeepTheOriginalBytesReasonAndKafkaCoordinatesWhenTheRecordIsInvalid() {
        byte[] garbage = {'{', (byte) 0xff, 0, '"'};

        deserialize(garbage);

        assertThat(out).hasSize(1);
        DeadLetter letter = out.get(0).deadLetter();
        assertThat(letter.key()).isEqualTo(KEY);
        assertThat(letter.value()).isEqualTo(garbage);
        assertThat(letter.reason()).isEqualTo("malformed-json");
        assertThat(letter.origin()).isEqualTo(new KafkaOrigin("vehicle-events", 3, 42L));
        assertThat(letter.sourceTimestamp()).isEqualTo(T0);
    }

    @Test
    void shouldDeadLetterARecordWithoutValue() {
        deserialize(null);

        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.deadLetter().reason()).isEqualTo("malformed-json");
            assertThat(r.deadLetter().value()).isNull();
        });
    }

    @Test
    void shouldNameTheReasonOfAValidJsonObjectThatIsNotAnEvent() {
        deserialize(bytes("{\"eventType\":\"OIL_PRESSURE\",\"vehicleId\":\"V1\",\"region\":\"UK\","
                + "\"timestamp\":1730621749000,\"measurement\":1}"));

        assertThat(out.get(0).deadLetter().reason()).isEqualTo("unknown-event-type");
    }

    @Test
    void shouldDeadLetterAnEventDatedBeyondTheAllowedClockSkew() {
        long year2090 = 3_786_912_000_000L;

        deserialize(event(year2090));

        DeadLetter letter = out.get(0).deadLetter();
        assertThat(letter.reason()).isEqualTo("future-timestamp");
        assertThat(letter.detail()).startsWith("timestamp 2090-01-01T00:00:00Z is ")
                .endsWith("; at most 600000 ms (KafkaSource.max.future.ms) are accepted");
        assertThat(letter.value()).isEqualTo(event(year2090));
    }

    @Test
    void shouldAcceptEventsWithinTheAllowedClockSkewAndAnyPastEvent() {
        long now = System.currentTimeMillis();
        long year2001 = 978_307_200_000L;

        deserialize(event(now + MAX_FUTURE_MS / 2));
        deserialize(event(year2001));
        deserialize(event(now + 2 * MAX_FUTURE_MS));
        deserialize(event(now));

        assertThat(out).extracting(IncomingRecord::isValid).containsExactly(true, true, false, true);
    }

    private static byte[] event(long timestamp) {
        return bytes("{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\",\"region\":\"UK\",\"timestamp\":" + timestamp
                + ",\"measurement\":1}");
    }

    private void deserialize(byte[] value) {
        deserializer.deserialize(new ConsumerRecord<>("vehicle-events", 3, 42L, T0, TimestampType.CREATE_TIME,
                KEY.length, value == null ? -1 : value.length, KEY, value, new RecordHeaders(), Optional.empty()),
                new ListCollector(out));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private record ListCollector(List<IncomingRecord> list) implements Collector<IncomingRecord> {
        @Override
        public void collect(IncomingRecord record) {
            list.add(record);
        }

        @Override
        public void close() {
        }
    }
}
