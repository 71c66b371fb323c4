package dev.fleetpulse.infrastructure;

import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.jobs.kafka.KafkaClientProperties;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import dev.fleetpulse.jobs.prometheus.PrometheusSinkConfig;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the deployed pipeline runs with, typed, and the MSF runtime property groups generated from it.
 *
 * <p>Every group name and key comes from the jobs' configuration classes (and the Kafka client's own constants for
 * the pass-through security keys), never from a string typed here: a key renamed in a job fails this module's
 * compilation, and the tests read the generated groups back with each job's own configuration reader. The
 * constants are compile-time constants, so the app needs none of the jobs' classes when it runs.
 *
 * @param topic the events topic
 * @param deadLetterTopic where the pre-processor and the raw writer send records they cannot use
 * @param partitions partitions of both topics, created by the jobs when missing; also the upper bound of the
 *     consuming jobs' source parallelism (a subtask beyond the partition count would read nothing)
 * @param eventsPerSecond the generator's rate over the whole job
 * @param vehicles the generator's fleet size
 * @param windowSizeSeconds the pre-processor's tumbling window
 * @param rawWriterMaxEventsPerSecond the raw writer's read rate limit (AMP ingestion quotas); 0 for none
 * @param preProcessorGroupId the pre-processor's consumer group (the IAM policy names it)
 * @param rawEventWriterGroupId the raw writer's consumer group (the IAM policy names it)
 */
