package dev.fleetpulse.localstack;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds a service binary: an explicit environment variable first, then the PATH. */
final class Executables {

    private Executables() {
    }

    static Optional<Path> find(Map<String, String> env, String envVariable, String name) {
        String explicit = env.get(envVariable);
        if (explicit != null && !explicit.isBlank()) {
            // An explicit setting that points nowhere is a mistake to report, not a reason to fall back to PATH.
            Path path = Path.of(explicit.trim());
            if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
                throw new IllegalStateException(envVariable + "=" + explicit + " is not an executable file");
            }
            return Optional.of(path);
        }
        String pathVariable = env.getOrDefault("PATH", "");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path require(Map<String, String> env, String envVariable, String name, String installHint) {
        return find(env, envVariable, name).orElseThrow(() -> new IllegalStateException(
                "'" + name + "' was not found: " + envVariable + " is not set and no '" + name
                        + "' is on the PATH. " + installHint));
    }
}
