package dev.fleetpulse.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus server process on 127.0.0.1 with the remote-write receiver and the lifecycle API on, its
 * configuration, TSDB and log in one directory.
 *
 * <pre>{@code
 * try (LocalPrometheus prometheus = LocalPrometheus.builder().ruleFile(rules).start()) {
 *     sink.writeTo(prometheus.remoteWriteUrl());
 *     prometheus.queryClient().query("vehicles_in_motion");
 * }
 * }</pre>
 *
 * <p>{@link #stop()} and {@link #start()} stop and restart the process on the same port and data (an outage in
 * the middle of a test); {@link #close()} stops it for good and deletes the directory unless the caller gave it.
 * Prometheus's own output goes to {@code prometheus.log} in that directory, never to the console.
 */
public final class LocalPrometheus implements AutoCloseable {

    /** How to get the binary; part of every "not found" error. */
    public static final String INSTALL_HINT = "Install it with `sudo apt-get install -y --no-install-recommends"
            + " prometheus` (Debian/Ubuntu), or set PROMETHEUS_BIN to a prometheus 2.x binary.";

    private static final Logger LOG = LoggerFactory.getLogger(LocalPrometheus.class);

    private final int port;
    private final Path directory;
    private final boolean deleteOnClose;
    private final ManagedProcess process;
    private boolean closed;

    private LocalPrometheus(int port, Path directory, boolean deleteOnClose, ManagedProcess process) {
        this.port = port;
        this.directory = directory;
        this.deleteOnClose = deleteOnClose;
        this.process = process;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Finds the binary as {@link #start()} would: PROMETHEUS_BIN, else {@code prometheus} on the PATH. */
    public static Optional<Path> findBinary() {
        return Executables.find(System.getenv(), "PROMETHEUS_BIN", "prometheus");
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String remoteWriteUrl() {
        return baseUrl() + "/api/v1/write";
    }

    /** Holds {@code prometheus.yml}, {@code prometheus.log} and the TSDB in {@code data/}. */
    public Path directory() {
        return directory;
    }

    public PrometheusQueryClient queryClient() {
        return new PrometheusQueryClient(URI.create(baseUrl()));
    }

    /** Starts the process again after {@link #stop()}, on the same port and data. */
    public void start() {
        requireOpen();
        process.start();
        LOG.info("Prometheus up at {} (directory {})", baseUrl(), directory);
    }

    /** Stops the process (SIGTERM, then SIGKILL after 15 s); the port and data stay for {@link #start()}. */
    public void stop() {
        process.stop();
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** The current or last process, e.g. to check that it is gone after {@link #close()}. */
    public Optional<ProcessHandle> processHandle() {
        return process.handle();
    }

    /** The last lines of Prometheus's own log, for assertion messages. */
    public String logTail() {
        return process.logTail();
    }

    /** Stops the process and deletes the directory (unless it was given with {@link Builder#directory}). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.close();
        if (deleteOnClose) {
            Directories.deleteRecursively(directory);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("LocalPrometheus at " + baseUrl() + " is closed");
        }
    }

    public static final class Builder {

        private int port;
        private Path directory;
        private Path binary;
        private final List<Path> ruleFiles = new ArrayList<>();
        private final List<PrometheusConfigFile.ScrapeJob> scrapeJobs = new ArrayList<>();
        private boolean selfScrape = true;
        private Duration scrapeInterval = Duration.ofSeconds(5);
        private Duration evaluationInterval = Duration.ofSeconds(5);
        private Duration outOfOrderTimeWindow;
        private Duration readyTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** 0 (the default): any free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Keep configuration, log and data here instead of a temporary directory; {@code close()} keeps it. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** The binary to run, instead of PROMETHEUS_BIN or the PATH. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /**
         * A rule file, or a directory whose rule files (YAML with a top-level {@code groups:} key) are all
         * loaded; promtool test files next to them are left out.
         */
        public Builder rules(Path fileOrDirectory) {
            if (Files.isDirectory(fileOrDirectory)) {
                ruleFiles.addAll(ruleFilesIn(fileOrDirectory));
            } else if (Files.isRegularFile(fileOrDirectory)) {
                ruleFiles.add(fileOrDirectory);
            } else {
                throw new IllegalArgumentException("Rule file or directory " + fileOrDirectory + " does not exist");
            }
            return this;
        }

        /** A scrape job with host:port targets, e.g. Flink's Prometheus metrics reporter. */
        public Builder scrape(String jobName, String... targets) {
            scrapeJobs.add(new PrometheusConfigFile.ScrapeJob(jobName, Arrays.asList(targets)));
            return this;
        }

        /** Whether Prometheus scrapes itself as job "prometheus" (default true: gives {@code up} at once). */
        public Builder selfScrape(boolean selfScrape) {
            this.selfScrape = selfScrape;
            return this;
        }

        public Builder scrapeInterval(Duration scrapeInterval) {
            this.scrapeInterval = scrapeInterval;
            return this;
        }

        public Builder evaluationInterval(Duration evaluationInterval) {
            this.evaluationInterval = evaluationInterval;
            return this;
        }

        /** Accept samples up to this much older than a series' newest one ({@code out_of_order_time_window}). */
        public Builder outOfOrderTimeWindow(Duration window) {
            this.outOfOrderTimeWindow = window;
            return this;
        }

        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = readyTimeout;
            return this;
        }

        /**
         * Writes the configuration, starts Prometheus and waits until {@code /-/ready} answers.
         *
         * @throws IllegalStateException if the binary is missing (with {@link #INSTALL_HINT}), or Prometheus
         *     exits or is not ready in time (with the tail of its log)
         * @throws PortUnavailableException if a fixed port is taken
         */
        public LocalPrometheus start() {
            Path executable = binary != null ? binary
                    : Executables.require(System.getenv(), "PROMETHEUS_BIN", "prometheus", INSTALL_HINT);
            int resolvedPort = Ports.resolve(port, "Prometheus");
            boolean temporary = directory == null;
            Path dir = temporary ? Directories.createTemp("fleetpulse-prometheus-") : directory;
            List<PrometheusConfigFile.ScrapeJob> jobs = new ArrayList<>();
            if (selfScrape) {
                jobs.add(new PrometheusConfigFile.ScrapeJob("prometheus", List.of("127.0.0.1:" + resolvedPort)));
            }
            jobs.addAll(scrapeJobs);
            Path configFile = dir.resolve("prometheus.yml");
            try {
                Files.createDirectories(dir.resolve("data"));
                Files.writeString(configFile, PrometheusConfigFile.render(scrapeInterval, evaluationInterval,
                        ruleFiles, jobs, Optional.ofNullable(outOfOrderTimeWindow)), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write " + configFile, e);
            }
            List<String> command = List.of(
                    executable.toString(),
                    "--config.file=" + configFile,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=127.0.0.1:" + resolvedPort,
                    "--web.enable-remote-write-receiver",
                    "--web.enable-lifecycle");
            ManagedProcess process = new ManagedProcess("Prometheus", command, dir.resolve("prometheus.log"),
                    URI.create("http://127.0.0.1:" + resolvedPort + "/-/ready"), readyTimeout);
            LocalPrometheus prometheus = new LocalPrometheus(resolvedPort, dir, temporary, process);
            try {
                prometheus.start();
            } catch (RuntimeException e) {
                prometheus.close();
                throw e;
            }
            return prometheus;
        }

        private static List<Path> ruleFilesIn(Path dir) {
            try (Stream<Path> files = Files.list(dir)) {
                return files.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
                        .filter(Builder::hasTopLevelGroups)
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list rule files in " + dir, e);
            }
        }

        private static boolean hasTopLevelGroups(Path file) {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                return lines.anyMatch(line -> line.startsWith("groups:"));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file, e);
            }
        }
    }
}
