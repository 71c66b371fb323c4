package dev.fleetpulse.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.fleetpulse.localstack.LocalKafkaExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaTopicsITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @Test
    void shouldCreateMissingTopicWithConfiguredPartitionsWhenAsked() throws Exception {
        String topic = "created-" + UUID.randomUUID();

        boolean created = KafkaTopics.ensureExists(kafka(3), topic, "events topic");

        assertThat(created).isTrue();
        assertThat(describe(topic).partitions()).hasSize(3);
    }

    @Test
    void shouldLeaveExistingTopicAloneWhenAskedToCreateIt() throws Exception {
        String topic = KAFKA.newTopic(2);

        boolean created = KafkaTopics.ensureExists(kafka(8), topic, "events topic");

        assertThat(created).isFalse();
        assertThat(describe(topic).partitions()).hasSize(2);
    }

    @Test
    void shouldFailFastNamingTheTopicAndTheFixWhenItIsMissingAndCreationWasNotAsked() throws Exception {
        String topic = "absent-" + UUID.randomUUID();

        assertThatThrownBy(() -> KafkaTopics.ensureExists(kafka(0), topic, "dead-letter topic (KafkaSource.dlq.topic)"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The dead-letter topic (KafkaSource.dlq.topic) '" + topic + "' does not exist on "
                        + KAFKA.bootstrapServers() + ". Create it, or set create.topic.partitions in the job's Kafka"
                        + " property group to let the job create it.");
        try (Admin admin = Admin.create(KAFKA.kafka().clientProperties(Map.of()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
    }

    @Test
    void shouldAcceptAnExistingTopicWhenCreationWasNotAsked() {
        assertThat(KafkaTopics.ensureExists(kafka(0), KAFKA.newTopic(1), "events topic")).isFalse();
    }

    private static KafkaClientProperties kafka(int createTopicPartitions) {
        return new KafkaClientProperties(KAFKA.bootstrapServers(), Map.of("linger.ms", "5"), createTopicPartitions);
    }

    private static TopicDescription describe(String topic) throws Exception {
        try (Admin admin = Admin.create(KAFKA.kafka().clientProperties(Map.of()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        }
    }
}
