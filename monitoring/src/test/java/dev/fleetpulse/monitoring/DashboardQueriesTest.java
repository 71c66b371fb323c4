package dev.fleetpulse.monitoring;

import dev.fleetpulse.monitoring.DashboardQueries.PanelQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardQueriesTest {

    private static final String TWO_ROWS = """
            {
              "templating": {"list": [{"name": "datasource"}, {"name": "model"}, {"name": "region"}]},
              "panels": [
                {"type": "timeseries", "title": "Before any row",
                 "targets": [{"refId": "A", "expr": "sum(warnings)"}]},
                {"type": "row", "title": "Fleet", "collapsed": false, "panels": []},
                {"type": "timeseries", "title": "By model",
                 "targets": [{"refId": "A", "expr": "sum by (model) (warnings{model=~\\"$model\\",region=~\\"${region}\\"})"},
                             {"refId": "B", "expr": ""}]},
                {"type": "row", "title": "Pipeline health", "collapsed": true, "panels": [
                  {"type": "timeseries", "title": "Events in",
                   "targets": [{"refId": "A", "expr": "rate(fleetpulse_pipeline_x[$__rate_interval])"}]}
                ]}
              ]
            }
            """;

    @Test
    void shouldSetUnselectedVariablesToAllAndKeepEachPanelsRow(@TempDir Path dir) throws IOException {
        Path dashboard = write(dir, TWO_ROWS);

        assertThat(DashboardQueries.load(dashboard)).containsExactly(
                new PanelQuery("", "Before any row", "A", "sum(warnings)"),
                new PanelQuery("Fleet", "By model", "A", "sum by (model) (warnings{model=~\".*\",region=~\".*\"})"),
                new PanelQuery("Pipeline health", "Events in", "A", "rate(fleetpulse_pipeline_x[1m])"));
    }

    @Test
    void shouldSubstituteConcreteValuesInBothVariableSyntaxes(@TempDir Path dir) throws IOException {
        Path dashboard = write(dir, TWO_ROWS);

        assertThat(DashboardQueries.load(dashboard, Map.of("model", "Aurora", "region", "New Zealand")))
                .extracting(PanelQuery::expr)
                .contains("sum by (model) (warnings{model=~\"Aurora\",region=~\"New Zealand\"})");
    }

    @Test
    void shouldSetATextboxToItsDefaultTextUnlessAValueIsGiven(@TempDir Path dir) throws IOException {
        Path dashboard = write(dir, """
                {"templating": {"list": [{"type": "textbox", "name": "vehicle", "query": "V0000000000"},
                                         {"type": "query", "name": "region"}]},
                 "panels": [{"type": "timeseries", "title": "One vehicle",
                             "targets": [{"refId": "A",
                                          "expr": "vehicle_ic_rpm{vehicle_id=\\"$vehicle\\",region=~\\"$region\\"}"}]}]}
                """);

        assertThat(DashboardQueries.load(dashboard)).extracting(PanelQuery::expr)
                .containsExactly("vehicle_ic_rpm{vehicle_id=\"V0000000000\",region=~\".*\"}");
        assertThat(DashboardQueries.load(dashboard, Map.of("vehicle", "V0000000042"))).extracting(PanelQuery::expr)
                .containsExactly("vehicle_ic_rpm{vehicle_id=\"V0000000042\",region=~\".*\"}");
    }

    @Test
    void shouldRejectAValueForAVariableTheDashboardDoesNotHave(@TempDir Path dir) throws IOException {
        Path dashboard = write(dir, TWO_ROWS);

        assertThatThrownBy(() -> DashboardQueries.load(dashboard, Map.of("fleet", "north")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no template variable 'fleet'");
    }

    @Test
    void shouldRejectAQueryThatUsesAnUndeclaredVariable(@TempDir Path dir) throws IOException {
        Path dashboard = write(dir, """
                {"templating": {"list": [{"name": "model"}]},
                 "panels": [{"type": "stat", "title": "Typo",
                             "targets": [{"refId": "A", "expr": "sum(warnings{model=~\\"$modle\\"})"}]}]}
                """);

        assertThatThrownBy(() -> DashboardQueries.load(dashboard))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Panel 'Typo'")
                .hasMessageContaining("$modle");
    }

    private static Path write(Path dir, String json) throws IOException {
        return Files.writeString(dir.resolve("dashboard.json"), json);
    }
}
