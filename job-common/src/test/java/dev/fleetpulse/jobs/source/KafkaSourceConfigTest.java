package dev.fleetpulse.jobs.source;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaSourceConfigTest {

    private static final String JOB_GROUP = "some-job";

    @Test
    void shouldUseTheDefaultsAndTheJobsOwnConsumerGroupWhenOnlyServersAreGiven() {
        KafkaSourceConfig config = read(Map.of("bootstrap.servers", "127.0.0.1:9092"));

        assertThat(config.topic()).isEqualTo("vehicle-events");
        assertThat(config.groupId()).isEqualTo(JOB_GROUP);
        assertThat(config.startingOffsets()).isEqualTo(StartingOffsets.DEFAULT);
        assertThat(config.maxParallelism()).isZero();
        assertThat(config.deadLetterTopic()).isEqualTo("vehicle-events-dlq");
        assertThat(config.maxFutureMs()).isEqualTo(600_000);
        assertThat(config.deadLetterMaxRecordBytes()).isEqualTo(1_000_000);
        assertThat(config.kafka().clientProperties()).isEmpty();
    }

    @Test
    void shouldPassEveryOtherKeyToTheKafkaClients() {
        KafkaSourceConfig config = read(Map.of("bootstrap.servers", "b:9098", "group.id", "mine",
                "security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM"));

        assertThat(config.groupId()).isEqualTo("mine");
        assertThat(config.kafka().clientProperties())
                .containsExactlyInAnyOrderEntriesOf(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM"));
    }

    @Test
    void shouldCapTheSourceParallelismWhenMaxParallelismIsSet() {
        KafkaSourceConfig config = read(Map.of("bootstrap.servers", "b:9092", "max.parallelism", "4"));

        assertThat(config.sourceParallelism(8)).isEqualTo(4);
        assertThat(config.sourceParallelism(2)).isEqualTo(2);
        assertThat(read(Map.of("bootstrap.servers", "b:9092")).sourceParallelism(8)).isEqualTo(8);
    }

    @Test
    void shouldKeepDeadLettersBelowTheProducersRequestLimit() {
        KafkaSourceConfig smallRequests = read(Map.of("bootstrap.servers", "b:9092", "max.request.size", "524288"));
        KafkaSourceConfig explicit = read(Map.of("bootstrap.servers", "b:9092", "dlq.max.record.bytes", "200000",
                "max.future.ms", "0"));

        assertThat(smallRequests.deadLetterMaxRecordBytes()).isEqualTo(524_288 - 4_096);
        assertThat(smallRequests.kafka().clientProperties()).containsEntry("max.request.size", "524288");
        assertThat(explicit.deadLetterMaxRecordBytes()).isEqualTo(200_000);
        assertThat(explicit.maxFutureMs()).isZero();
        assertThat(explicit.kafka().clientProperties()).isEmpty();
    }

    @Test
    void shouldListEveryProblemOfTheGroupAtOnce() {
        ConfigReader reader = new ConfigReader(JOB_GROUP, ApplicationProperties.of(Map.of("KafkaSource", Map.of(
                "starting.offsets", "beginning", "max.parallelism", "0", "dlq.topic", "vehicle-events",
                "max.future.ms", "-1", "dlq.max.record.bytes", "1048576"))));
        KafkaSourceConfig.read(reader, JOB_GROUP);

        assertThatThrownBy(reader::validate)
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "KafkaSource.starting.offsets: must be committed-or-latest, earliest, latest or"
                                        + " timestamp:<epoch ms>, was 'beginning'",
                                "KafkaSource.max.parallelism: must be in [1, 32768], was 0",
                                "KafkaSource.dlq.topic: must differ from KafkaSource.topic ('vehicle-events'): dead"
                                        + " letters written to the events topic would be read again",
                                "KafkaSource.max.future.ms: must be in [0, 604800000], was -1",
                                "KafkaSource.dlq.max.record.bytes: must be in [1024, 1044480], was 1048576",
                                "KafkaSource.bootstrap.servers: is required"));
    }

    private static KafkaSourceConfig read(Map<String, String> group) {
        ConfigReader reader = new ConfigReader(JOB_GROUP, ApplicationProperties.of(Map.of("KafkaSource", group)));
        KafkaSourceConfig config = KafkaSourceConfig.read(reader, JOB_GROUP);
        reader.validate();
        return config;
    }
}
