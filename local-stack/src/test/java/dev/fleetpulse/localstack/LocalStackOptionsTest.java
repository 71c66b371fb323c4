package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalStackOptionsTest {

    @Test
    void shouldUseTheWellKnownPortsAndTemporaryDataByDefault() {
        LocalStackOptions options = LocalStackOptions.parse();

        assertThat(options.kafkaPort()).isEqualTo(9092);
        assertThat(options.prometheusPort()).isEqualTo(9090);
        assertThat(options.dataDir()).isEmpty();
        assertThat(options.topics()).isEmpty();
    }

    @Test
    void shouldCollectRepeatableOptions() {
        LocalStackOptions options = LocalStackOptions.parse(
                "--kafka-port", "0", "--prometheus-port", "19090",
                "--rules", "monitoring/rules", "--rules", "extra.yml",
                "--scrape", "127.0.0.1:9249", "--scrape", "localhost:9250",
                "--topic", "vehicle-events:4", "--topic", "vehicle-events-dlq:1",
                "--data-dir", "/tmp/fp");

        assertThat(options.kafkaPort()).isZero();
        assertThat(options.prometheusPort()).isEqualTo(19090);
        assertThat(options.rules()).containsExactly(Path.of("monitoring/rules"), Path.of("extra.yml"));
        assertThat(options.scrapeTargets()).containsExactly("127.0.0.1:9249", "localhost:9250");
        assertThat(options.topics()).isEqualTo(Map.of("vehicle-events", 4, "vehicle-events-dlq", 1));
        assertThat(options.dataDir()).contains(Path.of("/tmp/fp"));
    }

    @Test
    void shouldListEveryProblemAtOnce() {
        assertThatThrownBy(() -> LocalStackOptions.parse(
                "--kafka-port", "99999", "--verbose", "--topic", "vehicle-events", "--scrape", "http://x:1", "--rules"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(String.join("\n", List.of(
                        "--kafka-port 99999: expected a port number 0..65535",
                        "unknown option --verbose",
                        "--topic vehicle-events: expected NAME:PARTITIONS with PARTITIONS >= 1, e.g. vehicle-events:4",
                        "--scrape http://x:1: expected HOST:PORT, e.g. 127.0.0.1:9249",
                        "--rules needs a value")))
                .hasMessageContaining("Usage: LocalStack");
    }
}
