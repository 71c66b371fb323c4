package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The Kafka source of vehicle events and the dead-letter sink, as every job that reads the events topic builds them
 * from its {@link KafkaSourceConfig}.
 */
public final class VehicleEventSources {

    /** The consumer's isolation level unless {@code KafkaSource.isolation.level} says otherwise. */
    public static final String READ_COMMITTED = "read_committed";

    /**
     * Producer defaults of the dead-letter sink; {@code KafkaSource.*} producer keys override them. A flood of bad
     * input must not slow the job much more than its share of the records: compressed batches that fill for up to
     * 20 ms cut the producer's and the broker's work per dead letter (see docs/benchmarks.md, BadInputFlood).
     */
    static final Map<String, String> DEAD_LETTER_PRODUCER_DEFAULTS = Map.of(
            ProducerConfig.BATCH_SIZE_CONFIG, "131072",
            ProducerConfig.LINGER_MS_CONFIG, "20",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    private VehicleEventSources() {
    }

    /**
     * Checks at start-up that the events topic and the dead-letter topic exist (creating them when
     * {@code KafkaSource.create.topic.partitions} is set), so a missing topic fails the job before it runs instead of
     * on the first bad record, in a restart loop.
     *
     * @throws IllegalStateException naming the missing topic and the fix
     */
    public static void ensureTopics(KafkaSourceConfig config) {
        KafkaTopics.ensureExists(config.kafka(), config.topic(),
                "events topic (" + KafkaSourceConfig.GROUP + "." + KafkaSourceConfig.TOPIC + ")");
        KafkaTopics.ensureExists(config.kafka(), config.deadLetterTopic(),
                "dead-letter topic (" + KafkaSourceConfig.GROUP + "." + KafkaSourceConfig.DLQ_TOPIC + ")");
    }

    /** The source the configuration describes, unbounded. */
    public static KafkaSource<IncomingRecord> kafkaSource(KafkaSourceConfig config) {
        return kafkaSourceBuilder(config).build();
    }

    /**
     * The configured source builder, for callers that change one thing before building, e.g. tests and benchmarks
     * that read a topic to its end with {@code setBounded(OffsetsInitializer.latest())}.
     */
    public static KafkaSourceBuilder<IncomingRecord> kafkaSourceBuilder(KafkaSourceConfig config) {
        Properties consumer = onlyKnownKeys(config.kafka().toProperties(), KafkaSourceConfig.CONSUMER_KEYS);
        // Kafka's default, read_uncommitted, also returns the records of aborted transactions: after a failure of the
        // generator at exactly-once, the events it wrote since its last checkpoint would be counted twice (its
        // restored state produces them again). Without transactional producers both levels read the same records.
        consumer.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED);
        return KafkaSource.<IncomingRecord>builder()
                .setProperties(consumer)
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setTopics(config.topic())
                .setGroupId(config.groupId())
                .setStartingOffsets(config.startingOffsets().toOffsetsInitializer())
                .setDeserializer(new IncomingRecordDeserializer(config.maxFutureMs()))
                // Committed offsets are what committed-or-latest resumes from after a fresh start and what lag
                // monitoring reads; Flink itself restores from the offsets in its checkpoints.
                .setProperty(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key(), "true");
    }

    /**
     * The dead-letter sink: at-least-once into {@link KafkaSourceConfig#deadLetterTopic()}, with the same brokers and
     * client settings (e.g. authentication) as the source.
     */
    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSourceConfig config) {
        Properties producer = onlyKnownKeys(config.kafka().toProperties(), KafkaSourceConfig.PRODUCER_KEYS);
        DEAD_LETTER_PRODUCER_DEFAULTS.forEach(producer::putIfAbsent);
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(
                        new DeadLetterRecordSerializer(config.deadLetterTopic(), config.deadLetterMaxRecordBytes()))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * The group's keys serve a consumer and a producer at once; each client gets only the keys it knows, so neither
     * logs an "unknown configuration" warning for the other's settings.
     */
    private static Properties onlyKnownKeys(Properties all, Set<String> known) {
        Properties filtered = new Properties();
        for (String name : all.stringPropertyNames()) {
            if (known.contains(name)) {
                filtered.setProperty(name, all.getProperty(name));
            }
        }
        return filtered;
    }
}
