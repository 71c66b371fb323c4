package dev.fleetpulse.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a measured job in a JVM of its own, with the harness's class path: its peak RSS is then the job's alone (the
 * Kafka broker stays in the harness JVM), and its heap limit is one we choose and print.
 *
 * <p>Protocol of {@link #run}: the harness class's {@code main} is started with {@code --child MODE args...}; the
 * child prints one line {@code RESULT key=value ...} (see {@link #report}) and exits 0. Everything else it prints is
 * passed through. {@link #start} instead runs any main class (a job's own, the local stack's) until it is stopped.
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
        List<String> childArgs = new ArrayList<>();
        childArgs.add(CHILD_FLAG);
        childArgs.addAll(args);
        List<String> command = command(mainClass.getName(), jvmFlags, childArgs);
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

    /**
     * Starts {@code mainClass} (any main: a service's, a job's own) with the harness's class path and returns at
     * once. Its output, stderr included, is passed through with {@code name} in front. {@link Running#close()} stops
     * it; so does the harness's own end (Ctrl-C, a failure), through a shutdown hook, so no child outlives the harness.
     */
    static Running start(String name, String mainClass, List<String> jvmFlags, List<String> args) {
        List<String> command = command(mainClass, jvmFlags, args);
        try {
            return new Running(name, new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start a child JVM: " + command, e);
        }
    }

    /** A child JVM started by {@link #start}, running until it ends by itself or is stopped. */
    static final class Running implements AutoCloseable {

        private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

        private final String name;
        private final Process process;
        private final long startNanos = System.nanoTime();
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        private final Thread output;
        private final Thread stopAtHarnessExit;
        private volatile boolean muted;
        private boolean closed;

        private Running(String name, Process process) {
            this.name = name;
            this.process = process;
            this.output = new Thread(this::passOutputThrough, name + "-output");
            output.setDaemon(true);
            output.start();
            this.stopAtHarnessExit = new Thread(this::stop, name + "-stop");
            Runtime.getRuntime().addShutdownHook(stopAtHarnessExit);
        }

        ProcessHandle handle() {
            return process.toHandle();
        }

        /** {@link System#nanoTime()} just after the process was started. */
        long startNanos() {
            return startNanos;
        }

        boolean isAlive() {
            return process.isAlive();
        }

        /**
         * Waits for a line of output that starts with {@code prefix} and returns it.
         *
         * @throws IllegalStateException if the child ends first or none comes within {@code timeout}
         */
        String awaitLine(String prefix, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                synchronized (lines) {
                    for (String line : lines) {
                        if (line.startsWith(prefix)) {
                            return line;
                        }
                    }
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " before printing '"
                            + prefix + "'");
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException(name + " printed no '" + prefix + "' within " + timeout.toSeconds() + " s");
        }

        /**
         * Stops passing the child's output through (lines are still read): for what a child prints after the
         * harness has asked it to stop, such as the stack trace of a cancelled job's main.
         */
        void mute() {
            muted = true;
        }

        /** Waits up to {@code timeout} for the child to end by itself; true if it did. */
        boolean awaitExit(Duration timeout) throws InterruptedException {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Stops the child (and whatever it started) if it still runs; closing again does nothing. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            stop();
            try {
                Runtime.getRuntime().removeShutdownHook(stopAtHarnessExit);
            } catch (IllegalStateException harnessShuttingDown) {
                // The hook is running or about to: it stops the child anyway.
            }
        }

        /**
         * SIGTERM first, so the child's own shutdown hooks run (the local stack stops its Prometheus process and its
         * broker); then, if it has not ended within 30 s, SIGKILL for it and for every process it started, which
         * would otherwise be left running.
         */
        private void stop() {
            ProcessHandle handle = process.toHandle();
            List<ProcessHandle> descendants = handle.descendants().toList();
            handle.destroy();
            try {
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    System.out.println("  " + name + " did not stop within " + STOP_TIMEOUT.toSeconds()
                            + " s: killing it");
                    handle.destroyForcibly();
                }
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }

        private void passOutputThrough() {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                    if (!muted) {
                        System.out.println("  " + name + " | " + line);
                    }
                }
            } catch (IOException e) {
                // The pipe closes when the child is killed; its output up to then has been passed on.
            }
        }
    }

    private static List<String> command(String mainClass, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmFlags);
        String extra = System.getenv(EXTRA_FLAGS_VARIABLE);
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.strip().split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
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
