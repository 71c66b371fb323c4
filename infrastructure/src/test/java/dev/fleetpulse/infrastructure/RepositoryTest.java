package dev.fleetpulse.infrastructure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Finding the jobs' jars and the rule files: a missing or thin jar stops the synthesis with the path and the command
 * that builds it.
 */
class RepositoryTest {

    private static final String VERSION = "9.9.9-TEST";

    @TempDir
    Path checkout;

    @Test
    void shouldNameTheMissingJarAndTheBuildCommand() throws IOException {
        writeAlertRules();
        shadedJar(FlinkJob.VEHICLE_EVENT_GENERATOR);
        Repository repository = new Repository(checkout, VERSION);

        assertThatThrownBy(repository::jobJars)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No jar for pre-processor at "
                        + checkout.resolve("pre-processor/target/pre-processor-9.9.9-TEST.jar"))
                .hasMessageContaining("./mvnw -B -pl infrastructure -am package -DskipTests");
    }

    @Test
    void shouldRefuseTheThinModuleJar() throws IOException {
        writeAlertRules();
        for (FlinkJob job : FlinkJob.values()) {
            shadedJar(job);
        }
        Path thin = checkout.resolve("raw-event-writer/target/raw-event-writer-9.9.9-TEST.jar");
        writeJar(thin, "dev/fleetpulse/rawwriter/RawEventWriterJob.class");

        assertThatThrownBy(() -> new Repository(checkout, VERSION).jobJars())
                .hasMessageContaining(thin + " is not the shaded jar of raw-event-writer")
                .hasMessageContaining(Repository.SHADED_MARKER);
    }

    @Test
    void shouldFindAllThreeShadedJars() throws IOException {
        writeAlertRules();
        for (FlinkJob job : FlinkJob.values()) {
            shadedJar(job);
        }

        assertThat(new Repository(checkout, VERSION).jobJars()).containsOnlyKeys(FlinkJob.values())
                .containsEntry(FlinkJob.PRE_PROCESSOR,
                        checkout.resolve("pre-processor/target/pre-processor-9.9.9-TEST.jar"));
    }

    @Test
    void shouldReadEveryRuleFileForItsNamespace() throws IOException {
        writeAlertRules();
        Path recording = checkout.resolve(RuleNamespace.RECORDING.file());
        Files.writeString(recording, "groups: [{name: recorded, rules: []}]\n");

        assertThat(new Repository(checkout, VERSION).rules())
                .containsEntry(RuleNamespace.ALERTS, "groups: []\n")
                .containsEntry(RuleNamespace.RECORDING, "groups: [{name: recorded, rules: []}]\n")
                .hasSize(RuleNamespace.values().length);
    }

    @Test
    void shouldNameAMissingRuleFile() throws IOException {
        writeAlertRules();

        assertThatThrownBy(() -> new Repository(checkout, VERSION).rules())
                .hasMessageContaining("Cannot read the rule file " + checkout.resolve(RuleNamespace.RECORDING.file()));
    }

    @Test
    void shouldRefuseADirectoryThatIsNoCheckout() {
        assertThatThrownBy(() -> new Repository(checkout, VERSION))
                .hasMessageContaining(checkout + " is not a FleetPulse checkout")
                .hasMessageContaining("run the CDK app from the infrastructure directory");
    }

    @Test
    void shouldKnowTheVersionMavenBuilt() {
        assertThat(Repository.builtVersion()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    private void writeAlertRules() throws IOException {
        Path rules = checkout.resolve(RuleNamespace.ALERTS.file());
        Files.createDirectories(rules.getParent());
        Files.writeString(rules, "groups: []\n");
    }

    private void shadedJar(FlinkJob job) throws IOException {
        writeJar(checkout.resolve(job.jobName()).resolve("target").resolve(job.jobName() + "-" + VERSION + ".jar"),
                Repository.SHADED_MARKER);
    }

    private static void writeJar(Path jar, String entry) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.closeEntry();
        }
    }
}
