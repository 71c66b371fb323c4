package dev.fleetpulse.preprocessor;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.InvalidConfigurationException;
import dev.fleetpulse.jobs.source.StartingOffsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreProcessorConfigTest {

    private static final Map<String, String> KAFKA = Map.of("bootstrap.servers", "127.0.0.1:9092");
    private static final Map<String, String> PROMETHEUS = Map.of("endpoint.url", "http://127.0.0.1:9090/api/v1/write");

    @Test
    void shouldApplyTheDocumentedDefaultsWhenOnlyTheRequiredKeysAreGiven() {
        PreProcessorConfig config = PreProcessorConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", KAFKA, "PrometheusSink", PROMETHEUS)));

        assertThat(config.source().topic()).isEqualTo("vehicle-events");
        assertThat(config.source().groupId()).isEqualTo("pre-processor");
        assertThat(config.source().startingOffsets()).isEqualTo(StartingOffsets.DEFAULT);
        assertThat(config.source().deadLetterTopic()).isEqualTo("vehicle-events-dlq");
        assertThat(config.windows()).isEqualTo(new TumblingWindows(5_000));
        assertThat(config.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.catalog()).isEqualTo(ModelCatalogSource.derived());
        assertThat(config.prometheus().sink()).isNotNull();
    }

    @Test
    void shouldLoadTheBundledDevelopmentFile() throws Exception {
        PreProcessorConfig config = PreProcessorConfig.from(
                ApplicationProperties.load(new String[0]));

        assertThat(config.source().kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.prometheus().endpointUrl()).isEqualTo("http://127.0.0.1:9090/api/v1/write");
    }

    @Test
    void shouldReadTheModelsFileWhenOneIsConfigured(@TempDir Path dir) throws Exception {
        Path models = Files.writeString(dir.resolve("models.csv"), "V1,Zephyr\n");

        PreProcessorConfig config = PreProcessorConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", KAFKA, "PrometheusSink", PROMETHEUS,
                "Enrichment", Map.of("models.file", models.toString()),
                "Aggregation", Map.of("window.size.sec", "60", "idle.timeout.ms", "0"))));

        assertThat(config.catalog().load().modelOf("V1")).isEqualTo("Zephyr");
        assertThat(config.windows().sizeMillis()).isEqualTo(60_000);
        assertThat(config.idleTimeout()).isZero();
    }

    @Test
    void shouldListEveryProblemInOneErrorWhenTheConfigurationIsBad(@TempDir Path dir) {
        ApplicationProperties bad = ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("starting.offsets", "yesterday"),
                "Aggregation", Map.of("window.size.sec", "0", "max.out.of.orderness.ms", "-1",
                        "idle.timeout.ms", "soon"),
                "Enrichment", Map.of("models.file", dir.resolve("missing.csv").toString()),
                "PrometheusSink", Map.of("max.retries", "-3")));

        assertThatThrownBy(() -> PreProcessorConfig.from(bad))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .hasSize(8)
                        .anySatisfy(p -> assertThat(p).startsWith("KafkaSource.starting.offsets: must be"))
                        .contains("KafkaSource.bootstrap.servers: is required",
                                "Aggregation.window.size.sec: must be in [1, 86400], was 0",
                                "Aggregation.max.out.of.orderness.ms: must be in [0, 3600000], was -1",
                                "Aggregation.idle.timeout.ms: must be an integer, was 'soon'",
                                "PrometheusSink.endpoint.url: is required",
                                "PrometheusSink.max.retries: must be in [0, 1000000], was -3")
                        .anySatisfy(p -> assertThat(p).startsWith("Enrichment.models.file: cannot be read: ")
                                .contains("missing.csv")))
                .hasMessageStartingWith("Invalid configuration for pre-processor (8 problems)");
    }
}
