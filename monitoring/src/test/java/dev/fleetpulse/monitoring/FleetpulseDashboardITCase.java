package dev.fleetpulse.monitoring;

import dev.fleetpulse.prometheus.http.RemoteWriteResponse;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.QuerySample;
import dev.fleetpulse.monitoring.DashboardQueries.PanelQuery;
import dev.fleetpulse.prometheus.http.RemoteWriteHttpClient;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.writer.WriteRequestBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every panel query of the shipped dashboard, run against a real Prometheus that holds a minute of realistic
 * pipeline output written with remote-write (the jobs' path): every fleet and raw-vs-aggregated panel returns
 * data, and Prometheus accepts every pipeline-health query (those get data only from scraped Flink jobs,
 * checked by the end-to-end test). Prometheus also loads the alerting rules: a rule file it rejects fails the
 * start.
 */
class FleetpulseDashboardITCase {

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension(
            builder -> builder.rules(Path.of("prometheus", "rules")));

    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final int WINDOWS = 12;

    /** (model, region, vehicles in motion, warning lights) per window: the pre-processor's output. */
    private static final List<Aggregate> AGGREGATES = List.of(
            new Aggregate("Aurora", "UK", 14, 3),
            new Aggregate("Aurora", "US", 52, 9),
            new Aggregate("Dynamo", "US", 31, 4),
            new Aggregate("Horizon", "Japan", 7, 1),
            new Aggregate("Ember", "New Zealand", 2, 2));

    /** One vehicle per region of the aggregates: the raw-event-writer's output. */
    private static final List<RawVehicle> RAW_VEHICLES = List.of(
            new RawVehicle("V0000000011", "UK", 2400, 1),
            new RawVehicle("V0000000012", "US", 3100, 2),
            new RawVehicle("V0000000013", "Japan", 1800, 1),
            new RawVehicle("V0000000014", "New Zealand", 950, 2));

    record Aggregate(String model, String region, int vehiclesInMotion, int warnings) {
    }

    record RawVehicle(String vehicleId, String region, int rpm, int warnings) {
    }

    private static Instant queryTime;

    @BeforeAll
    static void writeAMinuteOfPipelineOutput() throws Exception {
        Instant lastWindowEnd = Instant.now().minusSeconds(1);
        List<TimeSeries> series = new ArrayList<>();
        for (Aggregate aggregate : AGGREGATES) {
            series.add(windowed("vehicles_in_motion", aggregate, aggregate.vehiclesInMotion(), lastWindowEnd));
            series.add(windowed("warnings", aggregate, aggregate.warnings(), lastWindowEnd));
        }
        for (RawVehicle vehicle : RAW_VEHICLES) {
            series.add(raw("vehicle_ic_rpm", vehicle, vehicle.rpm(), lastWindowEnd));
            series.add(raw("vehicle_electric_rpm", vehicle, -vehicle.rpm() / 2.0, lastWindowEnd));
            series.add(raw("vehicle_warnings", vehicle, vehicle.warnings(), lastWindowEnd));
        }
        remoteWrite(series);
        queryTime = lastWindowEnd.plusSeconds(1);
    }

    @Test
    void shouldReturnDataForEveryFleetPanelWithAllModelsAndRegionsSelected() {
        List<PanelQuery> queries = fleetQueries(DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD));

        assertThat(queries).hasSizeGreaterThanOrEqualTo(15);
        queries.forEach(FleetpulseDashboardITCase::assertReturnsNonZeroData);
    }

    @Test
    void shouldReturnDataForEveryFleetPanelWithOneModelAndRegionSelected() {
        List<PanelQuery> queries = fleetQueries(DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD,
                Map.of("model", "Aurora", "region", "UK")));

        queries.forEach(FleetpulseDashboardITCase::assertReturnsNonZeroData);
    }

    @Test
    void shouldCountRawAndAggregatedSeriesSeparately() {
        // 4 vehicles x 3 raw metrics against 5 (model, region) pairs x 2 aggregates.
        assertThat(single("count({__name__=~\"vehicle_.*\"})")).isEqualTo(12.0);
        assertThat(single("count({__name__=~\"vehicles_in_motion|warnings\"})")).isEqualTo(10.0);
    }

    @Test
    void shouldFilterTopRegionsByTheSelectedModel() {
        String topRegions = DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD, Map.of("model", "Aurora"))
                .stream()
                .filter(query -> query.panelTitle().equals("Top 5 regions by vehicles in motion"))
                .findFirst().orElseThrow().expr();

        assertThat(PROMETHEUS.queryClient().query(topRegions, queryTime))
                .extracting(sample -> sample.labels().get("region"), QuerySample::value)
                .containsExactlyInAnyOrder(tuple("US", 52.0),
                        tuple("UK", 14.0));
    }

    @Test
    void shouldAcceptEveryPipelineHealthQuery() {
        List<PanelQuery> health = DashboardQueries.load(FleetpulseDashboardTest.DASHBOARD).stream()
                .filter(query -> query.row().equals(DashboardQueries.PIPELINE_HEALTH_ROW))
                .toList();

        assertThat(health).isNotEmpty();
        for (PanelQuery query : health) {
            assertThatCode(() -> PROMETHEUS.queryClient().query(query.expr(), queryTime))
                    .as(query.panelTitle() + " " + query.refId())
                    .doesNotThrowAnyException();
        }
    }

    private static List<PanelQuery> fleetQueries(List<PanelQuery> all) {
        return all.stream().filter(query -> !query.row().equals(DashboardQueries.PIPELINE_HEALTH_ROW)).toList();
    }

    private static void assertReturnsNonZeroData(PanelQuery query) {
        List<QuerySample> result = PROMETHEUS.queryClient().query(query.expr(), queryTime);
        // Non-zero: a query that silently falls back to vector(0) must not pass for one that found data.
        assertThat(result).as(query.panelTitle() + " " + query.refId() + ": " + query.expr())
                .isNotEmpty()
                .anySatisfy(sample -> assertThat(sample.value()).isNotZero().isFinite());
    }

    private static double single(String promql) {
        List<QuerySample> result = PROMETHEUS.queryClient().query(promql, queryTime);
        assertThat(result).as(promql).hasSize(1);
        return result.get(0).value();
    }

    private static TimeSeries windowed(String metric, Aggregate aggregate, double value, Instant lastWindowEnd) {
        TimeSeries.Builder builder = TimeSeries.builder(metric)
                .label("model", aggregate.model())
                .label("region", aggregate.region());
        for (int w = WINDOWS - 1; w >= 0; w--) {
            builder.sample(value, lastWindowEnd.minus(WINDOW.multipliedBy(w)).toEpochMilli());
        }
        return builder.build();
    }

    private static TimeSeries raw(String metric, RawVehicle vehicle, double value, Instant lastEvent) {
        TimeSeries.Builder builder = TimeSeries.builder(metric)
                .label("vehicle_id", vehicle.vehicleId())
                .label("region", vehicle.region());
        // Events every 2 s for the minute, as a vehicle reports them.
        for (int i = 29; i >= 0; i--) {
            builder.sample(value, lastEvent.minusSeconds(2L * i).toEpochMilli());
        }
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
