package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class LocalPrometheusITCase {

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension(
            builder -> builder.scrapeInterval(Duration.ofSeconds(1)).evaluationInterval(Duration.ofSeconds(1)));

    private static final Duration EVENTUALLY = Duration.ofSeconds(20);

    private static long nowMinusSeconds(int seconds) {
        return Instant.now().minusSeconds(seconds).toEpochMilli();
    }

    @Test
    void shouldReturnExactRawSamplesWhenSeriesWasRemoteWritten() throws Exception {
        long t0 = nowMinusSeconds(30);
        Map<String, String> labels = Map.of("__name__", "fp_raw_test", "vehicle_id", "V0000000001", "region", "UK");

        int status = RemoteWrite.send(PROMETHEUS.remoteWriteUrl(), labels,
                new RemoteWrite.Sample(t0, 4356), new RemoteWrite.Sample(t0 + 1_001, -12.5));

        assertThat(status).isEqualTo(204);
        List<QuerySeries> raw = PROMETHEUS.queryClient().rawSamples("fp_raw_test", Duration.ofMinutes(5));
        assertThat(raw).hasSize(1);
        assertThat(raw.get(0).labels()).isEqualTo(labels);
        assertThat(raw.get(0).points()).containsExactly(
                new QuerySeries.Point(t0, 4356), new QuerySeries.Point(t0 + 1_001, -12.5));
        List<QuerySample> latest = PROMETHEUS.queryClient().query("fp_raw_test{region=\"UK\"}");
        assertThat(latest).extracting(QuerySample::value).containsExactly(-12.5);
        assertThat(PROMETHEUS.queryClient().seriesCount("fp_raw_test", Duration.ofMinutes(5))).isEqualTo(1);
    }

    @Test
    void shouldAnswerQueriesAboutItsOwnScrape() {
        List<QuerySample> up = eventually(() -> PROMETHEUS.queryClient().query("up{job=\"prometheus\"}"));

        assertThat(up).singleElement().satisfies(sample -> {
            assertThat(sample.value()).isEqualTo(1.0);
            assertThat(sample.label("__name__")).isEqualTo("up");
            assertThat(sample.label("instance")).isEqualTo("127.0.0.1:" + PROMETHEUS.prometheus().port());
        });
    }

    @Test
    void shouldFailWithPrometheusErrorTextWhenQueryIsInvalid() {
        assertThatThrownBy(() -> PROMETHEUS.queryClient().query("sum("))
                .isInstanceOf(PrometheusQueryException.class)
                .hasMessageContaining("HTTP 400")
                .hasMessageContaining("bad_data")
                .satisfies(e -> assertThat(((PrometheusQueryException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void shouldRejectAFixedPortThatIsTaken() {
        int taken = PROMETHEUS.prometheus().port();

        assertThatThrownBy(() -> LocalPrometheus.builder().port(taken).start())
                .isInstanceOf(PortUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + taken);
    }

    @Test
    void shouldKeepDataAcrossStopAndStartAndLeaveNothingAfterClose() throws Exception {
        long t0 = nowMinusSeconds(60);
        Map<String, String> labels = Map.of("__name__", "fp_restart_test");
        LocalPrometheus prometheus = LocalPrometheus.builder().start();
        ProcessHandle firstProcess;
        try {
            RemoteWrite.send(prometheus.remoteWriteUrl(), labels, new RemoteWrite.Sample(t0, 7));
            firstProcess = prometheus.processHandle().orElseThrow();

            prometheus.stop();
            assertThat(prometheus.isRunning()).isFalse();
            assertThat(firstProcess.isAlive()).isFalse();
            prometheus.start();
            RemoteWrite.send(prometheus.remoteWriteUrl(), labels, new RemoteWrite.Sample(t0 + 1_000, 8));

            assertThat(prometheus.queryClient().rawSamples("fp_restart_test", Duration.ofMinutes(5)))
                    .singleElement()
                    .extracting(QuerySeries::points)
                    .isEqualTo(List.of(new QuerySeries.Point(t0, 7), new QuerySeries.Point(t0 + 1_000, 8)));
        } finally {
            prometheus.close();
        }

        ProcessHandle lastProcess = prometheus.processHandle().orElseThrow();
        assertThat(lastProcess.pid()).isNotEqualTo(firstProcess.pid());
        assertThat(lastProcess.isAlive()).isFalse();
        assertThat(ProcessHandle.of(lastProcess.pid())).isEmpty();
        assertThat(prometheus.directory()).doesNotExist();
    }

    @Test
    void shouldScrapeConfiguredTargetsUnderTheirJobName() {
        String target = "127.0.0.1:" + PROMETHEUS.prometheus().port();

        try (LocalPrometheus scraper = LocalPrometheus.builder()
                .selfScrape(false).scrape("flink", target).scrapeInterval(Duration.ofSeconds(1)).start()) {
            List<QuerySample> up = eventually(() -> scraper.queryClient().query("up"));

            assertThat(up).singleElement().satisfies(sample -> {
                assertThat(sample.label("job")).isEqualTo("flink");
                assertThat(sample.label("instance")).isEqualTo(target);
                assertThat(sample.value()).isEqualTo(1.0);
            });
        }
    }

    @Test
    void shouldAcceptOlderSamplesOnlyWithinTheOutOfOrderWindow() throws Exception {
        long t0 = nowMinusSeconds(60);
        Map<String, String> labels = Map.of("__name__", "fp_out_of_order_test");

        try (LocalPrometheus prometheus = LocalPrometheus.builder()
                .outOfOrderTimeWindow(Duration.ofMinutes(10)).start()) {
            RemoteWrite.send(prometheus.remoteWriteUrl(), labels, new RemoteWrite.Sample(t0, 2));
            RemoteWrite.send(prometheus.remoteWriteUrl(), labels, new RemoteWrite.Sample(t0 - 5_000, 1));

            assertThat(prometheus.queryClient().rawSamples("fp_out_of_order_test", Duration.ofMinutes(5)))
                    .singleElement()
                    .extracting(QuerySeries::points)
                    .isEqualTo(List.of(new QuerySeries.Point(t0 - 5_000, 1), new QuerySeries.Point(t0, 2)));
        }
    }

    @Test
    void shouldEvaluateRulesFromADirectoryAndSkipPromtoolTestFiles(@TempDir Path rules) throws Exception {
        Files.writeString(rules.resolve("fleet.rules.yml"), """
                groups:
                  - name: fleet
                    rules:
                      - record: fp:answer
                        expr: vector(42)
                """);
        Files.writeString(rules.resolve("fleet_test.yml"), """
                rule_files: [fleet.rules.yml]
                tests: []
                """);

        try (LocalPrometheus prometheus = LocalPrometheus.builder()
                .rules(rules).evaluationInterval(Duration.ofSeconds(1)).start()) {
            List<QuerySample> answer = eventually(() -> prometheus.queryClient().query("fp:answer"));

            assertThat(answer).extracting(QuerySample::value).containsExactly(42.0);
        }
    }

    @Test
    void shouldFailWithTheLogTailWhenPrometheusRejectsItsRules(@TempDir Path rules) throws Exception {
        Path broken = Files.writeString(rules.resolve("broken.yml"), "groups:\n  - name: x\n    rules:\n      - record: 1bad\n        expr: up\n");

        assertThatThrownBy(() -> LocalPrometheus.builder().rules(broken).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Prometheus exited with code")
                .hasMessageContaining("1bad");
    }

    /** Polls until the query returns something: scrapes and rule evaluations happen on their own schedule. */
    private static <T> List<T> eventually(Supplier<List<T>> query) {
        return await().atMost(EVENTUALLY).pollInterval(Duration.ofMillis(200)).until(query::get, r -> !r.isEmpty());
    }
}
