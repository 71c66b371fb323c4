package dev.fleetpulse.localstack;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A small client for the Prometheus HTTP query API ({@code /api/v1/query}, {@code /api/v1/query_range}); also
 * works against VictoriaMetrics, which serves the same API. Any error answer becomes a
 * {@link PrometheusQueryException} carrying the status and the response text.
 */
public final class PrometheusQueryClient {

    // Timestamps come as decimal seconds ("1730621749.123"); BigDecimal keeps their milliseconds exact.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI baseUri;
    private final HttpClient http;

    public PrometheusQueryClient(URI baseUri) {
        this.baseUri = baseUri;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** An instant query evaluated now. */
    public List<QuerySample> query(String promql) {
        return parseInstant(get("/api/v1/query", Map.of("query", promql)));
    }

    /** An instant query evaluated at the given time. */
    public List<QuerySample> query(String promql, Instant time) {
        return parseInstant(get("/api/v1/query", Map.of("query", promql, "time", seconds(time))));
    }

    /** A range query: one point per step from start to end, as Prometheus evaluates it. */
    public List<QuerySeries> queryRange(String promql, Instant start, Instant end, Duration step) {
        return parseMatrix(get("/api/v1/query_range", Map.of(
                "query", promql, "start", seconds(start), "end", seconds(end), "step", seconds(step))));
    }

    /**
     * Every stored raw sample of every series that matches the selector within the lookback before now, with
     * exact values and millisecond timestamps: the correctness oracle. Queries {@code selector[lookback]}.
     */
    public List<QuerySeries> rawSamples(String selector, Duration lookback) {
        return parseMatrix(get("/api/v1/query", Map.of("query", rangeSelector(selector, lookback))));
    }

    /** As {@link #rawSamples(String, Duration)}, for the lookback window ending at the given time. */
    public List<QuerySeries> rawSamples(String selector, Duration lookback, Instant time) {
        return parseMatrix(get("/api/v1/query", Map.of(
                "query", rangeSelector(selector, lookback), "time", seconds(time))));
    }

    /** How many series match the selector with at least one sample within the lookback before now. */
    public int seriesCount(String selector, Duration lookback) {
        return rawSamples(selector, lookback).size();
    }

    static String rangeSelector(String selector, Duration lookback) {
        return selector + "[" + lookback.toMillis() + "ms]";
    }

    private static String seconds(Instant time) {
        return BigDecimal.valueOf(time.toEpochMilli()).movePointLeft(3).toPlainString();
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis()).movePointLeft(3).toPlainString();
    }

    private JsonNode get(String path, Map<String, String> parameters) {
        StringBuilder query = new StringBuilder();
        new TreeMap<>(parameters).forEach((name, value) -> query.append(query.length() == 0 ? "" : "&")
                .append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        URI uri = baseUri.resolve(path + "?" + query);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PrometheusQueryException("No answer from " + uri + ": " + e, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrometheusQueryException("Interrupted while querying " + uri, -1);
        }
        return parseEnvelope(response.statusCode(), response.body(), parameters.get("query"));
    }

    static JsonNode parseEnvelope(int statusCode, String body, String promql) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new PrometheusQueryException("Query " + promql + " answered HTTP " + statusCode
                    + " with something that is not JSON: " + body, statusCode);
        }
        if (statusCode / 100 != 2 || !"success".equals(root.path("status").asText())) {
            throw new PrometheusQueryException("Query " + promql + " failed with HTTP " + statusCode + ": "
                    + root.path("errorType").asText("?") + ": " + root.path("error").asText(body), statusCode);
        }
        return root.path("data");
    }

    static List<QuerySample> parseInstant(JsonNode data) {
        String type = data.path("resultType").asText();
        JsonNode result = data.path("result");
        List<QuerySample> samples = new ArrayList<>();
        switch (type) {
            case "vector" -> {
                for (JsonNode element : result) {
                    JsonNode value = element.path("value");
                    samples.add(new QuerySample(labels(element.path("metric")), millis(value.get(0)),
                            value(value.get(1))));
                }
            }
            case "scalar" -> samples.add(new QuerySample(Map.of(), millis(result.get(0)), value(result.get(1))));
            default -> throw new PrometheusQueryException("Expected an instant vector or scalar, got a "
                    + type + ": " + data, 200);
        }
        return samples;
    }

    static List<QuerySeries> parseMatrix(JsonNode data) {
        String type = data.path("resultType").asText();
        if (!"matrix".equals(type)) {
            throw new PrometheusQueryException("Expected a range vector (matrix), got a " + type + ": " + data, 200);
        }
        List<QuerySeries> series = new ArrayList<>();
        for (JsonNode element : data.path("result")) {
            List<QuerySeries.Point> points = new ArrayList<>();
            for (JsonNode point : element.path("values")) {
                points.add(new QuerySeries.Point(millis(point.get(0)), value(point.get(1))));
            }
            series.add(new QuerySeries(labels(element.path("metric")), points));
        }
        return series;
    }

    private static Map<String, String> labels(JsonNode metric) {
        Map<String, String> labels = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = metric.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            labels.put(field.getKey(), field.getValue().asText());
        }
        return labels;
    }

    private static long millis(JsonNode seconds) {
        return seconds.decimalValue().movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Values are strings so that NaN and the infinities survive JSON ("NaN", "+Inf", "-Inf"). */
    private static double value(JsonNode text) {
        return switch (text.asText()) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text.asText());
        };
    }
}
