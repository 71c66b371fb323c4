package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting rules as Prometheus itself reads them: {@code promtool check rules} on every rule file and
 * {@code promtool test rules} on every unit-test file, plus checks that every alert is tested both firing and
 * quiet and carries what an operator's notification needs.
 */
class PromtoolRulesTest {

    private static final Path RULES_DIR = Path.of("prometheus", "rules");
    private static final Path ALERTS_FILE = RULES_DIR.resolve("fleet-alerts.yml");
    private static final Path TESTS_DIR = RULES_DIR.resolve("tests");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Promtool promtool;

    @BeforeAll
    static void locatePromtool() {
        promtool = Promtool.locate();
    }

    @Test
    void shouldPassPromtoolCheckForEveryRuleFile() throws IOException {
        List<String> arguments = new ArrayList<>(List.of("check", "rules"));
        ruleFiles().forEach(file -> arguments.add(file.toString()));

        Promtool.Result result = promtool.run(arguments.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS: " + alertNames().size() + " rules found");
    }

    @Test
    void shouldPassEveryPromtoolUnitTest() throws IOException {
        List<Path> testFiles = ruleTestFiles();
        List<String> arguments = new ArrayList<>(List.of("test", "rules"));
        testFiles.forEach(file -> arguments.add(file.toString()));

        Promtool.Result result = promtool.run(arguments.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().split("SUCCESS", -1)).as(result.output()).hasSize(testFiles.size() + 1);
    }

    @Test
    void shouldPassPromtoolCheckForTheDockerStackConfig() {
        Promtool.Result result = promtool.run("check", "config", Path.of("prometheus", "prometheus.yml").toString());

        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void shouldFailPromtoolWhenAnExpectationIsWrong(@TempDir Path tempDir) throws IOException {
        // Warning lights stay above the threshold for 20 minutes, yet the test claims the alert stays quiet.
        Path wrongTest = tempDir.resolve("wrong-expectation-test.yml");
        Files.writeString(wrongTest, """
                rule_files:
                  - %s
                evaluation_interval: 30s
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'warnings{model="Aurora",region="UK"}'
                        values: '150x20'
                    alert_rule_test:
                      - eval_time: 20m
                        alertname: FleetWarningLightsHigh
                        exp_alerts: []
                """.formatted(ALERTS_FILE.toAbsolutePath()));

        Promtool.Result result = promtool.run("test", "rules", wrongTest.toString());

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("FAILED").contains("FleetWarningLightsHigh");
    }

    @Test
    void shouldTestEveryAlertBothFiringAndQuiet() throws IOException {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (Path testFile : ruleTestFiles()) {
            for (JsonNode test : YAML.readTree(testFile.toFile()).path("tests")) {
                for (JsonNode check : test.path("alert_rule_test")) {
                    String alert = check.path("alertname").asText();
                    (check.path("exp_alerts").isEmpty() ? quiet : firing).add(alert);
                }
            }
        }

        assertThat(firing).as("alerts with a firing case").containsAll(alertNames());
        assertThat(quiet).as("alerts with a quiet case").containsAll(alertNames());
    }

    @Test
    void shouldGiveEveryAlertASeveritySummaryAndDescription() throws IOException {
        for (JsonNode rule : alertRules()) {
            String alert = rule.path("alert").asText();
            assertThat(rule.path("labels").path("severity").asText()).as(alert + " severity")
                    .isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(alert + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(alert + " description")
                    .isNotBlank();
        }
    }

    private static List<Path> ruleFiles() throws IOException {
        try (Stream<Path> files = Files.list(RULES_DIR)) {
            return files.filter(file -> file.toString().endsWith(".yml")).sorted().toList();
        }
    }

    private static List<Path> ruleTestFiles() throws IOException {
        try (Stream<Path> files = Files.list(TESTS_DIR)) {
            List<Path> testFiles = files.filter(file -> file.toString().endsWith(".yml")).sorted().toList();
            assertThat(testFiles).as("promtool test files in " + TESTS_DIR).isNotEmpty();
            return testFiles;
        }
    }

    private static List<JsonNode> alertRules() throws IOException {
        List<JsonNode> alerts = new ArrayList<>();
        for (Path file : ruleFiles()) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                group.path("rules").forEach(rule -> {
                    if (rule.has("alert")) {
                        alerts.add(rule);
                    }
                });
            }
        }
        return alerts;
    }

    private static Set<String> alertNames() throws IOException {
        Set<String> names = new HashSet<>();
        alertRules().forEach(rule -> names.add(rule.path("alert").asText()));
        assertThat(names).as("alerts in " + RULES_DIR).isNotEmpty();
        return names;
    }
}
