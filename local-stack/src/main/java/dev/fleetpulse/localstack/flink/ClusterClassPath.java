package dev.fleetpulse.localstack.flink;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The class path of the cluster's JVMs: Flink's runtime, client and web jars with their dependencies and log4j, as
 * Maven resolved them for local-stack (the maven-dependency-plugin execution in its pom writes the list).
 *
 * <p>Why a list written by Maven, and not the test JVM's own class path: a test's class path also holds the job's
 * code, its connectors and the Kafka broker, and Flink loads {@code org.apache.flink.*} classes parent-first, so a
 * connector on the cluster's class path would hide a connector missing from the fat jar. The Flink jars are provided
 * dependencies of local-stack, so they never reach the class path of the modules that use it.
 */
final class ClusterClassPath {

    private static final String LIST = "cluster.classpath";
    private static final Pattern SEPARATOR = Pattern.compile(Pattern.quote(File.pathSeparator));

    private ClusterClassPath() {
    }

    static List<Path> resolve() {
        List<Path> jars = new ArrayList<>();
        for (String entry : SEPARATOR.split(read(LIST).strip())) {
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("The Flink cluster class path lists " + jar + ", which does not exist."
                        + " Rebuild local-stack (./mvnw -o -q -pl local-stack generate-resources) to resolve it again.");
            }
            jars.add(jar);
        }
        return List.copyOf(jars);
    }

    private static String read(String list) {
        try (InputStream in = ClusterClassPath.class.getResourceAsStream(list)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + list + " is missing next to " + ClusterClassPath.class.getName()
                        + ": Maven writes it in local-stack's generate-resources phase; build local-stack with Maven"
                        + " (./mvnw -o -q -pl local-stack generate-resources) before starting a LocalFlinkCluster.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Flink cluster class path " + list, e);
        }
    }
}
