package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.config.ConfigReader;
import dev.fleetpulse.jobs.kafka.KafkaClientProperties;
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
 */
public record KafkaSourceConfig(KafkaClientProperties kafka, String topic, String groupId,
                                StartingOffsets startingOffsets, int maxParallelism, String deadLetterTopic)
        implements Serializable {

    public static final String GROUP = "KafkaSource";
    public static final String TOPIC = "topic";
    public static final String GROUP_ID = "group.id";
    public static final String MAX_PARALLELISM = "max.parallelism";
    public static final String DLQ_TOPIC = "dlq.topic";

    public static final String DEFAULT_TOPIC = "vehicle-events";
    public static final String DEFAULT_DLQ_TOPIC = "vehicle-events-dlq";
    static final int MAX_PARALLELISM_LIMIT = 32_768;

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
        String topic = group.string(TOPIC, DEFAULT_TOPIC);
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
        String dlqTopic = group.string(DLQ_TOPIC, DEFAULT_DLQ_TOPIC);
        if (dlqTopic.equals(topic)) {
            group.problem(DLQ_TOPIC, "must differ from " + GROUP + "." + TOPIC + " ('" + topic
                    + "'): dead letters written to the events topic would be read again");
        }
        KafkaClientProperties kafka = KafkaClientProperties.read(group,
                Set.of(TOPIC, GROUP_ID, StartingOffsets.KEY, MAX_PARALLELISM, DLQ_TOPIC));
        Set<String> unknown = new TreeSet<>(kafka.clientProperties().keySet());
        unknown.removeAll(CONSUMER_KEYS);
        unknown.removeAll(PRODUCER_KEYS);
        if (!unknown.isEmpty()) {
            LOG.warn("Ignoring {} keys that neither the Kafka consumer nor producer knows (a typo?): {}", GROUP, unknown);
        }
        return new KafkaSourceConfig(kafka, topic, groupId, offsets, maxParallelism, dlqTopic);
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
        kafka.settings().forEach((k, v) -> settings.put(GROUP + "." + k, v));
        return settings;
    }
}
