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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped Grafana dashboard imports cleanly: structure, datasource wiring, variables, layout, queries. */
class FleetpulseDashboardTest {

    static final Path DASHBOARD = Path.of("grafana", "fleetpulse-dashboard.json");
    private static final String DATASOURCE_UID = "${datasource}";
    /** A selector of a pre-processor metric (not of the raw vehicle_warnings). */
    private static final Pattern AGGREGATE_SELECTOR = Pattern.compile("(?<![\\w])(vehicles_in_motion|warnings)\\{");

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
                .contains("count({__name__=~\"vehicle_.*\"})", "count({__name__=~\"vehicles_in_motion|warnings\"})")
                .anySatisfy(expr -> assertThat(expr).startsWith("topk(5, sum by (region) (vehicles_in_motion"))
                .anySatisfy(expr -> assertThat(expr).startsWith("topk(5, sum by (region) (warnings"))
                .anySatisfy(expr -> assertThat(expr).contains("vehicleEventsIn"))
                .anySatisfy(expr -> assertThat(expr).contains("invalidRecords"))
                .anySatisfy(expr -> assertThat(expr).contains("lateEvents"))
                .anySatisfy(expr -> assertThat(expr).contains("_numSamplesOut"))
                .anySatisfy(expr -> assertThat(expr).contains("_numSamplesRetryLimitDropped"))
                .anySatisfy(expr -> assertThat(expr).contains("currentInputWatermark"));
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
