package dev.fleetpulse.monitoring;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code promtool}: {@code PROMTOOL_BIN} if set, else {@code promtool} on the PATH. */
final class Promtool {

    static final String INSTALL_HINT = "promtool was not found: set PROMTOOL_BIN or put promtool on the PATH."
            + " It comes with Prometheus: `sudo apt-get install -y --no-install-recommends prometheus`"
            + " (Debian/Ubuntu), or scripts/install-prerequisites.sh, or the release archive from"
            + " https://prometheus.io/download/.";

    private static final long TIMEOUT_SECONDS = 120;

    record Result(int exitCode, String output) {
    }

    private final Path binary;

    private Promtool(Path binary) {
        this.binary = binary;
    }

    /** Fails (never skips) when promtool is missing: the rule tests are part of the suite. */
    static Promtool locate() {
        String explicit = System.getenv("PROMTOOL_BIN");
        if (explicit != null && !explicit.isBlank()) {
            Path path = Path.of(explicit.trim());
            if (!Files.isExecutable(path)) {
                throw new IllegalStateException("PROMTOOL_BIN=" + explicit + " is not an executable file. "
                        + INSTALL_HINT);
            }
            return new Promtool(path);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                return new Promtool(Path.of(dir, "promtool"));
            }
        }
        throw new IllegalStateException(INSTALL_HINT);
    }

    Result run(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(arguments));
        try {
            // Output goes to a file, so a promtool that hangs cannot block the reader past the timeout.
            Path log = Files.createTempFile("promtool-", ".log");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                process.getOutputStream().close();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in "
                            + TIMEOUT_SECONDS + " s; output so far:\n" + Files.readString(log));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        }
    }
}
