package dev.fleetpulse.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of a Grafana dashboard, ready to run against Prometheus's query API: every panel target's
 * {@code expr} with the dashboard's template variables and Grafana's interval macros replaced, so tests can
 * prove that each panel returns data after a pipeline run.
 *
 * <pre>{@code
 * for (PanelQuery query : DashboardQueries.load(Path.of("../monitoring/grafana/fleetpulse-dashboard.json"),
 *         Map.of("model", "Aurora"))) {
 *     assertThat(prometheus.query(query.expr())).as(query.panelTitle()).isNotEmpty();
 * }
 * }</pre>
 *
 * A variable without a given value gets what the dashboard shows when it opens: a textbox its default text, any
 * other variable {@code .*}, which is what the dashboard's "All" sends ({@code allValue}). An unknown {@code $name}
 * in a query is an error, so a typo cannot reach a test as a literal string.
 */
public final class DashboardQueries {

    /** The row whose panels read the health series the jobs remote-write themselves ({@code fleetpulse_pipeline_*}). */
    public static final String PIPELINE_HEALTH_ROW = "Pipeline health";

    /** What Grafana substitutes for its interval macros, fixed so queries behave alike in every test. */
    private static final Map<String, String> GRAFANA_MACROS = Map.of(
            "__rate_interval", "1m",
            "__interval", "15s",
            "__range", "30m");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");
    private static final String ALL = ".*";

    /** One target of one panel. {@code row} is the title of the row the panel sits in ("" before any row). */
    public record PanelQuery(String row, String panelTitle, String refId, String expr) {
    }

    private DashboardQueries() {
    }

    /** Every target's query, each dashboard variable at its default: "All" ({@code .*}), a textbox its text. */
    public static List<PanelQuery> load(Path dashboard) {
        return load(dashboard, Map.of());
    }

    /**
     * Every target's query, with the given variables set to concrete values (e.g. {@code model -> Aurora}) and
     * the others at their defaults. The values are used as written: a regex matcher ({@code =~}) takes them as a
     * regex.
     */
    public static List<PanelQuery> load(Path dashboard, Map<String, String> variableValues) {
        JsonNode root = read(dashboard);
        Map<String, String> values = new HashMap<>(GRAFANA_MACROS);
        for (JsonNode variable : root.path("templating").path("list")) {
            String name = variable.path("name").asText();
            values.put(name, variableValues.getOrDefault(name, defaultValue(variable)));
        }
        for (String name : variableValues.keySet()) {
            if (!values.containsKey(name) || GRAFANA_MACROS.containsKey(name)) {
                throw new IllegalArgumentException("Dashboard " + dashboard + " has no template variable '" + name
                        + "'; its variables: " + root.path("templating").path("list").findValuesAsText("name"));
            }
        }
        List<PanelQuery> queries = new ArrayList<>();
        collect(root.path("panels"), "", values, dashboard, queries);
        return queries;
    }

    /** A textbox has no "All": Grafana sends the text it holds, which the dashboard sets as its {@code query}. */
    private static String defaultValue(JsonNode variable) {
        return "textbox".equals(variable.path("type").asText()) ? variable.path("query").asText() : ALL;
    }

    private static void collect(JsonNode panels, String row, Map<String, String> values, Path dashboard,
            List<PanelQuery> queries) {
        String currentRow = row;
        for (JsonNode panel : panels) {
            if ("row".equals(panel.path("type").asText())) {
                currentRow = panel.path("title").asText();
                // A collapsed row keeps its panels inside itself; an expanded one leaves them at the top level.
                collect(panel.path("panels"), currentRow, values, dashboard, queries);
                continue;
            }
            String title = panel.path("title").asText();
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                if (!expr.isBlank()) {
                    queries.add(new PanelQuery(currentRow, title, target.path("refId").asText(),
                            substitute(expr, values, title, dashboard)));
                }
            }
        }
    }

    private static String substitute(String expr, Map<String, String> values, String panelTitle, Path dashboard) {
        Matcher matcher = VARIABLE.matcher(expr);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("Panel '" + panelTitle + "' of " + dashboard
                        + " uses $" + name + ", which is neither a template variable nor a Grafana macro: " + expr);
            }
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private static JsonNode read(Path dashboard) {
        try {
            return new ObjectMapper().readTree(dashboard.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Grafana dashboard " + dashboard.toAbsolutePath(), e);
        }
    }
}
