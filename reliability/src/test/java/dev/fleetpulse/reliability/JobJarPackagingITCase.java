package dev.fleetpulse.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens each job's fat jar as a cluster would receive it: the manifest names the job's main class; every entry is on
 * the job's allow-list (so a dependency that sneaks into a jar, such as the Prometheus sink or its AWS signer into
 * the generator's, fails here); no entry twice; no signature file of a signed dependency (which would make the
 * merged jar fail verification).
 */
class JobJarPackagingITCase {

    /** What every job's jar holds: our shared code, Kafka, MSK IAM authentication, and their dependencies. */
    private static final List<String> EVERY_JOB = List.of(
            // Manifest, licences, Maven metadata, service registrations, multi-release classes.
            "META-INF/", "LICENSE", "NOTICE",
            "dev/fleetpulse/events/",
            // job-common: configuration, the Kafka source with dead letters, Kafka clients, metrics, health
            // counters, local runs.
            "dev/fleetpulse/jobs/JobEnvironment", "dev/fleetpulse/jobs/EffectiveSettings",
            "dev/fleetpulse/jobs/config/", "dev/fleetpulse/jobs/kafka/", "dev/fleetpulse/jobs/metrics/",
            "dev/fleetpulse/jobs/health/",
            "dev/fleetpulse/jobs/source/", "flink-application-properties-dev.json",
            // Flink's Kafka connector and connector-base (not Flink itself: the cluster provides it).
            "org/apache/flink/connector/", "org/apache/flink/streaming/connectors/kafka/",
            "org/apache/flink/streaming/util/serialization/",
            // kafka-clients, its message schemas and its compression codecs (zstd with its natives, lz4, snappy).
            "org/apache/kafka/", "kafka/kafka-version.properties", "common/message/", "com/github/luben/zstd/",
            "aix/", "darwin/", "freebsd/", "linux/", "win/", "net/jpountz/", "org/xerial/snappy/",
            "org/apache/commons/lang3/", "com/fasterxml/jackson/",
            // Application properties on Amazon Managed Service for Apache Flink.
            "com/amazonaws/services/kinesisanalytics/", "config.properties",
            // MSK IAM authentication (aws-msk-iam-auth): the AWS SDK's credentials and STS, and the HTTP client the
            // SDK uses, relocated with ours.
            "software/amazon/msk/", "version.properties", "software/amazon/awssdk/", "software/amazon/eventstream/",
            "org/reactivestreams/", "VersionInfo.java", "mime.types", "org/publicsuffix/list/",
            "dev/fleetpulse/shaded/org/apache/hc/");

    /** What a job that writes to Prometheus adds: the sink, its AWS signer and the sink's configuration. */
    private static final List<String> PROMETHEUS_JOB = List.of(
            "dev/fleetpulse/prometheus/", "dev/fleetpulse/jobs/prometheus/");

    static Stream<Arguments> jobs() {
        return Stream.of(
                Arguments.of("vehicle-event-generator", "dev.fleetpulse.generator.VehicleEventGeneratorJob",
                        allowed(List.of("dev/fleetpulse/generator/"))),
                Arguments.of("pre-processor", "dev.fleetpulse.preprocessor.PreProcessorJob",
                        allowed(List.of("dev/fleetpulse/preprocessor/"), PROMETHEUS_JOB)),
                Arguments.of("raw-event-writer", "dev.fleetpulse.rawwriter.RawEventWriterJob",
                        allowed(List.of("dev/fleetpulse/rawwriter/"), PROMETHEUS_JOB)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void shouldHoldTheMainClassAndOnlyWhatItsAllowListNamesWithNoDuplicateAndNoSignature(
            String module, String mainClass, List<String> allowed) throws IOException {
        List<String> entries = entriesWithRepeats(module);
        Set<String> unique = new HashSet<>(entries);

        try (JarFile jar = new JarFile(JobJars.of(module).toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(mainClass);
        }
        assertThat(unique).contains(mainClass.replace('.', '/') + ".class");
        assertThat(entries).as("entries on no allow-list of " + module)
                .allMatch(entry -> isAllowed(entry, allowed));
        assertThat(entries).as("entries that occur twice").hasSameSizeAs(unique);
        assertThat(entries).as("signature files").noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void shouldUseEveryPathOfItsAllowList(String module, String mainClass, List<String> allowed) throws IOException {
        List<String> entries = entriesWithRepeats(module);

        assertThat(allowed).as("allow-list paths that " + module + "'s jar does not use (remove them)")
                .allMatch(path -> entries.stream().anyMatch(entry -> entry.startsWith(path)));
    }

    @SafeVarargs
    private static List<String> allowed(List<String>... ownPaths) {
        List<String> allowed = new ArrayList<>(EVERY_JOB);
        for (List<String> paths : ownPaths) {
            allowed.addAll(paths);
        }
        return allowed;
    }

    /** An entry under an allowed path, or a directory on the way to one. */
    private static boolean isAllowed(String entry, List<String> allowed) {
        return allowed.stream().anyMatch(path -> entry.startsWith(path)
                || (entry.endsWith("/") && path.startsWith(entry)));
    }

    /** Every entry name in file order, repeats included (a jar may hold one name twice; JarFile would hide it). */
    private static List<String> entriesWithRepeats(String module) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream file = Files.newInputStream(JobJars.of(module));
             ZipInputStream zip = new ZipInputStream(file)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }
}
