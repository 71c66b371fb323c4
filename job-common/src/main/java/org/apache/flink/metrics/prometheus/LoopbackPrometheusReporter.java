package org.apache.flink.metrics.prometheus;

import io.prometheus.client.exporter.HTTPServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * Flink's Prometheus reporter, serving on 127.0.0.1 only. Flink 2.2's {@link PrometheusReporter} always listens on
 * every interface and has no host option; FleetPulse's local runs may listen on loopback only.
 *
 * <p>It extends {@link AbstractPrometheusReporter}, so metric names and labels are exactly those of Flink's reporter
 * (dashboards and alerts work unchanged). It is declared in Flink's package because the collector registry it serves
 * is package-private there; that is the only reason, and it uses nothing else of the package.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {

    private final HTTPServer server;

    public LoopbackPrometheusReporter(int port) {
        try {
            server = new HTTPServer(new InetSocketAddress("127.0.0.1", port), registry, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve Flink metrics on 127.0.0.1:" + port
                    + " (is the port taken?)", e);
        }
        log.info("Serving Flink metrics for Prometheus at http://127.0.0.1:{}/metrics", server.getPort());
    }

    /** The port it listens on. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }
}
