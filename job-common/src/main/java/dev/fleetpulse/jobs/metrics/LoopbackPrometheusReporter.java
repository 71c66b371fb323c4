package dev.fleetpulse.jobs.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.flink.metrics.CharacterFilter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.HistogramStatistics;
import org.apache.flink.metrics.LogicalScopeProvider;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

/**
 * Serves a local run's Flink metrics for Prometheus at {@code http://127.0.0.1:<port>/metrics}. Flink 2.2's own
 * Prometheus reporter always listens on every interface and has no host option, and nothing FleetPulse starts may
 * listen beyond loopback.
 *
 * <p>Names and labels follow Flink's reporter, so dashboards and alerts written for it work unchanged:
 * {@code flink_<logical scope>_<metric>} (e.g. {@code flink_taskmanager_job_task_operator_numRecordsIn}), every scope
 * variable a label without its angle brackets, and every character outside {@code [a-zA-Z0-9:_]} in names and label
 * values replaced by {@code _}. Counters, numeric gauges and meters (their rate) are gauges; histograms are summaries
 * with Flink's quantiles.
 */
public final class LoopbackPrometheusReporter implements MetricReporter {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackPrometheusReporter.class);
    private static final Pattern UNALLOWED = Pattern.compile("[^a-zA-Z0-9:_]");
    private static final CharacterFilter FILTER = text -> UNALLOWED.matcher(text).replaceAll("_");
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Metric name -> labels -> metric; sorted, so the page reads the same on every scrape. */
    private final Map<String, Map<SortedMap<String, String>, Metric>> families = new ConcurrentSkipListMap<>();
    private final HttpServer server;

    /** Starts serving on 127.0.0.1:{@code port}. */
    public LoopbackPrometheusReporter(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot serve Flink metrics on 127.0.0.1:" + port
                    + " (is the port taken?)", e);
        }
        server.createContext("/metrics", this::serve);
        server.start();
        LOG.info("Serving Flink metrics for Prometheus at http://127.0.0.1:{}/metrics", port());
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
        families.computeIfAbsent(name(metricName, group), n -> new ConcurrentHashMap<>()).put(labels(group), metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
        Map<SortedMap<String, String>, Metric> family = families.get(name(metricName, group));
        if (family != null) {
            family.remove(labels(group), metric);
        }
    }

    private static String name(String metricName, MetricGroup group) {
        return "flink_" + LogicalScopeProvider.castFrom(group).getLogicalScope(FILTER, '_') + '_'
                + FILTER.filterCharacters(metricName);
    }

    private static SortedMap<String, String> labels(MetricGroup group) {
        SortedMap<String, String> labels = new TreeMap<>();
        group.getAllVariables().forEach((variable, value) -> labels.put(
                FILTER.filterCharacters(variable.substring(1, variable.length() - 1)), FILTER.filterCharacters(value)));
        return labels;
    }

    private void serve(HttpExchange exchange) throws IOException {
        byte[] page = render(requestedNames(exchange.getRequestURI().getRawQuery())).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.sendResponseHeaders(200, page.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(page);
        }
    }

    /**
     * The metric names a scrape asks for with {@code name[]=NAME} parameters, the filter of Prometheus's own client
     * libraries; empty for all. A reader that polls one metric often (the end-to-end benchmark polls the source's
     * record count five times a second) then costs the job a few lines instead of the whole page.
     */
    static Set<String> requestedNames(String rawQuery) {
        if (rawQuery == null) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        for (String parameter : rawQuery.split("&")) {
            int eq = parameter.indexOf('=');
            if (eq > 0 && URLDecoder.decode(parameter.substring(0, eq), StandardCharsets.UTF_8).equals("name[]")) {
                names.add(URLDecoder.decode(parameter.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return names;
    }

    /** The exposition text format of the metrics registered now with the given names, or of all when none given. */
    String render(Set<String> names) {
        StringBuilder page = new StringBuilder();
        families.forEach((name, family) -> {
            if (family.isEmpty() || !(names.isEmpty() || names.contains(name))) {
                return;
            }
            boolean summary = family.values().iterator().next() instanceof Histogram;
            page.append("# TYPE ").append(name).append(summary ? " summary\n" : " gauge\n");
            family.forEach((labels, metric) -> {
                if (metric instanceof Histogram histogram) {
                    HistogramStatistics statistics = histogram.getStatistics();
                    for (double quantile : QUANTILES) {
                        SortedMap<String, String> withQuantile = new TreeMap<>(labels);
                        withQuantile.put("quantile", Double.toString(quantile));
                        sample(page, name, withQuantile, statistics.getQuantile(quantile));
                    }
                    sample(page, name + "_count", labels, histogram.getCount());
                } else {
                    Double value = value(metric);
                    if (value != null) {
                        sample(page, name, labels, value);
                    }
                }
            });
        });
        return page.toString();
    }

    /** A counter's count, a meter's rate, a numeric or boolean gauge's value; null for gauges of other types. */
    private static Double value(Metric metric) {
        if (metric instanceof Counter counter) {
            return (double) counter.getCount();
        }
        if (metric instanceof Meter meter) {
            return meter.getRate();
        }
        if (metric instanceof Gauge<?> gauge) {
            Object value = gauge.getValue();
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            if (value instanceof Boolean bool) {
                return bool ? 1.0 : 0.0;
            }
        }
        return null;
    }

    private static void sample(StringBuilder page, String name, Map<String, String> labels, double value) {
        page.append(name);
        if (!labels.isEmpty()) {
            page.append('{');
            labels.forEach((label, labelValue) -> page.append(label).append("=\"").append(labelValue).append("\","));
            page.setLength(page.length() - 1);
            page.append('}');
        }
        page.append(' ').append(format(value)).append('\n');
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }
}
