package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetpulse.monitoring.DashboardQueries.PanelQuery;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped Grafana dashboard imports cleanly: structure, datasource wiring, variables, layout, queries. */
class FleetpulseDashboardTest {

    static final Path DASHBOARD = Path.of("grafana", "fleetpulse-dashboard.json");
    private static final String DATASOURCE_UID = "${datasource}";
    /** A selector of a pre-processor metric (not of the raw vehicle_warnings). */
    private static final Pattern AGGREGATE_SELECTOR = Pattern.compile("(?<![\\w])(vehicles_in_motion|warnings)\\{");
    /** A raw series named in a query (not inside a recorded name such as fleetpulse:vehicle_warnings:...). */
    private static final Pattern RAW_SERIES =
            Pattern.compile("(?<![\\w:])vehicle_(ic_rpm|electric_rpm|warnings)(?![\\w:])");
    /** A recorded series: level:metric:operation. */
    private static final Pattern RECORDED_SERIES = Pattern.compile("(?<![\\w:])[a-zA-Z_]\\w*:[\\w:]+");

    private static JsonNode root;
    private static List<JsonNode> allPanels;

    @BeforeAll
    static void readDashboard() throws IOException {
        root = new ObjectMapper().readTree(DASHBOARD.toFile());
        allPanels = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            allPanels.add(panel);
            panel.path("panels").forEach(allPanels::add);
        }
    }

    @Test
    void shouldBeAnImportableDashboardOfSchemaVersion39() {
        assertThat(root.path("schemaVersion").asInt()).isEqualTo(39);
        assertThat(root.path("uid").asText()).isEqualTo("fleetpulse-fleet");
        assertThat(root.path("title").asText()).isEqualTo("FleetPulse");
        // No __inputs: Grafana's file provisioning does not resolve them; the datasource variable serves both
        // provisioning and manual import (Amazon Managed Grafana).
        assertThat(root.has("__inputs")).isFalse();
    }

    @Test
    void shouldGiveEveryPanelAUniqueId() {
        List<Integer> ids = allPanels.stream().map(panel -> panel.path("id").asInt(-1)).toList();

        assertThat(ids).doesNotContain(-1).doesNotHaveDuplicates();
    }

    @Test
    void shouldQueryTheTemplatedPrometheusDatasourceFromEveryPanelAndTarget() {
        for (JsonNode panel : dataPanels()) {
            String title = panel.path("title").asText();
            assertThat(panel.path("datasource").path("type").asText()).as(title).isEqualTo("prometheus");
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_UID);
            assertThat(panel.path("targets")).as(title + " targets").isNotEmpty();
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(title + " expr").isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo(DATASOURCE_UID);
                assertThat(refIds.add(target.path("refId").asText())).as(title + " refId unique").isTrue();
            }
        }
    }

    @Test
    void shouldOfferDatasourceModelAndRegionVariables() {
        JsonNode variables = root.path("templating").path("list");

        JsonNode datasource = variable(variables, "datasource");
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

        JsonNode model = variable(variables, "model");
        assertThat(model.path("definition").asText()).isEqualTo("label_values(vehicles_in_motion, model)");
        JsonNode region = variable(variables, "region");
        assertThat(region.path("definition").asText())
                .isEqualTo("label_values(vehicles_in_motion{model=~\"$model\"}, region)");
        for (JsonNode filter : List.of(model, region)) {
            assertThat(filter.path("type").asText()).isEqualTo("query");
            assertThat(filter.path("datasource").path("uid").asText()).isEqualTo(DATASOURCE_UID);
            assertThat(filter.path("multi").asBoolean()).isTrue();
            assertThat(filter.path("includeAll").asBoolean()).isTrue();
            assertThat(filter.path("allValue").asText()).isEqualTo(".*");
        }
    }

    @Test
    void shouldOfferAVehicleTextboxThatStartsAtTheGeneratorsFirstVehicle() {
        JsonNode vehicle = variable(root.path("templating").path("list"), "vehicle");

        assertThat(vehicle.path("type").asText()).isEqualTo("textbox");
        assertThat(vehicle.path("query").asText()).isEqualTo("V0000000000");
        assertThat(vehicle.path("current").path("value").asText()).isEqualTo("V0000000000");
    }

    @Test
    void shouldFilterEveryAggregatePanelByTheSelectedModelsAndRegions() {
        for (PanelQuery query : DashboardQueries.load(DASHBOARD, Map.of("model", "Aurora", "region", "UK"))) {
            String expr = query.expr();
            if (AGGREGATE_SELECTOR.matcher(expr).find()) {
                assertThat(expr).as(query.panelTitle()).contains("model=~\"Aurora\"", "region=~\"UK\"");
            }
            assertThat(expr).as(query.panelTitle()).doesNotContain("$");
        }
    }

    @Test
    void shouldCoverFleetRawComparisonAndPipelineHealthRows() {
        List<PanelQuery> queries = DashboardQueries.load(DASHBOARD);

        assertThat(queries).extracting(PanelQuery::row).containsOnly("Fleet", "Raw vs aggregated",
                DashboardQueries.PIPELINE_HEALTH_ROW);
        assertThat(queries).extracting(PanelQuery::expr)
                .contains("fleetpulse:raw_series:count", "count({__name__=~\"vehicles_in_motion|warnings\"})")
                .anySatisfy(expr -> assertThat(expr).startsWith("topk(5, sum by (region) (vehicles_in_motion"))
                .anySatisfy(expr -> assertThat(expr).startsWith("topk(5, sum by (region) (warnings"));
    }

    @Test
    void shouldQueryNoScrapedFlinkMetric() {
        // On AMP with the jobs on MSF nothing scrapes them: a Flink metric or its job_name label would stay empty.
        for (PanelQuery query : DashboardQueries.load(DASHBOARD)) {
            assertThat(query.expr()).as(query.panelTitle() + " " + query.refId())
                    .doesNotContain("flink_", "job_name");
        }
    }

    @Test
    void shouldShowEveryDocumentedHealthSeriesPerJobInThePipelineHealthRow() {
        Set<String> read = new TreeSet<>();
        for (JsonNode panel : panelsByRow().get(DashboardQueries.PIPELINE_HEALTH_ROW)) {
            for (JsonNode target : panel.path("targets")) {
                String what = panel.path("title").asText() + " " + target.path("refId").asText();
                String expr = target.path("expr").asText();
                Set<String> series = DocumentedHealthSeries.readBy(expr);
                assertThat(series).as(what + " reads a health series").isNotEmpty();
                assertThat(expr).as(what + " per job").contains("by (job");
                assertThat(target.path("legendFormat").asText()).as(what + " legend").contains("{{job}}");
                read.addAll(series);
            }
        }

        assertThat(read).isEqualTo(DocumentedHealthSeries.names());
    }

    @Test
    void shouldReadOnlyHealthSeriesTheDocumentationLists() {
        Set<String> documented = DocumentedHealthSeries.names();
        for (PanelQuery query : DashboardQueries.load(DASHBOARD)) {
            assertThat(DocumentedHealthSeries.readBy(query.expr())).as(query.panelTitle()).isSubsetOf(documented);
        }
    }

    @Test
    void shouldReadOnlyRecordedSeriesThatTheRecordingRulesDefine() {
        Set<String> read = new TreeSet<>();
        for (PanelQuery query : DashboardQueries.load(DASHBOARD)) {
            Matcher recorded = RECORDED_SERIES.matcher(query.expr());
            while (recorded.find()) {
                read.add(recorded.group());
            }
        }

        assertThat(read).isNotEmpty();
        assertThat(RuleFiles.recordNames()).containsAll(read);
    }

    @Test
    void shouldReadRawSeriesOfOneVehicleOnly() {
        // Fleet-wide figures over the raw series come from recording rules; a panel that reads raw series directly
        // must pin one vehicle with an exact match, or it reads millions of series on every refresh.
        List<PanelQuery> rawReaders = DashboardQueries.load(DASHBOARD).stream()
                .filter(query -> RAW_SERIES.matcher(query.expr()).find())
                .toList();

        assertThat(rawReaders).extracting(PanelQuery::panelTitle).containsExactly("Raw readings of one vehicle");
        assertThat(rawReaders).allSatisfy(query -> assertThat(query.expr()).contains("vehicle_id=\"V0000000000\""));
    }

    @Test
    void shouldLayOutPanelsWithoutOverlapInside24Columns() {
        List<JsonNode> placed = new ArrayList<>();
        for (JsonNode panel : allPanels) {
            JsonNode grid = panel.path("gridPos");
            int x = grid.path("x").asInt();
            int w = grid.path("w").asInt();
            assertThat(w).as(panel.path("title").asText()).isPositive();
            assertThat(x + w).as(panel.path("title").asText()).isLessThanOrEqualTo(24);
            for (JsonNode other : placed) {
                assertThat(overlap(grid, other.path("gridPos")))
                        .as(panel.path("title").asText() + " overlaps " + other.path("title").asText()).isFalse();
            }
            placed.add(panel);
        }
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }

    /** Data panels by the title of the row they sit in, in dashboard order (expanded rows hold no panels). */
    private static Map<String, List<JsonNode>> panelsByRow() {
        Map<String, List<JsonNode>> rows = new LinkedHashMap<>();
        String row = "";
        for (JsonNode panel : allPanels) {
            if ("row".equals(panel.path("type").asText())) {
                row = panel.path("title").asText();
            } else {
                rows.computeIfAbsent(row, title -> new ArrayList<>()).add(panel);
            }
        }
        return rows;
    }

    private static List<JsonNode> dataPanels() {
        List<JsonNode> panels = allPanels.stream().filter(panel -> !"row".equals(panel.path("type").asText())).toList();
        assertThat(panels).isNotEmpty();
        return panels;
    }

    private static JsonNode variable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("No template variable '" + name + "' in " + DASHBOARD);
    }
}
