package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A dead letter as a Kafka record: the original key and value, everything else in headers (UTF-8 text) so any
 * consumer can read it without our classes.
 *
 * <p>The record gets the time it was dead-lettered (the producer's clock), not the original timestamp: an ancient
 * or absurd original timestamp would make the broker's retention delete the dead letter at once. The original is in
 * {@value #SOURCE_TIMESTAMP}.
 *
 * <p>A dead letter always fits the producer's {@code max.request.size}, whatever was read: otherwise the producer
 * refuses it, the job fails, restarts, reads the same record again and never gets past it. So the
 * {@value #DETAIL} header holds at most {@value #MAX_DETAIL_BYTES} bytes (it may quote user strings of any length),
 * and when key and value together exceed {@code maxRecordBytes} they are cut: the key to
 * {@value #MAX_KEPT_KEY_BYTES} bytes when it is longer, then the value to what is left. The {@value #TRUNCATED}
 * header then says what was cut ({@code key}, {@code value} or {@code key,value}), and {@value #ORIGINAL_KEY_SIZE} /
 * {@value #ORIGINAL_VALUE_SIZE} give the original sizes; the source coordinates lead to the whole record.
 */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    public static final String REASON = "fleetpulse.reason";
    public static final String DETAIL = "fleetpulse.detail";
    public static final String SOURCE_TOPIC = "fleetpulse.source.topic";
    public static final String SOURCE_PARTITION = "fleetpulse.source.partition";
    public static final String SOURCE_OFFSET = "fleetpulse.source.offset";
    public static final String SOURCE_TIMESTAMP = "fleetpulse.source.timestamp";
    public static final String TRUNCATED = "fleetpulse.truncated";
    public static final String ORIGINAL_KEY_SIZE = "fleetpulse.original.key.size";
    public static final String ORIGINAL_VALUE_SIZE = "fleetpulse.original.value.size";

    /** The longest {@value #DETAIL} header, in UTF-8 bytes. */
    public static final int MAX_DETAIL_BYTES = 512;
    /** A key is cut to this many bytes, and only when key and value together are too large. */
    public static final int MAX_KEPT_KEY_BYTES = 1024;
    /**
     * What the headers and Kafka's record framing may take beyond key and value: the detail's
     * {@value #MAX_DETAIL_BYTES} bytes, a topic name of at most 249 characters, a few numbers and the header names.
     */
    public static final int HEADERS_ALLOWANCE_BYTES = 4096;
    private static final String ELLIPSIS = "...";

    private final String topic;
    private final int maxRecordBytes;

    /**
     * @param topic the dead-letter topic
     * @param maxRecordBytes the most key and value may take together; keep it at least
     *     {@value #HEADERS_ALLOWANCE_BYTES} bytes below the producer's {@code max.request.size}
     */
    public DeadLetterRecordSerializer(String topic, int maxRecordBytes) {
        if (maxRecordBytes < MAX_KEPT_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "maxRecordBytes must be at least " + MAX_KEPT_KEY_BYTES + ", was " + maxRecordBytes);
        }
        this.topic = topic;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, REASON, letter.reason());
        add(headers, DETAIL, letter.detail() == null ? null : capped(letter.detail()));
        // Late events were not read from Kafka by the operator that rejected them: no coordinates to report.
        if (letter.origin() != null) {
            add(headers, SOURCE_TOPIC, letter.origin().topic());
            add(headers, SOURCE_PARTITION, Integer.toString(letter.origin().partition()));
            add(headers, SOURCE_OFFSET, Long.toString(letter.origin().offset()));
        }
        add(headers, SOURCE_TIMESTAMP, Long.toString(letter.sourceTimestamp()));

        byte[] key = letter.key();
        byte[] value = letter.value();
        int keyLength = key == null ? 0 : key.length;
        int valueLength = value == null ? 0 : value.length;
        if (keyLength + valueLength > maxRecordBytes) {
            boolean cutKey = keyLength > MAX_KEPT_KEY_BYTES;
            if (cutKey) {
                key = Arrays.copyOf(key, MAX_KEPT_KEY_BYTES);
                add(headers, ORIGINAL_KEY_SIZE, Integer.toString(keyLength));
            }
            int keptKey = key == null ? 0 : key.length;
            boolean cutValue = keptKey + valueLength > maxRecordBytes;
            if (cutValue) {
                value = Arrays.copyOf(value, maxRecordBytes - keptKey);
                add(headers, ORIGINAL_VALUE_SIZE, Integer.toString(valueLength));
            }
            add(headers, TRUNCATED, cutKey && cutValue ? "key,value" : cutKey ? "key" : "value");
        }
        return new ProducerRecord<>(topic, null, null, key, value, headers);
    }

    /** The detail in at most {@value #MAX_DETAIL_BYTES} UTF-8 bytes, cut at a character and marked as cut. */
    static String capped(String detail) {
        byte[] utf8 = detail.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_DETAIL_BYTES) {
            return detail;
        }
        int end = MAX_DETAIL_BYTES - ELLIPSIS.length();
        while ((utf8[end] & 0xC0) == 0x80) { // never cut inside a multi-byte character
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8) + ELLIPSIS;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
