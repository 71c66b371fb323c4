package dev.fleetpulse.demo;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md against the code: for each job, the documented keys of the groups it reads are exactly the
 * keys its configuration reads. A new key without a row, or a row for a key the code no longer reads, fails.
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("../docs/configuration.md");
    /** A table row: | `Group` | `key` | default | meaning |. */
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z]+)` \\| `([a-z0-9.]+)` \\|", Pattern.MULTILINE);

    private static final Map<String, Map<String, String>> KAFKA_AND_PROMETHEUS = Map.of(
            "KafkaSource", Map.of("bootstrap.servers", "127.0.0.1:9092"),
            "PrometheusSink", Map.of("endpoint.url", "http://127.0.0.1:9090/api/v1/write"));

    @Test
    void shouldDocumentExactlyTheKeysTheGeneratorReads() throws IOException {
        assertDocumented("vehicle-event-generator", reader -> GeneratorConfig.read(reader), Map.of(
                "DataGen", Map.of("events.per.sec", "100"),
                "KafkaSink", Map.of("bootstrap.servers", "127.0.0.1:9092")));
    }

    @Test
    void shouldDocumentExactlyTheKeysThePreProcessorReads() throws IOException {
        assertDocumented("pre-processor", reader -> PreProcessorConfig.read(reader), KAFKA_AND_PROMETHEUS);
    }

    @Test
    void shouldDocumentExactlyTheKeysTheRawEventWriterReads() throws IOException {
        assertDocumented("raw-event-writer", reader -> RawEventWriterConfig.read(reader), KAFKA_AND_PROMETHEUS);
    }

    private static void assertDocumented(String job, Consumer<ConfigReader> readConfig,
                                         Map<String, Map<String, String>> minimalValidProperties) throws IOException {
        ConfigReader reader = new ConfigReader(job, ApplicationProperties.of(minimalValidProperties));
        readConfig.accept(reader);
        Set<String> read = new TreeSet<>(reader.keysRead());
        Set<String> groups = new TreeSet<>();
        read.forEach(key -> groups.add(key.substring(0, key.indexOf('.'))));

        Set<String> documented = new TreeSet<>();
        Matcher row = ROW.matcher(Files.readString(DOC));
        while (row.find()) {
            if (groups.contains(row.group(1))) {
                documented.add(row.group(1) + "." + row.group(2));
            }
        }

        assertThat(read).as("keys %s reads", job).isNotEmpty();
        assertThat(documented).as("rows of docs/configuration.md for the groups %s reads (%s)", job, groups)
                .isEqualTo(read);
    }
}
