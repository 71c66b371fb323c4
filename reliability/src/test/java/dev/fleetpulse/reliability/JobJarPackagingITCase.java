package dev.fleetpulse.reliability;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opens each job's fat jar as a cluster would receive it: the manifest names the job's main class; the jar brings our
 * code, the Kafka connector, connector-base and the Kafka client; it brings no Flink runtime (the cluster provides
 * it, and a second copy breaks class loading), no entry twice, and no signature file of a signed dependency (which
 * would make the merged jar fail verification).
 */
class JobJarPackagingITCase {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "vehicle-event-generator, dev.fleetpulse.generator.VehicleEventGeneratorJob, "
                + "org/apache/flink/connector/kafka/sink/KafkaSink.class",
        "pre-processor, dev.fleetpulse.preprocessor.PreProcessorJob, "
                + "org/apache/flink/connector/kafka/source/KafkaSource.class",
        "raw-event-writer, dev.fleetpulse.rawwriter.RawEventWriterJob, "
                + "org/apache/flink/connector/kafka/source/KafkaSource.class"})
    void shouldHoldTheMainClassOurCodeAndTheConnectorsButNoFlinkRuntimeNoDuplicateAndNoSignature(
            String module, String mainClass, String connectorClass) throws IOException {
        List<String> entries = entriesWithRepeats(module);
        Set<String> unique = new HashSet<>(entries);

        try (JarFile jar = new JarFile(JobJars.of(module).toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(mainClass);
        }
        assertThat(unique).contains(mainClass.replace('.', '/') + ".class",
                "dev/fleetpulse/events/VehicleEvent.class",
                "dev/fleetpulse/jobs/JobEnvironment.class",
                connectorClass,
                "org/apache/flink/connector/base/DeliveryGuarantee.class",
                "org/apache/kafka/clients/producer/KafkaProducer.class");
        assertThat(entries).as("Flink runtime classes")
                .noneMatch(e -> e.startsWith("org/apache/flink/runtime/")
                        || e.startsWith("org/apache/flink/streaming/api/environment/"));
        assertThat(entries).as("entries that occur twice").hasSameSizeAs(unique);
        assertThat(entries).as("signature files").noneMatch(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA)"));
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
