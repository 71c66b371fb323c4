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
 * Creates a job's topic when the configuration asks for it ({@code create.topic.partitions}). Never implicit: on a
 * managed cluster a misspelt topic should fail the job, not appear silently.
 */
public final class KafkaTopics {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long TIMEOUT_SECONDS = 60;

    private KafkaTopics() {
    }

    /**
     * Creates {@code topic} with {@link KafkaClientProperties#createTopicPartitions()} partitions and the broker's
     * default replication factor, unless it exists; does nothing when topic creation was not asked for.
     *
     * @return true when this call created the topic
     * @throws IllegalStateException when the cluster cannot be reached or refuses to create the topic
     */
    public static boolean createIfMissing(KafkaClientProperties kafka, String topic) {
        if (!kafka.createTopicWhenMissing()) {
            return false;
        }
        try (Admin admin = Admin.create(adminProperties(kafka))) {
            if (admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).contains(topic)) {
                LOG.info("Topic {} exists; leaving it as it is", topic);
                return false;
            }
            NewTopic newTopic = new NewTopic(topic, Optional.of(kafka.createTopicPartitions()), Optional.empty());
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created topic {} with {} partitions", topic, kafka.createTopicPartitions());
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                LOG.info("Topic {} was created concurrently; using it", topic);
                return false;
            }
            throw new IllegalStateException("Cannot create topic " + topic + " on " + kafka.bootstrapServers()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot create topic " + topic + ": " + kafka.bootstrapServers()
                    + " did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + topic, e);
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
