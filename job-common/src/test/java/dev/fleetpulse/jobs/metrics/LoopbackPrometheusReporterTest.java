package dev.fleetpulse.jobs.metrics;

import dev.fleetpulse.localstack.Ports;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoopbackPrometheusReporterTest {

    @Test
    void shouldServeTheMetricsEndpointOn127001AtTheConfiguredPort() throws Exception {
        int port = Ports.freePort();
        Properties properties = new Properties();
        properties.setProperty(LoopbackPrometheusReporterFactory.PORT, Integer.toString(port));
        LoopbackPrometheusReporter reporter =
                (LoopbackPrometheusReporter) new LoopbackPrometheusReporterFactory().createMetricReporter(properties);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(reporter.port()).isEqualTo(port);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain"));
        } finally {
            reporter.close();
        }
    }

    @Test
    void shouldNameTheTakenPortWhenItCannotListen() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> new LoopbackPrometheusReporter(taken.getLocalPort()))
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void shouldBeFoundByFlinkThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(MetricReporterFactory.class).stream()
                .map(ServiceLoader.Provider::type))
                .contains(LoopbackPrometheusReporterFactory.class);
    }

    @Test
    void shouldReadTheRequestedMetricNamesFromNameParametersEncodedOrNot() {
        assertThat(LoopbackPrometheusReporter.requestedNames(
                "name[]=flink_a&name%5B%5D=flink_b&other=flink_c&name[]"))
                .containsExactlyInAnyOrder("flink_a", "flink_b");
        assertThat(LoopbackPrometheusReporter.requestedNames(null)).isEmpty();
    }

    @Test
    void shouldRequireAPort() {
        assertThatThrownBy(() -> new LoopbackPrometheusReporterFactory().createMetricReporter(new Properties()))
                .hasMessageContaining("metrics.reporter.<name>.port is required");
    }
}
