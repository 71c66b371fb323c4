package dev.fleetpulse.localstack.flink;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterClassPathTest {

    private static final List<Path> CLASS_PATH = ClusterClassPath.resolve();

    @Test
    void shouldHoldTheEntrypointsTheRestJarHandlersAndLog4j() {
        assertThat(CLASS_PATH).anyMatch(jar -> holds(jar, "org/apache/flink/runtime/entrypoint/StandaloneSessionClusterEntrypoint.class"));
        assertThat(CLASS_PATH).anyMatch(jar -> holds(jar, "org/apache/flink/runtime/taskexecutor/TaskManagerRunner.class"));
        assertThat(CLASS_PATH).anyMatch(jar -> holds(jar, "org/apache/flink/runtime/webmonitor/handlers/JarRunHandler.class"));
        assertThat(CLASS_PATH).anyMatch(jar -> holds(jar, "org/apache/logging/slf4j/Log4jLoggerFactory.class"));
    }

    @Test
    void shouldHoldNoConnectorKafkaTestUtilityOrProjectCode() {
        for (String prefix : List.of("org/apache/flink/connector/base/", "org/apache/flink/connector/kafka/",
                "org/apache/kafka/", "org/apache/flink/test/", "org/junit/", "dev/fleetpulse/")) {
            assertThat(CLASS_PATH).as("jars with %s", prefix).noneMatch(jar -> holdsUnder(jar, prefix));
        }
    }

    private static boolean holds(Path jar, String entry) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(entry) != null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + jar, e);
        }
    }

    private static boolean holdsUnder(Path jar, String prefix) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().anyMatch(entry -> entry.getName().startsWith(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + jar, e);
        }
    }
}
