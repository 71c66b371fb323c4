package dev.fleetpulse.jobs.source;

import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.kafka.KafkaClientProperties;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import org.apache.flink.connector.kafka.source.KafkaSourceOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code KafkaSource} group of a job that reads vehicle events: where to read, where dead letters go, and the
 * Kafka client settings (every key of the group that is not listed here goes to the consumer and to the dead-letter
 * producer unchanged, e.g. the MSK IAM authentication keys).
 *
 * <p>Jobs differ only in their default consumer group ({@code pre-processor}, {@code raw-event-writer}), so each
 * keeps its own committed offsets on the same topic.
 *
 * @param kafka brokers and pass-through client settings
 * @param topic the events topic
 * @param groupId the consumer group; offsets are committed to it on every completed checkpoint
 * @param startingOffsets where to start without a checkpoint
 * @param maxParallelism upper bound of the source's parallelism (a subtask beyond the partition count would read
 *     nothing); 0 when not set
 * @param deadLetterTopic where records that cannot be used go
 * @param maxFutureMs how far ahead of the processing time an event time may be; later events are dead letters
 * @param deadLetterMaxRecordBytes the most a dead letter's key and value may take together; larger ones are cut
 */
public record KafkaSourceConfig(KafkaClientProperties kafka, String topic, String groupId,
                                StartingOffsets startingOffsets, int maxParallelism, String deadLetterTopic,
                                long maxFutureMs, int deadLetterMaxRecordBytes)
        implements Serializable {

    public static final String GROUP = "KafkaSource";
    public static final String TOPIC = "topic";
    public static final String GROUP_ID = "group.id";
    public static final String MAX_PARALLELISM = "max.parallelism";
    public static final String DLQ_TOPIC = "dlq.topic";
    public static final String MAX_FUTURE_MS = "max.future.ms";
    public static final String DLQ_MAX_RECORD_BYTES = "dlq.max.record.bytes";

    static final int MAX_PARALLELISM_LIMIT = 32_768;
    /** Devices' clocks are often minutes off; hours off is a broken clock. */
    public static final long DEFAULT_MAX_FUTURE_MS = 600_000;
    private static final long MAX_FUTURE_LIMIT_MS = 7 * 24 * 3_600_000L;
    /** Below Kafka's default {@code max.request.size} (1 MiB) by more than the dead letter's headers need. */
    public static final int DEFAULT_DLQ_MAX_RECORD_BYTES = 1_000_000;
    private static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;

    /** Keys the Kafka consumer or Flink's Kafka source understand. */
    static final Set<String> CONSUMER_KEYS = consumerKeys();
    /** Keys the dead-letter producer understands. */
    static final Set<String> PRODUCER_KEYS = Set.copyOf(ProducerConfig.configNames());

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceConfig.class);

    /**
     * Reads the {@code KafkaSource} group, reporting every problem to {@code reader}.
     *
     * @param defaultGroupId the job's own consumer group, used when {@code group.id} is not set
     */
    public static KafkaSourceConfig read(ConfigReader reader, String defaultGroupId) {
        ConfigReader.Group group = reader.group(GROUP);
        String topic = group.string(TOPIC, KafkaTopics.DEFAULT_EVENTS_TOPIC);
        String groupId = group.string(GROUP_ID, defaultGroupId);
        StartingOffsets offsets = StartingOffsets.DEFAULT;
        String offsetsText = group.raw(StartingOffsets.KEY);
        if (offsetsText != null) {
            try {
                offsets = StartingOffsets.parse(offsetsText);
            } catch (IllegalArgumentException e) {
                group.problem(StartingOffsets.KEY, e.getMessage());
            }
        }
        int maxParallelism = group.intIn(MAX_PARALLELISM, 0, 1, MAX_PARALLELISM_LIMIT);
        String dlqTopic = group.string(DLQ_TOPIC, KafkaTopics.DEFAULT_DEAD_LETTER_TOPIC);
        if (dlqTopic.equals(topic)) {
            group.problem(DLQ_TOPIC, "must differ from " + GROUP + "." + TOPIC + " ('" + topic
                    + "'): dead letters written to the events topic would be read again");
        }
        long maxFutureMs = group.longIn(MAX_FUTURE_MS, DEFAULT_MAX_FUTURE_MS, 0, MAX_FUTURE_LIMIT_MS);
        KafkaClientProperties kafka = KafkaClientProperties.read(group,
                Set.of(TOPIC, GROUP_ID, StartingOffsets.KEY, MAX_PARALLELISM, DLQ_TOPIC, MAX_FUTURE_MS,
                        DLQ_MAX_RECORD_BYTES));
        int dlqMaxRecordBytes = readDeadLetterMaxRecordBytes(group, kafka);
        Set<String> unknown = new TreeSet<>(kafka.clientProperties().keySet());
        unknown.removeAll(CONSUMER_KEYS);
        unknown.removeAll(PRODUCER_KEYS);
        if (!unknown.isEmpty()) {
            LOG.warn("Ignoring {} keys that neither the Kafka consumer nor producer knows (a typo?): {}", GROUP, unknown);
        }
        return new KafkaSourceConfig(kafka, topic, groupId, offsets, maxParallelism, dlqTopic, maxFutureMs,
                dlqMaxRecordBytes);
    }

    /**
     * {@code dlq.max.record.bytes}, which must leave room for the dead letter's headers below the producer's
     * {@code max.request.size} (Kafka checks the uncompressed size): a dead letter the producer refuses would fail the
     * job on the same record after every restart.
     */
    private static int readDeadLetterMaxRecordBytes(ConfigReader.Group group, KafkaClientProperties kafka) {
        int maxRequestSize = KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        String configured = kafka.clientProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        if (configured != null) {
            try {
                maxRequestSize = Integer.parseInt(configured.strip());
            } catch (NumberFormatException e) {
                group.problem(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "must be an integer, was '" + configured + "'");
            }
        }
        int upper = maxRequestSize - DeadLetterRecordSerializer.HEADERS_ALLOWANCE_BYTES;
        int lower = DeadLetterRecordSerializer.MAX_KEPT_KEY_BYTES;
        if (upper < lower) {
            group.problem(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "must be at least "
                    + (lower + DeadLetterRecordSerializer.HEADERS_ALLOWANCE_BYTES) + " to carry dead letters, was "
                    + maxRequestSize);
            return DEFAULT_DLQ_MAX_RECORD_BYTES;
        }
        return group.intIn(DLQ_MAX_RECORD_BYTES, Math.min(DEFAULT_DLQ_MAX_RECORD_BYTES, upper), lower, upper);
    }

    private static Set<String> consumerKeys() {
        Set<String> keys = new HashSet<>(ConsumerConfig.configNames());
        keys.add(KafkaSourceOptions.CLIENT_ID_PREFIX.key());
        keys.add(KafkaSourceOptions.PARTITION_DISCOVERY_INTERVAL_MS.key());
        keys.add(KafkaSourceOptions.REGISTER_KAFKA_CONSUMER_METRICS.key());
        keys.add(KafkaSourceOptions.COMMIT_OFFSETS_ON_CHECKPOINT.key());
        return Set.copyOf(keys);
    }

    /** The source's parallelism in an environment whose default is {@code defaultParallelism}. */
    public int sourceParallelism(int defaultParallelism) {
        return maxParallelism > 0 ? Math.min(defaultParallelism, maxParallelism) : defaultParallelism;
    }

    /** For the effective-settings log line, keys prefixed with the group name. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(GROUP + "." + TOPIC, topic);
        settings.put(GROUP + "." + GROUP_ID, groupId);
        settings.put(GROUP + "." + StartingOffsets.KEY, startingOffsets);
        settings.put(GROUP + "." + MAX_PARALLELISM, maxParallelism > 0 ? maxParallelism : "job parallelism");
        settings.put(GROUP + "." + DLQ_TOPIC, deadLetterTopic);
        settings.put(GROUP + "." + MAX_FUTURE_MS, maxFutureMs);
        settings.put(GROUP + "." + DLQ_MAX_RECORD_BYTES, deadLetterMaxRecordBytes);
        kafka.settings().forEach((k, v) -> settings.put(GROUP + "." + k, v));
        return settings;
    }
}
