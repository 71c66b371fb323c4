package dev.fleetpulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.Map;

import dev.fleetpulse.localstack.Ports;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/** A local run with {@code --web-ui PORT} serves the Flink web UI on 127.0.0.1 while the job runs. */
class JobEnvironmentWebUiITCase {

    private static final Duration UI_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldServeFlinkWebUiOnLoopbackWhenWebUiFlagIsGiven() throws Exception {
        // Below the ephemeral range, so no outgoing connection of this JVM can take it before the UI binds it.
        int port = Ports.freePort();
        StreamExecutionEnvironment env = JobEnvironment.create(
                Map.of("web-ui", String.valueOf(port), "parallelism", "1", "checkpoint-interval", "off"));
        env.fromSequence(0, Long.MAX_VALUE).uid("numbers").name("Numbers")
                .filter((FilterFunction<Long>) n -> n < 0).uid("nothing").name("Nothing")
                .sinkTo(new DiscardingSink<>()).uid("discard").name("Discard");

        JobClient job = env.executeAsync("web-ui-check");
        try {
            HttpResponse<String> page = getWhenUp(URI.create("http://127.0.0.1:" + port + "/"));

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html").containsIgnoringCase("flink");
        } finally {
            job.cancel().get();
        }
    }

    private static HttpResponse<String> getWhenUp(URI uri) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        // A refused connection means "not up yet".
        return await("something answering at " + uri).atMost(UI_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()),
                        Objects::nonNull);
    }
}
