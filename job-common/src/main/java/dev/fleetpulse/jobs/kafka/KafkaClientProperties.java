package dev.fleetpulse.jobs.kafka;

import java.io.Serializable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

import dev.fleetpulse.jobs.EffectiveSettings;
import dev.fleetpulse.jobs.config.ConfigReader;

/**
 * The Kafka client settings of one property group ({@code KafkaSink}, {@code KafkaSource}):
 * {@code bootstrap.servers} is required; {@code create.topic.partitions} asks for the topic to be created when
 * missing; every other key of the group that the job does not read itself goes to the Kafka client unchanged. That
 * pass-through is what makes MSK with IAM authentication work by configuration alone:
 *
 * <pre>
 * security.protocol                  = SASL_SSL
 * sasl.mechanism                     = AWS_MSK_IAM
 * sasl.jaas.config                   = software.amazon.msk.auth.iam.IAMLoginModule required;
 * sasl.client.callback.handler.class = software.amazon.msk.auth.iam.IAMClientCallbackHandler
 * </pre>
 *
 * @param bootstrapServers the brokers, e.g. {@code 127.0.0.1:9092}
 * @param clientProperties every pass-through key, e.g. {@code security.protocol}
 * @param createTopicPartitions partitions of the topic to create when it is missing; 0: never create a topic
 */
public record KafkaClientProperties(String bootstrapServers, Map<String, String> clientProperties,
                                    int createTopicPartitions) implements Serializable {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CREATE_TOPIC_PARTITIONS = "create.topic.partitions";
    /** More partitions than any sane topic of ours has: a typo guard, not a Kafka limit. */
    static final int MAX_PARTITIONS = 10_000;

    public KafkaClientProperties {
        clientProperties = Map.copyOf(clientProperties);
        if (createTopicPartitions < 0) {
            throw new IllegalArgumentException("createTopicPartitions must be >= 0, was " + createTopicPartitions);
        }
    }

    /**
     * Reads the Kafka client settings of {@code group}, reporting problems to its {@link ConfigReader}.
     *
     * @param jobKeys keys of the group the job reads itself (e.g. {@code topic}); they are not passed to Kafka
     */
    public static KafkaClientProperties read(ConfigReader.Group group, Set<String> jobKeys) {
        String servers = group.requiredString(BOOTSTRAP_SERVERS);
        int partitions = group.intIn(CREATE_TOPIC_PARTITIONS, 0, 1, MAX_PARTITIONS);
        Set<String> exclude = new HashSet<>(jobKeys);
        exclude.add(BOOTSTRAP_SERVERS);
        exclude.add(CREATE_TOPIC_PARTITIONS);
        return new KafkaClientProperties(servers, group.passThrough("", exclude), partitions);
    }

    /** True when the job should create its topic if it does not exist. */
    public boolean createTopicWhenMissing() {
        return createTopicPartitions > 0;
    }

    /** A fresh {@link Properties} for a Kafka client or a Flink Kafka connector builder. */
    public Properties toProperties() {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.setProperty(BOOTSTRAP_SERVERS, bootstrapServers);
        return props;
    }

    /**
     * The settings with secrets masked ({@code sasl.jaas.config}, any key naming a password, secret or token): the
     * record's own {@code toString} would print them, and the job configurations that hold this record print it.
     */
    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ", "KafkaClientProperties[", "]");
        settings().forEach((key, value) ->
                text.add(key + "=" + (EffectiveSettings.isSecret(key) ? EffectiveSettings.MASK : value)));
        return text.toString();
    }

    /** For the effective-settings log line: servers, topic creation, then the pass-through keys sorted. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(BOOTSTRAP_SERVERS, bootstrapServers);
        settings.put(CREATE_TOPIC_PARTITIONS, createTopicWhenMissing() ? createTopicPartitions : "never");
        settings.putAll(new TreeMap<>(clientProperties));
        return settings;
    }
}
