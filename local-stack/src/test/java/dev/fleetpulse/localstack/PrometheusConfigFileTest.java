package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PrometheusConfigFileTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldRenderIntervalsRulesJobsAndOutOfOrderWindow() throws Exception {
        String rendered = PrometheusConfigFile.render(Duration.ofSeconds(1), Duration.ofMillis(1500),
                List.of(Path.of("/rules/fleet.yml")),
                List.of(new PrometheusConfigFile.ScrapeJob("flink", List.of("127.0.0.1:9249", "127.0.0.1:9250"))),
                Optional.of(Duration.ofMinutes(10)));

        JsonNode config = JSON.readTree(rendered);
        assertThat(config.at("/global/scrape_interval").asText()).isEqualTo("1s");
        assertThat(config.at("/global/evaluation_interval").asText()).isEqualTo("1500ms");
        assertThat(config.at("/storage/tsdb/out_of_order_time_window").asText()).isEqualTo("600s");
        assertThat(config.at("/rule_files/0").asText()).isEqualTo("/rules/fleet.yml");
        assertThat(config.at("/scrape_configs/0/job_name").asText()).isEqualTo("flink");
        assertThat(config.at("/scrape_configs/0/static_configs/0/targets").toString())
                .isEqualTo("[\"127.0.0.1:9249\",\"127.0.0.1:9250\"]");
    }

    @Test
    void shouldLeaveOutStorageAndRulesWhenNotConfigured() throws Exception {
        JsonNode config = JSON.readTree(PrometheusConfigFile.render(Duration.ofSeconds(5), Duration.ofSeconds(5),
                List.of(), List.of(), Optional.empty()));

        assertThat(config.has("storage")).isFalse();
        assertThat(config.has("rule_files")).isFalse();
        assertThat(config.get("scrape_configs").isEmpty()).isTrue();
    }

    @Test
    void shouldRejectTargetsThatAreNotHostAndPort() {
        assertThatThrownBy(() -> new PrometheusConfigFile.ScrapeJob("flink", List.of("http://127.0.0.1:9249")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Scrape job 'flink': target 'http://127.0.0.1:9249' is not host:port");
    }

    @Test
    void shouldRejectNonPositiveDurations() {
        assertThatThrownBy(() -> PrometheusConfigFile.duration(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}
