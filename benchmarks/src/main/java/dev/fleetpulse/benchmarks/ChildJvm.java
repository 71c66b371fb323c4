package dev.fleetpulse.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a measured job in a JVM of its own, with the harness's class path: its peak RSS is then the job's alone (the
 * Kafka broker stays in the harness JVM), and its heap limit is one we choose and print.
 *
 * <p>Protocol: the harness class's {@code main} is started with {@code --child MODE args...}; the child prints one
 * line {@code RESULT key=value ...} (see {@link #report}) and exits 0. Everything else it prints is passed through.
 * Flags in the environment variable {@value #EXTRA_FLAGS_VARIABLE} are added to every child's command line.
 */
final class ChildJvm {

    static final String CHILD_FLAG = "--child";
    /** Extra JVM flags for every child, e.g. to profile the measured job with {@code -XX:StartFlightRecording}. */
    static final String EXTRA_FLAGS_VARIABLE = "BENCH_CHILD_JAVA_OPTS";
    private static final String RESULT_PREFIX = "RESULT ";

    private ChildJvm() {
    }

    /** The figures one child reported. */
    record Result(Map<String, String> values) {

        long longValue(String key) {
            String value = values.get(key);
            if (value == null) {
                throw new IllegalStateException("The child reported no " + key + ": " + values);
            }
            return Long.parseLong(value);
        }
    }

    /**
     * Starts {@code mainClass} with {@code --child} and {@code args}, waits for it and returns what it reported.
     *
     * @throws IllegalStateException if it exits with another code than 0 or reports nothing
     */
    static Result run(Class<?> mainClass, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags);
        String extra = System.getenv(EXTRA_FLAGS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.add(CHILD_FLAG);
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Map<String, String> values = null;
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(RESULT_PREFIX)) {
                        values = parse(line.substring(RESULT_PREFIX.length()));
                    } else {
                        System.out.println("  | " + line);
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0 || values == null) {
                throw new IllegalStateException("Child JVM " + mainClass.getSimpleName() + " " + args
                        + " exited with " + exit + (values == null ? " without a RESULT line" : ""));
            }
            return new Result(values);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a child JVM: " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the child JVM", e);
        }
    }

    /** Called in the child at its end: prints the figures, plus its peak RSS ({@code peakRssKiB}). */
    static void report(Map<String, ?> figures) {
        StringBuilder line = new StringBuilder(RESULT_PREFIX);
        figures.forEach((key, value) -> line.append(key).append('=').append(value).append(' '));
        line.append("peakRssKiB=").append(Machine.peakRssKiB());
        System.out.println(line);
        System.out.flush();
    }

    private static Map<String, String> parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : text.strip().split(" ")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return values;
    }
}
