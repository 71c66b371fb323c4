package dev.fleetpulse.localstack.fault;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy in front of a minimal JDK HTTP server that records what reaches it. */
class FaultInjectingProxyTest {

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private HttpServer target;
    private FaultInjectingProxy proxy;

    @BeforeEach
    void startTargetAndProxy() throws IOException {
        target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/api/v1/write", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new String(body, StandardCharsets.UTF_8) + "|"
                    + exchange.getRequestHeaders().getFirst("X-Signature"));
            exchange.getResponseHeaders().add("X-Target", "yes");
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        target.start();
        proxy = FaultInjectingProxy.start(URI.create("http://127.0.0.1:" + target.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        proxy.close();
        target.stop(0);
    }

    @Test
    void shouldForwardRequestAndRelayAnswerWhenPlanPasses() throws Exception {
        HttpResponse<String> answer = post("payload");

        assertThat(answer.statusCode()).isEqualTo(204);
        assertThat(answer.headers().firstValue("X-Target")).contains("yes");
        assertThat(received).containsExactly("payload|sig-1");
        RecordedRequest recorded = proxy.requests().get(0);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/api/v1/write");
        assertThat(recorded.header("x-signature")).contains("sig-1");
        assertThat(new String(recorded.body(), StandardCharsets.UTF_8)).isEqualTo("payload");
        assertThat(recorded.status()).isEqualTo(204);
    }

    @Test
    void shouldAnswerWithoutForwardingWhenPlanResponds() throws Exception {
        proxy.plan(FaultPlan.firstRequests(Fault.tooManyRequests(Duration.ofSeconds(3))));

        HttpResponse<String> limited = post("first");
        HttpResponse<String> passed = post("second");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        assertThat(passed.statusCode()).isEqualTo(204);
        assertThat(received).containsExactly("second|sig-1");
    }

    @Test
    void shouldResetConnectionBeforeTheTargetSeesTheRequest() {
        proxy.plan(FaultPlan.firstRequests(Fault.resetBeforeForwarding()));

        assertThatThrownBy(() -> post("lost")).isInstanceOf(IOException.class);
        assertThat(received).isEmpty();
        assertThat(proxy.requests()).extracting(RecordedRequest::status).containsExactly(-1);
    }

    @Test
    void shouldResetConnectionAfterTheTargetAppliedTheRequest() {
        proxy.plan(FaultPlan.firstRequests(Fault.resetAfterForwarding()));

        assertThatThrownBy(() -> post("applied")).isInstanceOf(IOException.class);
        assertThat(received).containsExactly("applied|sig-1");
    }

    @Test
    void shouldStopInjectingAfterTheLimitOfALimitedPlan() throws Exception {
        proxy.plan(FaultPlan.cycle(Fault.respond(503, "down")).onlyForFirst(2));

        assertThat(post("a").statusCode()).isEqualTo(503);
        assertThat(post("b").statusCode()).isEqualTo(503);
        assertThat(post("c").statusCode()).isEqualTo(204);
        assertThat(received).containsExactly("c|sig-1");
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.proxiedUrl(
                        "http://127.0.0.1:9090/api/v1/write")))
                .header("X-Signature", "sig-1")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
