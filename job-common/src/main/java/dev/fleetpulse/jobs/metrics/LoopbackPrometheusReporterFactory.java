package dev.fleetpulse.jobs.metrics;

import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Properties;

/**
 * Creates the {@link LoopbackPrometheusReporter} for a local run's MiniCluster ({@code --metrics-port N}), so the
 * local Prometheus can scrape the job's metrics from 127.0.0.1. Configured as
 * {@code metrics.reporter.prom.factory.class}, with the port in {@code metrics.reporter.prom.port}.
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {

    public static final String PORT = "port";

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        String port = properties.getProperty(PORT);
        if (port == null) {
            throw new IllegalArgumentException("metrics.reporter.<name>." + PORT + " is required");
        }
        return new LoopbackPrometheusReporter(Integer.parseInt(port.strip()));
    }
}
