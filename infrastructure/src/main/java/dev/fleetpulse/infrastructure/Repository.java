package dev.fleetpulse.infrastructure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipFile;

/**
 * The files of a FleetPulse checkout that the stack deploys: the three jobs' shaded jars and the rule files.
 *
 * <p>The CDK CLI runs the app in {@code infrastructure/} (where {@code cdk.json} is) and Maven runs the tests there
 * too, so the checkout is the parent of the working directory unless given otherwise.
 */
public final class Repository {

    /** A class only a shaded job jar holds (the MSK IAM login module), to tell it from the thin module jar. */
    static final String SHADED_MARKER = "software/amazon/msk/auth/iam/IAMLoginModule.class";
    static final String BUILD_COMMAND = "./mvnw -B -pl infrastructure -am package -DskipTests";

    private final Path root;
    private final String version;

    Repository(Path root, String version) {
        this.root = root.toAbsolutePath().normalize();
        this.version = version;
        String rules = RuleNamespace.ALERTS.file();
        if (!Files.isRegularFile(this.root.resolve(rules))) {
            throw new IllegalStateException(this.root + " is not a FleetPulse checkout (no " + rules
                    + "): run the CDK app from the infrastructure directory, where cdk.json is");
        }
    }

    /** The checkout around the working directory, with the version this module was built with. */
    public static Repository fromWorkingDirectory() {
        Path workingDirectory = Path.of("").toAbsolutePath();
        return new Repository(workingDirectory.getParent(), builtVersion());
    }

    /** The project version Maven wrote into this module's resources (the jobs' jars carry it in their names). */
    static String builtVersion() {
        try (InputStream in = Repository.class.getResourceAsStream("/fleetpulse-infrastructure.properties")) {
            if (in == null) {
                throw new IllegalStateException("fleetpulse-infrastructure.properties is not on the class path: build"
                        + " the module with Maven (" + BUILD_COMMAND + ") rather than compiling it alone");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("project.version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** Where Maven writes {@code job}'s shaded jar. */
    public Path jarPath(FlinkJob job) {
        return root.resolve(job.jobName()).resolve("target").resolve(job.jobName() + "-" + version + ".jar");
    }

    /**
     * The three shaded jars, each checked to exist and to be the shaded one.
     *
     * @throws IllegalStateException naming the missing or thin jar and the command that builds it
     */
    public Map<FlinkJob, Path> jobJars() {
        Map<FlinkJob, Path> jars = new EnumMap<>(FlinkJob.class);
        for (FlinkJob job : FlinkJob.values()) {
            Path jar = jarPath(job);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("No jar for " + job.jobName() + " at " + jar
                        + ": build the jobs first, from " + root + ": " + BUILD_COMMAND);
            }
            if (!isShaded(jar)) {
                throw new IllegalStateException(jar + " is not the shaded jar of " + job.jobName() + " (it lacks "
                        + SHADED_MARKER + "); MSF needs the jar with the job's dependencies: " + BUILD_COMMAND);
            }
            jars.put(job, jar);
        }
        return jars;
    }

    /** The text of every rule file, by the namespace AMP loads it as. */
    public Map<RuleNamespace, String> rules() {
        Map<RuleNamespace, String> rules = new EnumMap<>(RuleNamespace.class);
        for (RuleNamespace namespace : RuleNamespace.values()) {
            Path file = root.resolve(namespace.file());
            try {
                rules.put(namespace, Files.readString(file));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the rule file " + file, e);
            }
        }
        return rules;
    }

    private static boolean isShaded(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(SHADED_MARKER) != null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open " + jar + " as a jar", e);
        }
    }
}
