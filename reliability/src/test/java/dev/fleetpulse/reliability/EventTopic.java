package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.localstack.LocalKafka;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The records of a fresh topic, decided before they are written: each vehicle's records go to one partition chosen
 * here (as the key hash would), so the end offset of every partition is known in advance. A job bounded by
 * {@link #endOffsets()} then reads exactly these records and finishes, even while they are still being written.
 */
final class EventTopic {

    private final String topic;
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<TopicPartition, Long> ends = new HashMap<>();
    private final int partitions;

    EventTopic(String topic, int partitions) {
        this.topic = topic;
        this.partitions = partitions;
        for (int p = 0; p < partitions; p++) {
            ends.put(new TopicPartition(topic, p), 0L);
        }
    }

    /** Adds the events as JSON, keyed by vehicle id, with the event time as the record timestamp. */
    EventTopic add(List<VehicleEvent> events) {
        VehicleEventJson json = new VehicleEventJson();
        events.forEach(e -> add(e.vehicleId(), json.toJson(e), e.timestamp()));
        return this;
    }

    /** Adds one record with any value, e.g. one that is not valid JSON. */
    EventTopic add(String key, byte[] value, long timestamp) {
        int partition = Math.floorMod(key.hashCode(), partitions);
        records.add(new ProducerRecord<>(topic, partition, timestamp, key.getBytes(StandardCharsets.UTF_8), value));
        ends.merge(new TopicPartition(topic, partition), 1L, Long::sum);
        return this;
    }

    String name() {
        return topic;
    }

    int size() {
        return records.size();
    }

    /** Where a source reading exactly this topic's records stops: every partition's end offset. */
    OffsetsInitializer endOffsets() {
        return OffsetsInitializer.offsets(Map.copyOf(ends));
    }

    /** Writes every record now, as fast as the broker takes them. */
    void writeAll(LocalKafka kafka) {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    /**
     * Writes the records evenly over {@code duration} from a background thread, as a live fleet would; the future
     * completes when the last one is acknowledged.
     */
    CompletableFuture<Void> writePaced(LocalKafka kafka, Duration duration) {
        return CompletableFuture.runAsync(() -> {
            long started = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
                int written = 0;
                while (written < records.size()) {
                    double elapsed = (double) (System.nanoTime() - started) / duration.toNanos();
                    int due = (int) Math.min(records.size(), Math.ceil(elapsed * records.size()));
                    for (; written < due; written++) {
                        producer.send(records.get(written));
                    }
                    Thread.sleep(20);
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing to " + topic, e);
            }
        });
    }

    /**
     * Idempotent (Kafka's default), so a retried batch is not written twice and each partition keeps the order of
     * {@link #add}; large lz4 batches, so writing a few hundred thousand records takes a second or two.
     */
    private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(kafka.clientProperties(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "10",
                ProducerConfig.BATCH_SIZE_CONFIG, "262144",
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")),
                new ByteArraySerializer(), new ByteArraySerializer());
    }
}
