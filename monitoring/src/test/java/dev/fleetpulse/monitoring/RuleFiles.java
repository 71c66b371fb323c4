package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The shipped rule files and their promtool unit tests, read as YAML. */
final class RuleFiles {

    static final Path RULES_DIR = Path.of("prometheus", "rules");
    static final Path ALERTS_FILE = RULES_DIR.resolve("fleet-alerts.yml");
    static final Path RECORDING_FILE = RULES_DIR.resolve("fleet-recording.yml");
    static final Path TESTS_DIR = RULES_DIR.resolve("tests");
    static final String PIPELINE_GROUP = "fleetpulse-pipeline";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One rule with the file and group it is in. */
    record Rule(Path file, String group, JsonNode definition) {

        boolean isAlert() {
            return definition.has("alert");
        }

        String name() {
            return definition.path(isAlert() ? "alert" : "record").asText();
        }

        String expr() {
            return definition.path("expr").asText();
        }
    }

    private RuleFiles() {
    }

    /** The rule files Prometheus and AMP load: every .yml directly in {@link #RULES_DIR}. */
    static List<Path> ruleFiles() {
        return ymlFilesIn(RULES_DIR);
    }

    static List<Path> testFiles() {
        return ymlFilesIn(TESTS_DIR);
    }

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (Path file : ruleFiles()) {
            rules.addAll(rulesIn(file));
        }
        return rules;
    }

    static List<Rule> rulesIn(Path file) {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : read(file).path("groups")) {
            group.path("rules").forEach(rule -> rules.add(new Rule(file, group.path("name").asText(), rule)));
        }
        return rules;
    }

    static Set<String> alertNames() {
        return names(rules().stream().filter(Rule::isAlert));
    }

    static Set<String> recordNames() {
        return names(rules().stream().filter(rule -> !rule.isAlert()));
    }

    /** Alert and record names together: what Prometheus lists in its rules API. */
    static Set<String> ruleNames() {
        return names(rules().stream());
    }

    static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    private static Set<String> names(Stream<Rule> rules) {
        Set<String> names = new TreeSet<>();
        rules.forEach(rule -> names.add(rule.name()));
        return names;
    }

    private static List<Path> ymlFilesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
    }
}
