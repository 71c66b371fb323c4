package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.QuerySample;
import dev.fleetpulse.monitoring.DashboardQueries.PanelQuery;
import dev.fleetpulse.prometheus.http.RemoteWriteHttpClient;
import dev.fleetpulse.prometheus.http.RemoteWriteResponse;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.writer.WriteRequestBatch;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Every panel query of the shipped dashboard, run against a real Prometheus that receives realistic pipeline output
 * by remote-write only, the jobs' path: the aggregates, the raw readings and the health series of both jobs. That
 * Prometheus scrapes nothing but itself, as on AMP with the jobs on MSF; still every panel of every row returns
 * data, the recording rules record exact values and every alert and recording rule evaluates without error.
 */
class FleetpulseDashboardITCase {

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension(
            builder -> builder.rules(Path.of("prometheus", "rules")));

    /** Aggregates come per window and health series every 5 s; vehicles report every 2 s. */
    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final Duration HEALTH_INTERVAL = Duration.ofSeconds(5);
    private static final Duration RAW_INTERVAL = Duration.ofSeconds(2);
    private static final Duration HISTORY = Duration.ofMinutes(1);
    /** The recording group runs every minute and the alert groups every 30 s: two minutes plus a margin. */
    private static final Duration RULES_EVALUATED = Duration.ofSeconds(150);

    /** (model, region, vehicles in motion, warning lights) per window: the pre-processor's output. */
    private static final List<Aggregate> AGGREGATES = List.of(
            new Aggregate("Aurora", "UK", 14, 3),
            new Aggregate("Aurora", "US", 52, 9),
            new Aggregate("Dynamo", "US", 31, 4),
            new Aggregate("Horizon", "Japan", 7, 1),
            new Aggregate("Ember", "New Zealand", 2, 2));

    /**
     * One vehicle per region of the aggregates: the raw-event-writer's output. V0000000000 is the dashboard's
     * default vehicle, as it is the generator's first.
     */
    private static final List<RawVehicle> RAW_VEHICLES = List.of(
            new RawVehicle("V0000000000", "UK", 2400, 1),
            new RawVehicle("V0000000001", "US", 3100, 2),
            new RawVehicle("V0000000002", "Japan", 1800, 1),
            new RawVehicle("V0000000003", "New Zealand", 950, 2));

    private static final List<String> REJECT_REASONS = List.of("malformed-json", "missing-field", "duplicate-field",
            "wrong-type", "unknown-event-type", "unknown-region", "bad-vehicle-id", "bad-timestamp",
            "future-timestamp", "bad-measurement", "late");
    private static final String PRE_PROCESSOR = "pre-processor";
    private static final String RAW_EVENT_WRITER = "raw-event-writer";
    private static final int SUBTASKS = 2;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Aggregate(String model, String region, int vehiclesInMotion, int warnings) {
    }

    record RawVehicle(String vehicleId, String region, int rpm, int warnings) {
    }

    /** What a subtask writes at each emission, {@code elapsedMs} after the jobs started, at {@code timeMs}. */
    @FunctionalInterface
    interface Reading {
        double at(long elapsedMs, long timeMs);
    }

    /** One health series as a job writes it: name without the prefix, job, subtask, own labels, values. */
    record Health(String name, String job, int subtask, Map<String, String> labels, Reading reading) {
    }

    private static final List<Health> HEALTH = healthOfBothJobs();

    private static Instant queryTime;

    @BeforeAll
    static void runThePipelineUntilEveryRuleGroupHasEvaluatedItsOutput() throws Exception {
        Pipeline pipeline = new Pipeline(Instant.now().minus(HISTORY));
        pipeline.writeUntil(Instant.now());
        Instant historyWritten = Instant.now();

        // The jobs never stop writing; neither does the fixture while it waits for the rule groups (every minute,
        // every 30 s) to evaluate after the history arrived. A rule that ran before it found nothing.
        await("every rule group evaluated after the pipeline's first minute arrived")
                .atMost(RULES_EVALUATED)
                .pollInSameThread()
                .pollInterval(HEALTH_INTERVAL)
                .until(() -> {
                    pipeline.writeUntil(Instant.now());
                    return ruleGroups().stream().allMatch(group -> lastEvaluation(group).isAfter(historyWritten));
                });
        queryTime = Instant.now();
    }