public record PipelineSettings(String topic, String deadLetterTopic, int partitions, int eventsPerSecond,
                               int vehicles, int windowSizeSeconds, long rawWriterMaxEventsPerSecond,
                               String preProcessorGroupId, String rawEventWriterGroupId) {

    /**
     * MSF forwards the metrics of this group to CloudWatch, so the sink's counters (samples out, dropped, retries)
     * show there; the sink's own default group would stay inside the job.
     */
    static final String MSF_METRIC_GROUP = JobMetrics.CLOUDWATCH_GROUP;

    /**
     * MSK with IAM access control: the client signs its SASL handshake with the application role's credentials
     * (aws-msk-iam-auth, inside every job's jar). The jobs pass these keys to their Kafka clients unchanged.
     */
    static final Map<String, String> MSK_IAM_CLIENT_PROPERTIES = orderedMap(
            CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL",
            SaslConfigs.SASL_MECHANISM, "AWS_MSK_IAM",
            SaslConfigs.SASL_JAAS_CONFIG, "software.amazon.msk.auth.iam.IAMLoginModule required;",
            SaslConfigs.SASL_CLIENT_CALLBACK_HANDLER_CLASS, "software.amazon.msk.auth.iam.IAMClientCallbackHandler");

    public PipelineSettings {
        requireName("topic", topic);
        requireName("deadLetterTopic", deadLetterTopic);
        requireName("preProcessorGroupId", preProcessorGroupId);
        requireName("rawEventWriterGroupId", rawEventWriterGroupId);
        if (deadLetterTopic.equals(topic)) {
            throw new IllegalArgumentException("deadLetterTopic must differ from topic '" + topic
                    + "': dead letters written to the events topic would be read again");
        }
        if (preProcessorGroupId.equals(rawEventWriterGroupId)) {
            throw new IllegalArgumentException("the pre-processor and the raw writer need their own consumer groups,"
                    + " both were '" + preProcessorGroupId + "': each would read only part of the events");
        }
        requireAtLeast("partitions", partitions, 1);
        requireAtLeast("eventsPerSecond", eventsPerSecond, 1);
        requireAtLeast("vehicles", vehicles, 1);
        requireAtLeast("windowSizeSeconds", windowSizeSeconds, 1);
        requireAtLeast("rawWriterMaxEventsPerSecond", rawWriterMaxEventsPerSecond, 0);
    }

    /**
     * The settings of a new deployment: the jobs' own topic and group defaults, and a rate that keeps the raw writer's
     * AMP ingestion (one sample per event) around 360,000 samples an hour.
     */
    public static PipelineSettings defaults() {
        return new PipelineSettings(KafkaTopics.DEFAULT_EVENTS_TOPIC, KafkaTopics.DEFAULT_DEAD_LETTER_TOPIC, 4, 100,
                GeneratorConfig.DEFAULT_VEHICLES, PreProcessorConfig.DEFAULT_WINDOW_SIZE_SEC, 0,
                PreProcessorConfig.DEFAULT_GROUP_ID, RawEventWriterConfig.DEFAULT_GROUP_ID);
    }

    /** These settings with another rate and fleet size, e.g. from the app's context. */
    public PipelineSettings withLoad(int newEventsPerSecond, int newVehicles) {
        return new PipelineSettings(topic, deadLetterTopic, partitions, newEventsPerSecond, newVehicles,
                windowSizeSeconds, rawWriterMaxEventsPerSecond, preProcessorGroupId, rawEventWriterGroupId);
    }

    /** The consumer group of a job that reads the events topic; none for the generator. */
    public String consumerGroup(FlinkJob job) {
        return switch (job) {
            case PRE_PROCESSOR -> preProcessorGroupId;
            case RAW_EVENT_WRITER -> rawEventWriterGroupId;
            case VEHICLE_EVENT_GENERATOR -> throw new IllegalArgumentException(job.jobName() + " reads no topic");
        };
    }

    /**
     * The runtime property groups of {@code job}, group name to key to value, in a stable order.
     *
     * @param bootstrapServers the MSK cluster's IAM bootstrap string (a deploy-time token in the stack)
     * @param remoteWriteUrl the AMP workspace's remote-write URL (a deploy-time token in the stack); unused by the
     *     generator
     */
    public Map<String, Map<String, String>> propertyGroups(FlinkJob job, String bootstrapServers,
                                                           String remoteWriteUrl) {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        switch (job) {
            case VEHICLE_EVENT_GENERATOR -> {
                groups.put(GeneratorConfig.DATAGEN, orderedMap(
                        GeneratorConfig.EVENTS_PER_SEC, Integer.toString(eventsPerSecond),
                        GeneratorConfig.VEHICLES, Integer.toString(vehicles)));
                Map<String, String> sink = orderedMap(
                        KafkaClientProperties.BOOTSTRAP_SERVERS, bootstrapServers,
                        GeneratorConfig.TOPIC, topic,
                        KafkaClientProperties.CREATE_TOPIC_PARTITIONS, Integer.toString(partitions));
                sink.putAll(MSK_IAM_CLIENT_PROPERTIES);
                groups.put(GeneratorConfig.KAFKA_SINK, sink);
            }
            case PRE_PROCESSOR -> {
                groups.put(KafkaSourceConfig.GROUP, kafkaSource(bootstrapServers, preProcessorGroupId));
                groups.put(PreProcessorConfig.AGGREGATION, orderedMap(
                        PreProcessorConfig.WINDOW_SIZE_SEC, Integer.toString(windowSizeSeconds)));
                groups.put(PrometheusSinkConfig.GROUP, prometheusSink(remoteWriteUrl));
            }
            case RAW_EVENT_WRITER -> {
                groups.put(KafkaSourceConfig.GROUP, kafkaSource(bootstrapServers, rawEventWriterGroupId));
                groups.put(RawEventWriterConfig.RAW_WRITER, orderedMap(
                        RawEventWriterConfig.MAX_EVENTS_PER_SEC, Long.toString(rawWriterMaxEventsPerSecond)));
                groups.put(PrometheusSinkConfig.GROUP, prometheusSink(remoteWriteUrl));
            }
        }
        return groups;
    }

    private Map<String, String> kafkaSource(String bootstrapServers, String groupId) {
        Map<String, String> source = orderedMap(
                KafkaClientProperties.BOOTSTRAP_SERVERS, bootstrapServers,
                KafkaSourceConfig.TOPIC, topic,
                KafkaSourceConfig.GROUP_ID, groupId,
                KafkaSourceConfig.DLQ_TOPIC, deadLetterTopic,
                KafkaSourceConfig.MAX_PARALLELISM, Integer.toString(partitions),
                KafkaClientProperties.CREATE_TOPIC_PARTITIONS, Integer.toString(partitions));
        source.putAll(MSK_IAM_CLIENT_PROPERTIES);
        return source;
    }

    private static Map<String, String> prometheusSink(String remoteWriteUrl) {
        // No auth.mode: an AMP workspace URL selects SigV4 with the region from the URL and the application role's
        // credentials, which is exactly what MSF needs.
        return orderedMap(
                PrometheusSinkConfig.ENDPOINT_URL, remoteWriteUrl,
                PrometheusSinkConfig.METRIC_GROUP_NAME, MSF_METRIC_GROUP);
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (map.put(keysAndValues[i], keysAndValues[i + 1]) != null) {
                throw new IllegalArgumentException("duplicate key " + keysAndValues[i]);
            }
        }
        return map;
    }

    private static void requireName(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requireAtLeast(String what, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be >= " + min + ", was " + value);
        }
    }
}
