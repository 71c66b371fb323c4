package dev.fleetpulse.localstack.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes Flink 2.x's {@code config.yaml} in flattened-key form. Every value is a double-quoted YAML string: Flink
 * converts strings to each option's type, and quoting keeps paths, {@code "1 s"} or {@code "false"} from being read
 * as anything else.
 */
final class ClusterConfigFile {

    static final String FILE_NAME = "config.yaml";

    private ClusterConfigFile() {
    }

    static String render(Map<String, String> settings) {
        StringBuilder yaml = new StringBuilder();
        settings.forEach((key, value) -> yaml.append(key).append(": ").append(quote(value)).append('\n'));
        return yaml.toString();
    }

    static void write(Path confDir, Map<String, String> settings) {
        try {
            Files.writeString(confDir.resolve(FILE_NAME), render(settings), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + confDir.resolve(FILE_NAME), e);
        }
    }

    private static String quote(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
