package dev.fleetpulse.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

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

        boolean created = KafkaTopics.createIfMissing(kafka(3), topic);

        assertThat(created).isTrue();
        assertThat(describe(topic).partitions()).hasSize(3);
    }

    @Test
    void shouldLeaveExistingTopicAloneWhenAskedToCreateIt() throws Exception {
        String topic = KAFKA.newTopic(2);

        boolean created = KafkaTopics.createIfMissing(kafka(8), topic);

        assertThat(created).isFalse();
        assertThat(describe(topic).partitions()).hasSize(2);
    }

    @Test
    void shouldNotCreateTopicWhenNotAsked() throws Exception {
        String topic = "absent-" + UUID.randomUUID();

        boolean created = KafkaTopics.createIfMissing(kafka(0), topic);

        assertThat(created).isFalse();
        try (Admin admin = Admin.create(KAFKA.kafka().clientProperties(Map.of()))) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        }
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
