package dev.fleetpulse.infrastructure;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.prometheus.amp.AmpRequestSigner;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime property groups against the jobs' own configuration classes, the way ConfigurationDocTest holds the
 * documentation to them: every generated key is one the job reads, the job starts with exactly these groups (so what
 * it requires is set), and the template carries exactly the generated groups.
 */
class PropertyGroupsTest {

    /** Realistic deploy-time values for the two tokens: an IAM bootstrap string and an AMP remote-write URL. */
    private static final String BOOTSTRAP = "b-1.fleetpulsekafka.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098,"
            + "b-2.fleetpulsekafka.a1b2c3.c2.kafka.eu-west-1.amazonaws.com:9098";
    private static final String REMOTE_WRITE = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/"
            + "ws-12345678-abcd-4ef0-9876-0123456789ab/api/v1/remote_write";

    private static final Map<FlinkJob, Function<ConfigReader, Object>> READERS = Map.of(
            FlinkJob.VEHICLE_EVENT_GENERATOR, GeneratorConfig::read,
            FlinkJob.PRE_PROCESSOR, PreProcessorConfig::read,
            FlinkJob.RAW_EVENT_WRITER, RawEventWriterConfig::read);

    private final PipelineSettings settings = PipelineSettings.defaults();

    @ParameterizedTest
    @EnumSource(FlinkJob.class)
    void shouldGenerateOnlyKeysTheJobReadsAndEverythingItRequires(FlinkJob job) {
        Map<String, Map<String, String>> groups = settings.propertyGroups(job, BOOTSTRAP, REMOTE_WRITE);
        ConfigReader reader = new ConfigReader(job.jobName(), ApplicationProperties.of(groups));

        READERS.get(job).apply(reader); // validates: throws, listing every problem, if a required key is missing

        assertThat(reader.problems()).isEmpty();
        assertThat(reader.keysRead()).containsAll(fullKeys(groups));
    }

    @ParameterizedTest
    @EnumSource(FlinkJob.class)
    void shouldPassOnlyKafkaClientSettingsThroughTheKafkaGroup(FlinkJob job) {
        Map<String, Map<String, String>> groups = settings.propertyGroups(job, BOOTSTRAP, REMOTE_WRITE);
        // What the job reads for itself, learnt from a reading without the pass-through keys; the rest of the
        // Kafka group goes to the Kafka clients unchanged, so it has to be a Kafka client setting.
        Map<String, Map<String, String>> withoutPassThrough = new LinkedHashMap<>();
        groups.forEach((group, map) -> {
            Map<String, String> copy = new LinkedHashMap<>(map);
            PipelineSettings.MSK_IAM_CLIENT_PROPERTIES.keySet().forEach(copy::remove);
            withoutPassThrough.put(group, copy);
        });
        ConfigReader reader = new ConfigReader(job.jobName(), ApplicationProperties.of(withoutPassThrough));
        READERS.get(job).apply(reader);
        Set<String> passThrough = new TreeSet<>(fullKeys(groups));
        passThrough.removeAll(reader.keysRead());

        String kafkaGroup = job == FlinkJob.VEHICLE_EVENT_GENERATOR ? GeneratorConfig.KAFKA_SINK : KafkaSourceConfig.GROUP;
        Set<String> clientKeys = new HashSet<>(ProducerConfig.configNames());
        clientKeys.addAll(ConsumerConfig.configNames());
        assertThat(passThrough).containsExactlyInAnyOrderElementsOf(PipelineSettings.MSK_IAM_CLIENT_PROPERTIES
                .keySet().stream().map(k -> kafkaGroup + "." + k).toList());
        assertThat(PipelineSettings.MSK_IAM_CLIENT_PROPERTIES.keySet()).allSatisfy(k -> assertThat(clientKeys)
                .contains(k));
    }

