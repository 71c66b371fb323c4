package dev.fleetpulse.localstack.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One JobManager or TaskManager JVM, its stdout and stderr appended to its own log file. */
final class FlinkProcess {

    private static final int LOG_TAIL_LINES = 60;

    private final String name;
    private final Path logFile;
    private final Process process;

    private FlinkProcess(String name, Path logFile, Process process) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
    }

    static FlinkProcess start(String name, List<String> command, Path logFile) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            // The JVM reads nothing from stdin; closing it keeps a stray read from blocking forever.
            process.getOutputStream().close();
            return new FlinkProcess(name, logFile, process);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    String name() {
        return name;
    }

    Path logFile() {
        return logFile;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL, as a crashed machine or the OOM killer would: no shutdown hook of the JVM runs. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name + " to die", e);
        }
    }

    /** SIGTERM: Flink's own shutdown hooks release ports and files. */
    void requestStop() {
        process.destroy();
    }

    /** Waits until {@code deadlineNanos} (System.nanoTime) for the process to exit, then kills it. */
    void awaitExitOrKill(long deadlineNanos) {
        try {
            long remaining = Math.max(0, deadlineNanos - System.nanoTime());
            if (!process.waitFor(remaining, java.util.concurrent.TimeUnit.NANOSECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    void destroyForcibly() {
        process.destroyForcibly();
    }

    String exitDescription() {
        return process.isAlive() ? "running" : "exited with code " + process.exitValue();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }
}
