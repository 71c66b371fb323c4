package dev.fleetpulse.demo;

import dev.fleetpulse.localstack.Ports;
import dev.fleetpulse.localstack.PrometheusQueryClient;
import dev.fleetpulse.localstack.QuerySample;
import dev.fleetpulse.monitoring.DashboardQueries;
import org.junit.jupiter.api.AfterEach;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo as a user runs it, in its own JVM: the metrics appear in Prometheus, every dashboard panel answers, the
 * terminal shows the aggregates, and stopping it (SIGTERM, as Ctrl-C) leaves nothing listening.
 */
class DemoITCase {

    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Path DASHBOARD = Path.of("../monitoring/grafana/fleetpulse-dashboard.json");

    private Process demo;
    private Thread reader;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopDemo() throws InterruptedException {
        if (demo != null && demo.isAlive()) {
            demo.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldShowLiveMetricsInPrometheusAndReleaseEveryPortWhenStopped() throws Exception {
        int prometheusPort = Ports.freePort();
        int kafkaPort = Ports.freePort();
        int webUiPort = Ports.freeRange(3);
        int metricsPort = Ports.freeRange(3);
        demo = new ProcessBuilder(javaBinary(), "-Xmx2g", "-XX:+UseParallelGC",
                "-Dfleetpulse.demo.log=target/demo-it.log", "-cp", System.getProperty("java.class.path"),
                Demo.class.getName(), "--vehicles", "100", "--rate", "300", "--duration", "10m",
                "--kafka-port", Integer.toString(kafkaPort), "--prometheus-port", Integer.toString(prometheusPort),
                "--web-ui-port", Integer.toString(webUiPort), "--metrics-port", Integer.toString(metricsPort),
                "--rules", "../monitoring/prometheus/rules")
                .redirectErrorStream(true)
                .start();
        reader = new Thread(this::readOutput, "demo-output");
        reader.setDaemon(true);
        reader.start();

        awaitTrue("the demo to print DEMO READY", STARTUP,
                () -> output.stream().anyMatch(l -> l.startsWith("DEMO READY prometheus=http://127.0.0.1:" + prometheusPort)));
        PrometheusQueryClient prometheus = new PrometheusQueryClient(URI.create("http://127.0.0.1:" + prometheusPort));

        awaitTrue("aggregates for several models and regions", STARTUP,
                () -> prometheus.query("vehicles_in_motion").size() >= 20 && !prometheus.query("warnings").isEmpty());
        awaitTrue("raw samples of every event type", STARTUP, () -> prometheus.query("count by (__name__) "
                + "({__name__=~\"vehicle_ic_rpm|vehicle_electric_rpm|vehicle_warnings\"})").size() == 3);
        awaitTrue("every job's Flink metrics scraped", STARTUP, () -> labelValues(prometheus,
                "count by (job_name) (flink_taskmanager_job_task_operator_numRecordsOut)", "job_name")
                .containsAll(Set.of("vehicle_event_generator", "pre_processor", "raw_event_writer")));
        awaitTrue("the terminal table to count events in", STARTUP, () -> output.stream()
                .anyMatch(l -> l.startsWith("── ") && !l.contains("events in 0,")));

        List<String> silentPanels = new ArrayList<>();
        awaitTrue("every dashboard panel, pipeline health included, to return data", STARTUP, () -> {
            silentPanels.clear();
            for (DashboardQueries.PanelQuery query : DashboardQueries.load(DASHBOARD)) {
                if (prometheus.query(query.expr()).isEmpty()) {
                    silentPanels.add(query.panelTitle() + ": " + query.expr());
                }
            }
            return silentPanels.isEmpty();
        });

        // SIGTERM, like Ctrl-C, runs the shutdown hooks; through the handle, so the output stays readable to the end
        demo.toHandle().destroy();
        assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exits after SIGTERM").isTrue();
        reader.join(10_000); // the output ends with the process; read its last lines
        assertThat(output).contains("DEMO STOPPED");
        for (int port : List.of(prometheusPort, kafkaPort, webUiPort, webUiPort + 1, webUiPort + 2,
                metricsPort, metricsPort + 1, metricsPort + 2)) {
            assertThat(Ports.isFree(port)).as("port %d is released", port).isTrue();
        }
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output closed: " + e.getMessage() + ")");
        }
    }

    /**
     * Waits for {@code condition}, polling once a second; fails at once if the demo exits, and on timeout with the
     * demo's last output. Exceptions count as "not yet": Prometheus may not answer yet.
     */
    private void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
        try {
            await(what).atMost(timeout).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(RuntimeException.class)
                    .until(() -> {
                        if (!demo.isAlive()) {
                            throw new AssertionError("the demo exited (" + demo.exitValue() + ") while waiting for "
                                    + what + "; output:\n" + String.join("\n", output));
                        }
                        return condition.get();
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + "; last output:\n"
                    + String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size())), e);
        }
    }

    private static Set<String> labelValues(PrometheusQueryClient prometheus, String promql, String label) {
        Set<String> values = new TreeSet<>();
        for (QuerySample s : prometheus.query(promql)) {
            values.add(s.label(label));
        }
        return values;
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
