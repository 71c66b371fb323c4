package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetpulse.monitoring.RuleFiles.Rule;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerting and recording rules as Prometheus itself reads them: {@code promtool check rules} on every rule file
 * and {@code promtool test rules} on every unit-test file, plus checks that every alert is tested both firing and
 * quiet, every recording rule with exact values, and that every rule reads series the jobs write themselves.
 */
class PromtoolRulesTest {

    private static Promtool promtool;

    @BeforeAll
    static void locatePromtool() {
        promtool = Promtool.locate();
    }

    @Test
    void shouldPassPromtoolCheckForEveryRuleFile() {
        List<Path> files = RuleFiles.ruleFiles();
        List<String> arguments = new ArrayList<>(List.of("check", "rules"));
        files.forEach(file -> arguments.add(file.toString()));

        Promtool.Result result = promtool.run(arguments.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(files).extracting(file -> file.getFileName().toString())
                .containsExactly("fleet-alerts.yml", "fleet-recording.yml");
        // promtool counts alerting and recording rules alike; each file's count must be what its YAML holds.
        for (Path file : files) {
            assertThat(result.output()).contains("Checking " + file + "\n  SUCCESS: " + RuleFiles.rulesIn(file).size()
                    + " rules found");
        }
    }

    @Test
    void shouldPassEveryPromtoolUnitTest() {
        List<Path> testFiles = RuleFiles.testFiles();
        assertThat(testFiles).as("promtool test files in " + RuleFiles.TESTS_DIR).isNotEmpty();
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
    void shouldFailPromtoolWhenAnAlertExpectationIsWrong(@TempDir Path tempDir) throws IOException {
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
                """.formatted(RuleFiles.ALERTS_FILE.toAbsolutePath()));

        Promtool.Result result = promtool.run("test", "rules", wrongTest.toString());

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("FAILED").contains("FleetWarningLightsHigh");
    }

    @Test
    void shouldFailPromtoolWhenARecordedValueIsWrong(@TempDir Path tempDir) throws IOException {
        // Two vehicles in UK with 1 and 2 lights, yet the test expects 4.
        Path wrongTest = tempDir.resolve("wrong-recorded-value-test.yml");
        Files.writeString(wrongTest, """
                rule_files:
                  - %s
                evaluation_interval: 1m
                tests:
                  - interval: 20s
                    input_series:
                      - series: 'vehicle_warnings{vehicle_id="V0000000000",region="UK"}'
                        values: '1x10'
                      - series: 'vehicle_warnings{vehicle_id="V0000000001",region="UK"}'
                        values: '2x10'
                    promql_expr_test:
                      - expr: fleetpulse:vehicle_warnings:sum_by_region
                        eval_time: 2m
                        exp_samples:
                          - labels: 'fleetpulse:vehicle_warnings:sum_by_region{region="UK"}'
                            value: 4
                """.formatted(RuleFiles.RECORDING_FILE.toAbsolutePath()));

        Promtool.Result result = promtool.run("test", "rules", wrongTest.toString());

        assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("FAILED").contains("fleetpulse:vehicle_warnings:sum_by_region");
    }

    @Test
    void shouldTestEveryAlertBothFiringAndQuiet() {
        Set<String> firing = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : unitTests()) {
            for (JsonNode check : test.path("alert_rule_test")) {
                String alert = check.path("alertname").asText();
                (check.path("exp_alerts").isEmpty() ? quiet : firing).add(alert);
            }
        }

        assertThat(RuleFiles.alertNames()).as("alerts in " + RuleFiles.RULES_DIR).isNotEmpty();
        assertThat(firing).as("alerts with a firing case").containsAll(RuleFiles.alertNames());
        assertThat(quiet).as("alerts with a quiet case").containsAll(RuleFiles.alertNames());
    }

    @Test
    void shouldTestEveryRecordingRuleWithExactValues() {
        Set<String> tested = new HashSet<>();
        for (JsonNode test : unitTests()) {
            for (JsonNode check : test.path("promql_expr_test")) {
                if (!check.path("exp_samples").isEmpty()) {
                    tested.add(check.path("expr").asText());
                }
            }
        }

        assertThat(RuleFiles.recordNames()).as("recording rules in " + RuleFiles.RECORDING_FILE).isNotEmpty();
        assertThat(tested).as("expressions tested with expected samples").containsAll(RuleFiles.recordNames());
    }

    @Test
    void shouldNameRecordedSeriesAsLevelMetricOperation() {
        // Colons: no job writes such a name, so a recorded series never mixes with the raw or health series.
        assertThat(RuleFiles.recordNames()).allSatisfy(name -> assertThat(name).matches("fleetpulse:\\w+:\\w+"));
    }

    @Test
    void shouldReadNoScrapedFlinkMetric() {
        for (Rule rule : RuleFiles.rules()) {
            assertThat(rule.expr()).as(rule.name()).doesNotContain("flink_", "job_name");
        }
    }

    @Test
    void shouldAlertOnThePipelinePerJobFromTheDocumentedHealthSeries() {
        Set<String> documented = DocumentedHealthSeries.names();
        List<Rule> pipeline = RuleFiles.rules().stream()
                .filter(rule -> rule.group().equals(RuleFiles.PIPELINE_GROUP)).toList();

        assertThat(pipeline).isNotEmpty().allSatisfy(rule -> {
            assertThat(DocumentedHealthSeries.readBy(rule.expr())).as(rule.name()).isNotEmpty()
                    .isSubsetOf(documented);
            assertThat(rule.expr()).as(rule.name()).contains("by (job)").doesNotContain("by (job,");
            assertThat(rule.definition().path("annotations").toString()).as(rule.name())
                    .contains("{{ $labels.job }}");
        });
    }

    @Test
    void shouldGiveEveryAlertASeveritySummaryAndDescription() {
        for (Rule rule : RuleFiles.rules()) {
            if (!rule.isAlert()) {
                continue;
            }
            JsonNode definition = rule.definition();
            assertThat(definition.path("labels").path("severity").asText()).as(rule.name() + " severity")
                    .isIn("warning", "critical");
            assertThat(definition.path("annotations").path("summary").asText()).as(rule.name() + " summary")
                    .isNotBlank();
            assertThat(definition.path("annotations").path("description").asText()).as(rule.name() + " description")
                    .isNotBlank();
        }
    }

    private static List<JsonNode> unitTests() {
        List<JsonNode> tests = new ArrayList<>();
        for (Path testFile : RuleFiles.testFiles()) {
            RuleFiles.read(testFile).path("tests").forEach(tests::add);
        }
        return tests;
    }
}
