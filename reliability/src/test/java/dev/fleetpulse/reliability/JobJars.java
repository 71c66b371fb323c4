package dev.fleetpulse.reliability;

import java.nio.file.Files;
import java.nio.file.Path;

/** The jobs' fat jars as the reactor built them; failsafe passes their paths (see this module's pom). */
final class JobJars {

    static final String GENERATOR = "vehicle-event-generator";
    static final String PRE_PROCESSOR = "pre-processor";
    static final String RAW_WRITER = "raw-event-writer";

    private JobJars() {
    }

    static Path of(String module) {
        String property = "fleetpulse.jar." + module;
        String path = System.getProperty(property);
        if (path == null) {
            throw new IllegalStateException("System property " + property + " is not set: run through Maven ("
                    + "./mvnw -B -pl reliability -am verify), which builds the jars and passes their paths");
        }
        Path jar = Path.of(path);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No jar at " + jar + ": build it with ./mvnw -B -pl " + module
                    + " -am package");
        }
        return jar;
    }
}
