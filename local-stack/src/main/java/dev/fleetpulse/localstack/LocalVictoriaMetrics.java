package dev.fleetpulse.localstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node VictoriaMetrics process on 127.0.0.1: a second remote-write receiver, with the Prometheus
 * query API. Configured so a query sees a sample as soon as it is flushed: no latency offset, no result cache.
 * {@link #forceFlush()} makes samples written so far searchable at once.
 */
public final class LocalVictoriaMetrics implements AutoCloseable {

    public static final String INSTALL_HINT = "Install it with `sudo apt-get install -y --no-install-recommends"
            + " victoria-metrics` (Debian/Ubuntu), or set VICTORIA_METRICS_BIN to a victoria-metrics binary.";

    private static final Logger LOG = LoggerFactory.getLogger(LocalVictoriaMetrics.class);

    private final int port;
    private final Path directory;
    private final ManagedProcess process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private boolean closed;

    private LocalVictoriaMetrics(int port, Path directory, ManagedProcess process) {
        this.port = port;
        this.directory = directory;
        this.process = process;
    }

    /** Finds the binary as {@link #start()} would: VICTORIA_METRICS_BIN, else {@code victoria-metrics} on the PATH. */
    public static Optional<Path> findBinary() {
        return Executables.find(System.getenv(), "VICTORIA_METRICS_BIN", "victoria-metrics");
    }

    public static boolean isAvailable() {
        return findBinary().isPresent();
    }

    /** Starts VictoriaMetrics on a free port. */
    public static LocalVictoriaMetrics start() {
        return start(0);
    }

    /**
     * Starts VictoriaMetrics on the given port (0: any free port) with a temporary data directory.
     *
     * @throws IllegalStateException if the binary is missing (with {@link #INSTALL_HINT}) or it does not start
     */
    public static LocalVictoriaMetrics start(int port) {
        Path executable = Executables.require(System.getenv(), "VICTORIA_METRICS_BIN", "victoria-metrics",
                INSTALL_HINT);
        int resolvedPort = Ports.resolve(port, "VictoriaMetrics");
        Path dir = Directories.createTemp("fleetpulse-victoria-metrics-");
        List<String> command = List.of(
                executable.toString(),
                "-httpListenAddr=127.0.0.1:" + resolvedPort,
                "-storageDataPath=" + dir.resolve("data"),
                // Test data carries timestamps from any time; VictoriaMetrics drops samples outside retention.
                "-retentionPeriod=100y",
                // Defaults hide the last 30 s of samples and cache results: a test would not see what it just wrote.
                "-search.latencyOffset=0s",
                "-search.disableCache");
        ManagedProcess process = new ManagedProcess("VictoriaMetrics", command, dir.resolve("victoria-metrics.log"),
                URI.create("http://127.0.0.1:" + resolvedPort + "/health"), Duration.ofSeconds(30));
        LocalVictoriaMetrics victoriaMetrics = new LocalVictoriaMetrics(resolvedPort, dir, process);
        try {
            process.start();
        } catch (RuntimeException e) {
            victoriaMetrics.close();
            throw e;
        }
        LOG.info("VictoriaMetrics up at {} (directory {})", victoriaMetrics.baseUrl(), dir);
        return victoriaMetrics;
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

    public Path directory() {
        return directory;
    }

    public PrometheusQueryClient queryClient() {
        return new PrometheusQueryClient(URI.create(baseUrl()));
    }

    /** Makes every sample received so far visible to queries; otherwise that takes seconds. */
    public void forceFlush() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + "/internal/force_flush"))
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("VictoriaMetrics force_flush answered HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("VictoriaMetrics at " + baseUrl() + " did not answer force_flush", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during force_flush", e);
        }
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    public Optional<ProcessHandle> processHandle() {
        return process.handle();
    }

    public String logTail() {
        return process.logTail();
    }

    /** Stops the process and deletes its data directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        process.close();
        if (Files.exists(directory)) {
            Directories.deleteRecursively(directory);
        }
    }
}
