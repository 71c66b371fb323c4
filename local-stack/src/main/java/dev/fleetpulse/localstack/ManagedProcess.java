package dev.fleetpulse.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One external server process: started with its output appended to a log file, ready once an HTTP endpoint
 * answers 200, stopped with SIGTERM (then SIGKILL), and killed by a JVM shutdown hook if its owner never stops it.
 */
final class ManagedProcess {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    private static final Duration GRACEFUL_STOP = Duration.ofSeconds(15);
    private static final int LOG_TAIL_LINES = 40;

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final URI readyUri;
    private final Duration readyTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    // Volatile so the shutdown hook can read it without the lock a stuck stop() might hold.
    private volatile Process process;
    private Thread shutdownHook;

    ManagedProcess(String name, List<String> command, Path logFile, URI readyUri, Duration readyTimeout) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = logFile;
        this.readyUri = readyUri;
        this.readyTimeout = readyTimeout;
    }

    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + String.join(" ", command), e);
        }
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::destroyForcibly, name + "-reaper");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        awaitReady();
    }

    private void destroyForcibly() {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it became ready. Command: " + String.join(" ", command)
                        + "\nLast lines of " + logFile + ":\n" + logTail());
            }
            if (answersReady()) {
                return;
            }
            sleep(POLL_INTERVAL);
        }
        stopProcess();
        throw new IllegalStateException(name + " was not ready at " + readyUri + " within " + readyTimeout
                + ". Command: " + String.join(" ", command) + "\nLast lines of " + logFile + ":\n" + logTail());
    }

    private boolean answersReady() {
        HttpRequest request = HttpRequest.newBuilder(readyUri).timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        }
    }

    synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The current or last started process; still available after {@link #stop()} to check that it is gone. */
    synchronized Optional<ProcessHandle> handle() {
        return Optional.ofNullable(process).map(Process::toHandle);
    }

    synchronized void stop() {
        if (process != null && process.isAlive()) {
            stopProcess();
        }
    }

    /** Stops the process and drops the shutdown hook: nothing of this process outlives the call. */
    synchronized void close() {
        stop();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The hook is running or about to run; it only kills a process that is already gone.
            }
            shutdownHook = null;
        }
    }

    private void stopProcess() {
        process.destroy();
        try {
            if (!process.waitFor(GRACEFUL_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
