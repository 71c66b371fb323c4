package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker stack, checked without Docker: services, pinned images, ports on 127.0.0.1 only, every mounted
 * host file present, healthchecks, and the settings the jobs on the host rely on.
 */
class DockerComposeFileTest {

    private static final Path COMPOSE_DIR = Path.of("..", "kafka-docker");
    private static final Path COMPOSE_FILE = COMPOSE_DIR.resolve("docker-compose.yml");
    private static final Path PARENT_POM = Path.of("..", "pom.xml");
    private static final List<String> LONG_RUNNING = List.of("kafka", "kafka-ui", "prometheus", "grafana");

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void readComposeFile() throws IOException {
        compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE_FILE.toFile());
        services = compose.path("services");
    }

    @Test
    void shouldDefineKafkaTopicInitKafkaUiPrometheusAndGrafana() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);

        assertThat(names).containsExactlyInAnyOrder("kafka", "kafka-init", "kafka-ui", "prometheus", "grafana");
    }

    @Test
    void shouldPinEveryImageToAVersionTag() {
        for (Map.Entry<String, JsonNode> service : serviceEntries()) {
            String image = service.getValue().path("image").asText();
            String tag = image.substring(image.lastIndexOf('/') + 1);
            assertThat(tag).as(service.getKey() + " image " + image).contains(":");
            assertThat(tag.substring(tag.indexOf(':') + 1)).as(service.getKey() + " image " + image)
                    .isNotEqualTo("latest").matches("v?\\d+\\.\\d+\\.\\d+");
        }
    }

    @Test
    void shouldRunTheKafkaVersionTheJobsAreBuiltWith() throws IOException {
        Matcher version = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>")
                .matcher(Files.readString(PARENT_POM));
        assertThat(version.find()).as("kafka.version in " + PARENT_POM).isTrue();

        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + version.group(1));
        assertThat(services.path("kafka-init").path("image").asText()).isEqualTo("apache/kafka:" + version.group(1));
    }

    @Test
    void shouldPublishEveryPortOnLoopbackOnly() {
        List<String> published = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : serviceEntries()) {
            for (JsonNode port : service.getValue().path("ports")) {
                assertThat(port.isTextual()).as(service.getKey() + " port in short syntax").isTrue();
                assertThat(port.asText()).as(service.getKey()).startsWith("127.0.0.1:");
                published.add(port.asText());
            }
        }

        assertThat(published).containsExactlyInAnyOrder("127.0.0.1:9092:9092", "127.0.0.1:8080:8080",
                "127.0.0.1:9090:9090", "127.0.0.1:3000:3000");
    }

    @Test
    void shouldMountOnlyHostPathsThatExistAndDeclaredVolumes() {
        int bindMounts = 0;
        for (Map.Entry<String, JsonNode> service : serviceEntries()) {
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    bindMounts++;
                    assertThat(COMPOSE_DIR.resolve(source)).as(service.getKey() + " mounts " + source).exists();
                } else {
                    assertThat(compose.path("volumes").has(source)).as(service.getKey() + " volume " + source)
                            .isTrue();
                }
            }
        }

        assertThat(bindMounts).isEqualTo(5);
    }

    @Test
    void shouldCheckTheHealthOfEveryLongRunningService() {
        for (String name : LONG_RUNNING) {
            JsonNode test = services.path(name).path("healthcheck").path("test");
            assertThat(test.isArray() && !test.isEmpty()).as(name + " healthcheck").isTrue();
        }
    }

    @Test
    void shouldAdvertiseKafkaToHostClientsOn127001Port9092() {
        JsonNode environment = services.path("kafka").path("environment");

        assertThat(environment.path("KAFKA_ADVERTISED_LISTENERS").asText()).contains("//127.0.0.1:9092");
        assertThat(environment.path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    }

    @Test
    void shouldCreateBothTopicsAfterKafkaIsHealthy() {
        JsonNode init = services.path("kafka-init");
        String script = init.path("command").get(0).asText();

        assertThat(init.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(script).contains("--topic vehicle-events --partitions 4")
                .contains("--topic vehicle-events-dlq");
    }

    @Test
    void shouldRunPrometheusWithTheRemoteWriteReceiverAndOurConfigAndRules() {
        JsonNode prometheus = services.path("prometheus");

        assertThat(prometheus.path("command").toString()).contains("--web.enable-remote-write-receiver");
        assertThat(prometheus.path("volumes").toString())
                .contains("../monitoring/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml")
                .contains("../monitoring/prometheus/rules:/etc/prometheus/rules");
    }

    @Test
    void shouldProvisionGrafanaWithTheDatasourceAndDashboard() {
        String volumes = services.path("grafana").path("volumes").toString();

        assertThat(volumes).contains("../monitoring/grafana/provisioning/datasources:/etc/grafana/provisioning/datasources")
                .contains("../monitoring/grafana/fleetpulse-dashboard.json:/etc/grafana/dashboards/fleetpulse/");
    }

    private static List<Map.Entry<String, JsonNode>> serviceEntries() {
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>();
        services.fields().forEachRemaining(entries::add);
        assertThat(entries).isNotEmpty();
        return entries;
    }
}
