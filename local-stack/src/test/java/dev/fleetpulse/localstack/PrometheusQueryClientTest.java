package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PrometheusQueryClientTest {

    @Test
    void shouldParseVectorWithExactMillisecondsAndSpecialValues() {
        String body = """
                {"status":"success","data":{"resultType":"vector","result":[
                  {"metric":{"__name__":"warnings","model":"M1","region":"UK"},"value":[1730621749.123,"3"]},
                  {"metric":{"__name__":"warnings","model":"M2","region":"UK"},"value":[1730621749,"+Inf"]},
                  {"metric":{"__name__":"warnings","model":"M3","region":"UK"},"value":[1730621749.001,"NaN"]}]}}
                """;

        List<QuerySample> samples = PrometheusQueryClient.parseInstant(
                PrometheusQueryClient.parseEnvelope(200, body, "warnings"));

        assertThat(samples).containsExactly(
                new QuerySample(Map.of("__name__", "warnings", "model", "M1", "region", "UK"), 1730621749123L, 3),
                new QuerySample(Map.of("__name__", "warnings", "model", "M2", "region", "UK"), 1730621749000L,
                        Double.POSITIVE_INFINITY),
                new QuerySample(Map.of("__name__", "warnings", "model", "M3", "region", "UK"), 1730621749001L,
                        Double.NaN));
    }

    @Test
    void shouldParseScalarAsOneUnlabelledSample() {
        String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1730621749.5,\"2\"]}}";

        assertThat(PrometheusQueryClient.parseInstant(PrometheusQueryClient.parseEnvelope(200, body, "1+1")))
                .containsExactly(new QuerySample(Map.of(), 1730621749500L, 2));
    }

    @Test
    void shouldParseMatrixPointsInOrder() {
        String body = """
                {"status":"success","data":{"resultType":"matrix","result":[
                  {"metric":{"__name__":"vehicle_ic_rpm","vehicle_id":"V0000000001"},
                   "values":[[1730621749.999,"4356"],[1730621750.000,"-1.5"]]}]}}
                """;

        List<QuerySeries> series = PrometheusQueryClient.parseMatrix(
                PrometheusQueryClient.parseEnvelope(200, body, "vehicle_ic_rpm[1m]"));

        assertThat(series).containsExactly(new QuerySeries(
                Map.of("__name__", "vehicle_ic_rpm", "vehicle_id", "V0000000001"),
                List.of(new QuerySeries.Point(1730621749999L, 4356), new QuerySeries.Point(1730621750000L, -1.5))));
    }

    @Test
    void shouldSurfacePrometheusErrorWithStatusAndText() {
        String body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error: unclosed left parenthesis\"}";

        assertThatThrownBy(() -> PrometheusQueryClient.parseEnvelope(400, body, "sum("))
                .isInstanceOf(PrometheusQueryException.class)
                .hasMessage("Query sum( failed with HTTP 400: bad_data: parse error: unclosed left parenthesis");
    }

    @Test
    void shouldSurfaceNonJsonAnswersVerbatim() {
        assertThatThrownBy(() -> PrometheusQueryClient.parseEnvelope(502, "Bad Gateway", "up"))
                .isInstanceOf(PrometheusQueryException.class)
                .hasMessage("Query up answered HTTP 502 with something that is not JSON: Bad Gateway");
    }

    @Test
    void shouldRejectAnInstantVectorWhereRawSamplesAreExpected() {
        String body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}";

        assertThatThrownBy(() -> PrometheusQueryClient.parseMatrix(PrometheusQueryClient.parseEnvelope(200, body, "up")))
                .isInstanceOf(PrometheusQueryException.class)
                .hasMessageStartingWith("Expected a range vector (matrix), got a vector");
    }

    @Test
    void shouldWriteLookbackInMilliseconds() {
        assertThat(PrometheusQueryClient.rangeSelector("warnings{region=\"UK\"}", Duration.ofMinutes(2)))
                .isEqualTo("warnings{region=\"UK\"}[120000ms]");
    }
}
