package dev.fleetpulse.jobs.kafka;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure, before a job starts, that every topic it reads or writes exists: it creates a missing topic when the
 * configuration asks for it ({@code create.topic.partitions}) and otherwise fails with a message that says what to
 * do. Never implicit: on a managed cluster a misspelt topic should fail the job, not appear silently. And never
 * later: a missing dead-letter topic found by the first bad record blocks the source task, fails it, and the job
 * restarts into the same record for ever.
 */
public final class KafkaTopics {

    /** The topic the generator writes and the other jobs read, unless configured otherwise. */
    public static final String DEFAULT_EVENTS_TOPIC = "vehicle-events";
    /** Where the readers put records they cannot use, unless configured otherwise. */
    public static final String DEFAULT_DEAD_LETTER_TOPIC = "vehicle-events-dlq";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long TIMEOUT_SECONDS = 60;

    private KafkaTopics() {
    }

    /**
     * Checks that {@code topic} exists; creates it with {@link KafkaClientProperties#createTopicPartitions()}
     * partitions and the broker's default replication factor when it is missing and creation was asked for.
     *
     * @param purpose what the job uses the topic for, e.g. {@code "dead-letter topic (KafkaSource.dlq.topic)"}
     * @return true when this call created the topic
     * @throws IllegalStateException when the topic is missing and may not be created, or the cluster cannot be
     *     reached or refuses to create it
     */
    public static boolean ensureExists(KafkaClientProperties kafka, String topic, String purpose) {
        try (Admin admin = Admin.create(adminProperties(kafka))) {
            if (admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).contains(topic)) {
                return false;
            }
            if (!kafka.createTopicWhenMissing()) {
                throw new IllegalStateException("The " + purpose + " '" + topic + "' does not exist on "
                        + kafka.bootstrapServers() + ". Create it, or set " + KafkaClientProperties.CREATE_TOPIC_PARTITIONS
                        + " in the job's Kafka property group to let the job create it.");
            }
            NewTopic newTopic = new NewTopic(topic, Optional.of(kafka.createTopicPartitions()), Optional.empty());
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created the {} {} with {} partitions", purpose, topic, kafka.createTopicPartitions());
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                LOG.info("The {} {} was created concurrently; using it", purpose, topic);
                return false;
            }
            throw new IllegalStateException("Cannot check or create the " + purpose + " '" + topic + "' on "
                    + kafka.bootstrapServers() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot check the " + purpose + " '" + topic + "': "
                    + kafka.bootstrapServers() + " did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the " + purpose + " " + topic, e);
        }
    }

    /** Only the keys an admin client knows: producer or consumer keys would each log an "unknown config" warning. */
    private static Properties adminProperties(KafkaClientProperties kafka) {
        Properties all = kafka.toProperties();
        Properties admin = new Properties();
        for (String name : all.stringPropertyNames()) {
            if (AdminClientConfig.configNames().contains(name)) {
                admin.setProperty(name, all.getProperty(name));
            }
        }
        return admin;
    }
}
