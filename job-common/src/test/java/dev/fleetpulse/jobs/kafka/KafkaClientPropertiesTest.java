package dev.fleetpulse.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    private static final Map<String, String> MSK_IAM = Map.of(
            "security.protocol", "SASL_SSL",
            "sasl.mechanism", "AWS_MSK_IAM",
            "sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
            "sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");

    @Test
    void shouldPassMskIamKeysToClientWhenGroupHasThem() {
        Map<String, String> group = new HashMap<>(MSK_IAM);
        group.put("bootstrap.servers", "b-1.msk:9098");
        group.put("topic", "vehicle-events");
        ConfigReader reader = reader(group);

        KafkaClientProperties kafka = KafkaClientProperties.read(reader.group("KafkaSink"), Set.of("topic"));

        assertThat(reader.problems()).isEmpty();
        Properties props = kafka.toProperties();
        Properties expected = new Properties();
        expected.putAll(MSK_IAM);
        expected.setProperty("bootstrap.servers", "b-1.msk:9098");
        assertThat(props).isEqualTo(expected);
        assertThat(kafka.createTopicWhenMissing()).isFalse();
    }

    @Test
    void shouldCreateTopicOnlyWhenPartitionsAreGiven() {
        ConfigReader reader = reader(Map.of("bootstrap.servers", "127.0.0.1:9092", "create.topic.partitions", "4"));

        KafkaClientProperties kafka = KafkaClientProperties.read(reader.group("KafkaSink"), Set.of());

        assertThat(kafka.createTopicWhenMissing()).isTrue();
        assertThat(kafka.createTopicPartitions()).isEqualTo(4);
        assertThat(kafka.toProperties()).containsOnlyKeys("bootstrap.servers");
    }

    @Test
    void shouldReportBothProblemsWhenServersAreMissingAndPartitionsAreZero() {
        ConfigReader reader = reader(Map.of("create.topic.partitions", "0"));

        KafkaClientProperties.read(reader.group("KafkaSink"), Set.of());

        assertThat(reader.problems()).containsExactly(
                "KafkaSink.bootstrap.servers: is required",
                "KafkaSink.create.topic.partitions: must be in [1, 10000], was 0");
    }

    @Test
    void shouldListServersTopicCreationAndSortedPassThroughKeysInSettings() {
        ConfigReader reader = reader(Map.of("bootstrap.servers", "k:9092", "linger.ms", "5", "acks", "all"));

        KafkaClientProperties kafka = KafkaClientProperties.read(reader.group("KafkaSink"), Set.of());

        assertThat(kafka.settings()).containsExactly(
                Map.entry("bootstrap.servers", "k:9092"),
                Map.entry("create.topic.partitions", "never"),
                Map.entry("acks", "all"),
                Map.entry("linger.ms", "5"));
    }

    @Test
    void shouldMaskJaasConfigAndEveryPasswordSecretOrTokenKeyInToString() {
        ConfigReader reader = reader(Map.of("bootstrap.servers", "b-1.msk:9096", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"fleet\" password=\"jaas-pa55\";",
                "ssl.truststore.password", "trust-pa55", "ssl.keystore.secret", "store-s3cret",
                "sasl.oauthbearer.token.endpoint.url", "https://idp.example/token?token=t0ken"));

        String text = KafkaClientProperties.read(reader.group("KafkaSink"), Set.of()).toString();

        assertThat(text).doesNotContain("jaas-pa55", "trust-pa55", "store-s3cret", "t0ken")
                .contains("bootstrap.servers=b-1.msk:9096", "security.protocol=SASL_SSL", "sasl.jaas.config=****",
                        "ssl.truststore.password=****", "ssl.keystore.secret=****",
                        "sasl.oauthbearer.token.endpoint.url=****");
    }

    private static ConfigReader reader(Map<String, String> kafkaSink) {
        return new ConfigReader("test-job", ApplicationProperties.of(Map.of("KafkaSink", kafkaSink)));
    }
}