    @Test
    void shouldAuthenticateToMskWithIamThroughClassesTheJarsShip() throws IOException {
        assertThat(PipelineSettings.MSK_IAM_CLIENT_PROPERTIES).containsExactly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "AWS_MSK_IAM"),
                Map.entry("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;"),
                Map.entry("sasl.client.callback.handler.class",
                        "software.amazon.msk.auth.iam.IAMClientCallbackHandler"));
        for (FlinkJob job : FlinkJob.values()) {
            try (ZipFile jar = new ZipFile(Synthesized.repository().jarPath(job).toFile())) {
                assertThat(jar.getEntry("software/amazon/msk/auth/iam/IAMLoginModule.class")).isNotNull();
                assertThat(jar.getEntry("software/amazon/msk/auth/iam/IAMClientCallbackHandler.class")).isNotNull();
            }
        }
    }

    @Test
    void shouldSignRemoteWritesToTheAmpWorkspaceWithSigV4() {
        for (FlinkJob job : List.of(FlinkJob.PRE_PROCESSOR, FlinkJob.RAW_EVENT_WRITER)) {
            Map<String, Map<String, String>> groups = settings.propertyGroups(job, BOOTSTRAP, REMOTE_WRITE);
            Object signer = job == FlinkJob.PRE_PROCESSOR
                    ? PreProcessorConfig.from(ApplicationProperties.of(groups)).prometheus().sink().requestSigner()
                    : RawEventWriterConfig.from(ApplicationProperties.of(groups)).prometheus().sink().requestSigner();
            assertThat(signer).as("request signer of %s", job).isInstanceOf(AmpRequestSigner.class);
        }
    }

    @ParameterizedTest
    @EnumSource(FlinkJob.class)
    void shouldPutExactlyTheGeneratedGroupsIntoTheApplication(FlinkJob job) {
        Synthesized synthesized = Synthesized.defaults();
        Map<String, Map<String, String>> generated = settings.propertyGroups(job, BOOTSTRAP, REMOTE_WRITE);
        Map<String, Map<String, Object>> inTemplate = templateGroups(synthesized, job);

        assertThat(inTemplate.keySet()).containsExactlyElementsOf(generated.keySet());
        generated.forEach((group, map) -> {
            assertThat(inTemplate.get(group).keySet()).as(group).containsExactlyInAnyOrderElementsOf(map.keySet());
            map.forEach((key, value) -> {
                Object deployed = inTemplate.get(group).get(key);
                if (value.equals(BOOTSTRAP)) {
                    assertThat(deployed).isEqualTo(Map.of("Fn::GetAtt", List.of(
                            synthesized.idOf("Custom::KafkaBootstrapBrokers", "KafkaBootstrapBrokers"),
                            "BootstrapBrokerStringSaslIam")));
                } else if (value.equals(REMOTE_WRITE)) {
                    assertThat(deployed).isEqualTo(Map.of("Fn::Join", List.of("", List.of(
                            Map.of("Fn::GetAtt", List.of("Prometheus", "PrometheusEndpoint")),
                            "api/v1/remote_write"))));
                } else {
                    assertThat(deployed).as("%s.%s", group, key).isEqualTo(value);
                }
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> templateGroups(Synthesized synthesized, FlinkJob job) {
        String id = synthesized.logicalId(synthesized.application(job).application());
        Map<String, Object> properties = (Map<String, Object>) synthesized.resources().get(id).get("Properties");
        Map<String, Object> configuration = (Map<String, Object>) properties.get("ApplicationConfiguration");
        Map<String, Object> environment = (Map<String, Object>) configuration.get("EnvironmentProperties");
        Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) environment.get("PropertyGroups")) {
            groups.put((String) group.get("PropertyGroupId"), (Map<String, Object>) group.get("PropertyMap"));
        }
        return groups;
    }

    private static Set<String> fullKeys(Map<String, Map<String, String>> groups) {
        Set<String> keys = new TreeSet<>();
        groups.forEach((group, map) -> map.keySet().forEach(key -> keys.add(group + "." + key)));
        return keys;
    }
}
