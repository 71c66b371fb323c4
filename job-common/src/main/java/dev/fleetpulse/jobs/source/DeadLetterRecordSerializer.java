package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * A dead letter as a Kafka record: the original key and value unchanged, everything else in headers (UTF-8 text)
 * so any consumer can read it without our classes.
 *
 * <p>The record gets the time it was dead-lettered (the producer's clock), not the original timestamp: an ancient
 * or absurd original timestamp would make the broker's retention delete the dead letter at once. The original is in
 * {@value #SOURCE_TIMESTAMP}.
 */
public final class DeadLetterRecordSerializer implements KafkaRecordSerializationSchema<DeadLetter> {

    private static final long serialVersionUID = 1L;

    public static final String REASON = "fleetpulse.reason";
    public static final String DETAIL = "fleetpulse.detail";
    public static final String SOURCE_TOPIC = "fleetpulse.source.topic";
    public static final String SOURCE_PARTITION = "fleetpulse.source.partition";
    public static final String SOURCE_OFFSET = "fleetpulse.source.offset";
    public static final String SOURCE_TIMESTAMP = "fleetpulse.source.timestamp";

    private final String topic;

    public DeadLetterRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter letter, KafkaSinkContext context, Long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        add(headers, REASON, letter.reason());
        add(headers, DETAIL, letter.detail());
        // Late events were not read from Kafka by the operator that rejected them: no coordinates to report.
        if (letter.sourceTopic() != null) {
            add(headers, SOURCE_TOPIC, letter.sourceTopic());
            add(headers, SOURCE_PARTITION, Integer.toString(letter.sourcePartition()));
            add(headers, SOURCE_OFFSET, Long.toString(letter.sourceOffset()));
        }
        add(headers, SOURCE_TIMESTAMP, Long.toString(letter.sourceTimestamp()));
        return new ProducerRecord<>(topic, null, null, letter.key(), letter.value(), headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
