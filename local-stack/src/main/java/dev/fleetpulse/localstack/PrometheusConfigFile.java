package dev.fleetpulse.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Renders a Prometheus configuration file. It is written as JSON, which is valid YAML: Prometheus reads it, and
 * every rule path, job name and target is quoted correctly without a YAML library or hand-made escaping.
 */
final class PrometheusConfigFile {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A scrape job: a name and its host:port targets. */
    record ScrapeJob(String name, List<String> targets) {

        ScrapeJob {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("A scrape job needs a name");
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("Scrape job '" + name + "' needs at least one host:port target");
            }
            for (String target : targets) {
                if (!target.matches("[^\\s/:]+:\\d{1,5}")) {
                    throw new IllegalArgumentException("Scrape job '" + name + "': target '" + target
                            + "' is not host:port");
                }
            }
            targets = List.copyOf(targets);
        }
    }

    private PrometheusConfigFile() {
    }

    static String render(Duration scrapeInterval, Duration evaluationInterval, List<Path> ruleFiles,
                         List<ScrapeJob> scrapeJobs, Optional<Duration> outOfOrderTimeWindow) {
        Map<String, Object> global = new LinkedHashMap<>();
        global.put("scrape_interval", duration(scrapeInterval));
        global.put("evaluation_interval", duration(evaluationInterval));

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("global", global);
        outOfOrderTimeWindow.ifPresent(window ->
                config.put("storage", Map.of("tsdb", Map.of("out_of_order_time_window", duration(window)))));
        if (!ruleFiles.isEmpty()) {
            config.put("rule_files", ruleFiles.stream().map(p -> p.toAbsolutePath().toString()).toList());
        }
        List<Map<String, Object>> scrapeConfigs = new ArrayList<>();
        for (ScrapeJob job : scrapeJobs) {
            Map<String, Object> scrapeConfig = new LinkedHashMap<>();
            scrapeConfig.put("job_name", job.name());
            scrapeConfig.put("static_configs", List.of(Map.of("targets", job.targets())));
            scrapeConfigs.add(scrapeConfig);
        }
        config.put("scrape_configs", scrapeConfigs);
        try {
            return JSON.writeValueAsString(config) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render the Prometheus configuration", e);
        }
    }

    /** Prometheus durations: whole seconds as "15s", anything finer in milliseconds ("1500ms"). */
    static String duration(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("A Prometheus duration must be positive, got " + duration);
        }
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }
}