    @Test
    void shouldScrapeNothingButItself() throws Exception {
        JsonNode targets = api("/api/v1/targets");

        assertThat(targets.path("activeTargets")).singleElement().satisfies(target -> {
            assertThat(target.path("labels").path("job").asText()).isEqualTo("prometheus");
            assertThat(target.path("scrapeUrl").asText()).isEqualTo(PROMETHEUS.prometheus().baseUrl() + "/metrics");
        });
        assertThat(targets.path("droppedTargets")).isEmpty();
        assertThat(PROMETHEUS.queryClient().query("{__name__=~\"flink_.+\"}", queryTime)).isEmpty();
        // Scraped series always carry the target's instance label; remote-written health series have none.
        assertThat(PROMETHEUS.queryClient().query("fleetpulse_pipeline_events_in_total", queryTime))
                .hasSize(2 * SUBTASKS)
                .allSatisfy(sample -> assertThat(sample.labels()).doesNotContainKey("instance"));
    }

    @Test
    void shouldReturnDataForEveryPanelWithAllModelsAndRegionsSelected() {
        List<PanelQuery> queries = DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD);

        assertThat(queries).extracting(PanelQuery::row)
                .contains("Fleet", "Raw vs aggregated", DashboardQueries.PIPELINE_HEALTH_ROW);
        queries.forEach(FleetpulseDashboardITCase::assertReturnsNonZeroData);
    }

    @Test
    void shouldReturnDataForEveryPanelWithOneModelRegionAndVehicleSelected() {
        List<PanelQuery> queries = DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD,
                Map.of("model", "Aurora", "region", "UK", "vehicle", "V0000000000"));

        queries.forEach(FleetpulseDashboardITCase::assertReturnsNonZeroData);
    }

    @Test
    void shouldCountRawAndAggregatedSeriesSeparately() {
        // 4 vehicles x 3 raw metrics, recorded by the rule, against 5 (model, region) pairs x 2 aggregates.
        assertThat(single("fleetpulse:raw_series:count")).isEqualTo(12.0);
        assertThat(single("count({__name__=~\"vehicles_in_motion|warnings\"})")).isEqualTo(10.0);
    }

    @Test
    void shouldRecordTheRawFiguresPerRegionFromEachVehiclesReadings() {
        assertThat(byRegion("fleetpulse:vehicle_warnings:sum_by_region")).containsExactlyInAnyOrder(
                tuple("UK", 1.0), tuple("US", 2.0), tuple("Japan", 1.0), tuple("New Zealand", 2.0));
        assertThat(byRegion("fleetpulse:vehicle_ic_rpm:avg_by_region")).containsExactlyInAnyOrder(
                tuple("UK", 2400.0), tuple("US", 3100.0), tuple("Japan", 1800.0), tuple("New Zealand", 950.0));
        assertThat(byRegion("fleetpulse:vehicle_electric_rpm:avg_by_region")).containsExactlyInAnyOrder(
                tuple("UK", -1200.0), tuple("US", -1550.0), tuple("Japan", -900.0), tuple("New Zealand", -475.0));
    }

    @Test
    void shouldShowTheRawReadingsOfTheChosenVehicleOnly() {
        String oneVehicle = panelQuery(Map.of("vehicle", "V0000000002"), "Raw readings of one vehicle");

        assertThat(PROMETHEUS.queryClient().query(oneVehicle, queryTime))
                .extracting(sample -> sample.label("__name__"), sample -> sample.label("vehicle_id"),
                        QuerySample::value)
                .containsExactlyInAnyOrder(
                        tuple("vehicle_ic_rpm", "V0000000002", 1800.0),
                        tuple("vehicle_electric_rpm", "V0000000002", -900.0),
                        tuple("vehicle_warnings", "V0000000002", 1.0));
    }

    @Test
    void shouldFilterTopRegionsByTheSelectedModel() {
        String topRegions = panelQuery(Map.of("model", "Aurora"), "Top 5 regions by vehicles in motion");

        assertThat(PROMETHEUS.queryClient().query(topRegions, queryTime))
                .extracting(sample -> sample.labels().get("region"), QuerySample::value)
                .containsExactlyInAnyOrder(tuple("US", 52.0),
                        tuple("UK", 14.0));
    }

    @Test
    void shouldSumEachJobsHealthOverItsSubtasks() {
        // Each of the two subtasks of each job reads 100 events a second.
        String eventsIn = panelQuery(Map.of(), "Events in per second");

        List<QuerySample> perJob = PROMETHEUS.queryClient().query(eventsIn, queryTime);

        assertThat(perJob).extracting(sample -> sample.labels().keySet(), sample -> sample.label("job"))
                .containsExactlyInAnyOrder(tuple(Set.of("job"), PRE_PROCESSOR), tuple(Set.of("job"), RAW_EVENT_WRITER));
        assertThat(perJob).allSatisfy(sample -> assertThat(sample.value()).isCloseTo(200.0, within(1e-6)));
    }

    @Test
    void shouldEvaluateEveryRuleWithoutError() throws Exception {
        List<String> evaluated = new ArrayList<>();
        for (JsonNode group : ruleGroups()) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.path("name").asText();
                assertThat(rule.path("health").asText()).as(name + ": " + rule.path("lastError").asText())
                        .isEqualTo("ok");
                evaluated.add(name);
            }
        }

        assertThat(evaluated).containsExactlyInAnyOrderElementsOf(RuleFiles.ruleNames());
    }

    @Test
    void shouldFireOnlyTheAlertTheHealthSeriesCallFor() throws Exception {
        // The alerts API, not the ALERTS series: Prometheus writes that series only from a group's third evaluation
        // on (after restoring alert state), and the fixture waits for one evaluation. The API is what Alertmanager
        // is sent. The raw writer's sink gives up on a request every 20 s; everything else is healthy.
        List<JsonNode> alerts = new ArrayList<>();
        api("/api/v1/alerts").path("alerts").forEach(alerts::add);

        assertThat(alerts).extracting(alert -> alert.path("labels").path("alertname").asText(),
                        alert -> alert.path("state").asText(), alert -> alert.path("labels").path("job").asText())
                .containsExactly(tuple("PrometheusSinkWriteRequestsFailing", "firing", RAW_EVENT_WRITER));
    }

    private static void assertReturnsNonZeroData(PanelQuery query) {
        List<QuerySample> result = PROMETHEUS.queryClient().query(query.expr(), queryTime);
        // Non-zero: a query that silently falls back to vector(0) must not pass for one that found data.
        assertThat(result).as(query.row() + " / " + query.panelTitle() + " " + query.refId() + ": " + query.expr())
                .isNotEmpty()
                .anySatisfy(sample -> assertThat(sample.value()).isNotZero().isFinite());
    }

    private static String panelQuery(Map<String, String> variables, String panelTitle) {
        return DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD, variables).stream()
                .filter(query -> query.panelTitle().equals(panelTitle))
                .findFirst().orElseThrow(() -> new AssertionError("no panel '" + panelTitle + "'")).expr();
    }

    private static double single(String promql) {
        List<QuerySample> result = PROMETHEUS.queryClient().query(promql, queryTime);
        assertThat(result).as(promql).hasSize(1);
        return result.get(0).value();
    }

    private static List<Tuple> byRegion(String promql) {
        return PROMETHEUS.queryClient().query(promql, queryTime).stream()
                .map(sample -> tuple(sample.label("region"), sample.value()))
                .toList();
    }

    private static List<JsonNode> ruleGroups() throws IOException, InterruptedException {
        List<JsonNode> groups = new ArrayList<>();
        api("/api/v1/rules").path("groups").forEach(groups::add);
        assertThat(groups).as("rule groups loaded").isNotEmpty();
        return groups;
    }

    /** Prometheus gives RFC 3339 with its own zone offset, and year 1 before the first evaluation. */
    private static Instant lastEvaluation(JsonNode group) {
        return OffsetDateTime.parse(group.path("lastEvaluation").asText()).toInstant();
    }

    private static JsonNode api(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(PROMETHEUS.prometheus().baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("data");
    }

    /**
     * The health series of both jobs at parallelism 2, as they write them: a series per reject reason and per drop
     * cause and refusal answer from the start, most at 0; counters rising at steady rates; the usual gauges. Enough
     * trouble for every panel to show something (a malformed record a second, late events, refused and dropped
     * samples, a failed request every 20 s), too little for any alert but the one on failed requests.
     */
    private static List<Health> healthOfBothJobs() {
        List<Health> series = new ArrayList<>();
        for (String job : List.of(PRE_PROCESSOR, RAW_EVENT_WRITER)) {
            boolean pre = job.equals(PRE_PROCESSOR);
            for (int subtask = 0; subtask < SUBTASKS; subtask++) {
                boolean first = subtask == 0;
                series.add(new Health("events_in_total", job, subtask, Map.of(), counter(100)));
                for (String reason : REJECT_REASONS) {
                    series.add(new Health("dead_letters_total", job, subtask, Map.of("reason", reason),
                            counter(first && reason.equals("malformed-json") ? 1 : 0)));
                }
                series.add(new Health("event_time_lag_seconds", job, subtask, Map.of(), gauge(pre ? 2.5 : 1.5)));
                if (pre) {
                    series.add(new Health("late_events_total", job, subtask, Map.of(), counter(first ? 0 : 0.5)));
                }
                series.add(new Health("samples_written_total", job, subtask, Map.of(), counter(pre ? 30 : 150)));
                for (String cause : List.of("refused", "retry_limit", "future")) {
                    series.add(new Health("samples_dropped_total", job, subtask, Map.of("cause", cause),
                            counter(!pre && first && cause.equals("refused") ? 0.1 : 0)));
                }
                // The pre-processor's second sink subtask sees its replay refused after a restore.
                for (String answer : List.of("out_of_order", "duplicate")) {
                    series.add(new Health("samples_refused_total", job, subtask, Map.of("answer", answer),
                            counter(pre && !first && answer.equals("out_of_order") ? 0.2 : 0)));
                }
                series.add(new Health("write_requests_total", job, subtask, Map.of(), counter(pre ? 1 : 3)));
                series.add(new Health("write_retries_total", job, subtask, Map.of(), counter(0.1)));
                series.add(new Health("write_requests_failed_total", job, subtask, Map.of(),
                        counter(!pre && first ? 0.05 : 0)));
                series.add(new Health("sink_buffered_samples", job, subtask, Map.of(), gauge(pre ? 60 : 300)));
                series.add(new Health("sink_in_flight_requests", job, subtask, Map.of(), gauge(1)));
                series.add(new Health("sink_oldest_unsent_sample_age_seconds", job, subtask, Map.of(), gauge(0.8)));
                series.add(new Health("sink_last_write_time_seconds", job, subtask, Map.of(),
                        (elapsedMs, timeMs) -> (timeMs - 400) / 1000.0));
            }
        }
        return series;
    }

    /** A count that grows at {@code perSecond} from the jobs' start and, like every count, is a whole number. */
    private static Reading counter(double perSecond) {
        return (elapsedMs, timeMs) -> Math.floor(perSecond * elapsedMs / 1000.0);
    }

    private static Reading gauge(double value) {
        return (elapsedMs, timeMs) -> value;
    }

    /**
     * The three jobs' output from {@code start} on: each call writes every sample due since the previous one, on
     * grids aligned to the epoch (window ends, emissions, readings), in one remote-write request.
     */
    private static final class Pipeline {

        private final long startMs;
        private long writtenUpToMs;

        Pipeline(Instant start) {
            startMs = start.toEpochMilli();
            writtenUpToMs = startMs - 1;
        }

        void writeUntil(Instant end) throws Exception {
            long endMs = end.toEpochMilli();
            List<TimeSeries> series = new ArrayList<>();
            List<Long> windowEnds = due(WINDOW, endMs);
            List<Long> readings = due(RAW_INTERVAL, endMs);
            List<Long> emissions = due(HEALTH_INTERVAL, endMs);
            if (!windowEnds.isEmpty()) {
                for (Aggregate aggregate : AGGREGATES) {
                    series.add(aggregate("vehicles_in_motion", aggregate, aggregate.vehiclesInMotion(), windowEnds));
                    series.add(aggregate("warnings", aggregate, aggregate.warnings(), windowEnds));
                }
            }
            if (!readings.isEmpty()) {
                for (RawVehicle vehicle : RAW_VEHICLES) {
                    series.add(raw("vehicle_ic_rpm", vehicle, vehicle.rpm(), readings));
                    series.add(raw("vehicle_electric_rpm", vehicle, -vehicle.rpm() / 2.0, readings));
                    series.add(raw("vehicle_warnings", vehicle, vehicle.warnings(), readings));
                }
            }
            if (!emissions.isEmpty()) {
                for (Health health : HEALTH) {
                    series.add(health(health, emissions));
                }
            }
            if (!series.isEmpty()) {
                remoteWrite(series);
            }
            writtenUpToMs = endMs;
        }

        /** The instants of an epoch-aligned grid after what is written, up to {@code endMs}. */
        private List<Long> due(Duration step, long endMs) {
            long stepMs = step.toMillis();
            List<Long> times = new ArrayList<>();
            for (long t = (writtenUpToMs / stepMs + 1) * stepMs; t <= endMs; t += stepMs) {
                times.add(t);
            }
            return times;
        }

        private static TimeSeries aggregate(String metric, Aggregate aggregate, double value, List<Long> times) {
            TimeSeries.Builder builder = TimeSeries.builder(metric)
                    .label("model", aggregate.model())
                    .label("region", aggregate.region());
            times.forEach(t -> builder.sample(value, t));
            return builder.build();
        }

        private static TimeSeries raw(String metric, RawVehicle vehicle, double value, List<Long> times) {
            TimeSeries.Builder builder = TimeSeries.builder(metric)
                    .label("vehicle_id", vehicle.vehicleId())
                    .label("region", vehicle.region());
            times.forEach(t -> builder.sample(value, t));
            return builder.build();
        }

        private TimeSeries health(Health health, List<Long> times) {
            TimeSeries.Builder builder = TimeSeries.builder("fleetpulse_pipeline_" + health.name())
                    .label("job", health.job())
                    .label("subtask", Integer.toString(health.subtask()));
            health.labels().forEach(builder::label);
            times.forEach(t -> builder.sample(health.reading().at(t - startMs, t), t));
            return builder.build();
        }

        private static void remoteWrite(List<TimeSeries> series) throws Exception {
            WriteRequestBatch batch = new WriteRequestBatch(100_000, 10_000_000);
            long now = System.currentTimeMillis();
            for (TimeSeries ts : series) {
                assertThat(batch.add(ts, 0, now)).as("whole series fits one request").isEqualTo(ts.sampleCount());
            }
            int length = batch.compress();
            try (RemoteWriteHttpClient client = new RemoteWriteHttpClient(URI.create(PROMETHEUS.remoteWriteUrl()),
                    Duration.ofSeconds(5), Duration.ofSeconds(30), "fleetpulse-dashboard-it", null, 1, null)) {
                RemoteWriteResponse response = client.send(batch.body(), length).get();

                assertThat(response.status()).as(response.body()).isEqualTo(204);
            }
        }
    }
}
