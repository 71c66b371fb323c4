package dev.fleetpulse.prometheus;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.fleetpulse.localstack.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against the JDK's own HTTP server on the loopback interface: what goes over the wire and back. */
class RemoteWriteHttpClientTest {

    private HttpServer server;
    private ExecutorService executor;
    private final AtomicReference<Headers> lastHeaders = new AtomicReference<>();
    private final AtomicReference<byte[]> lastBody = new AtomicReference<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/api/v1/write", exchange -> {
            lastHeaders.set(exchange.getRequestHeaders());
            lastBody.set(exchange.getRequestBody().readAllBytes());
            String query = exchange.getRequestURI().getQuery();
            if ("busy".equals(query)) {
                byte[] text = "slow down\n".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Retry-After", "7");
                exchange.sendResponseHeaders(429, text.length);
                exchange.getResponseBody().write(text);
            } else {
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Test
    void shouldSendTheBodySliceWithTheRemoteWriteHeaders() throws Exception {
        RemoteWriteHttpClient client = client("/api/v1/write", null);
        byte[] buffer = {1, 2, 3, 4, 5, 6};

        RemoteWriteHttpClient.WriteResponse response = client.send(buffer, 4).get(10, TimeUnit.SECONDS);

        assertThat(response.status()).isEqualTo(204);
        assertThat(lastBody.get()).containsExactly(1, 2, 3, 4);
        Headers headers = lastHeaders.get();
        assertThat(headers.getFirst("Content-Encoding")).isEqualTo("snappy");
        assertThat(headers.getFirst("Content-Type")).isEqualTo("application/x-protobuf");
        assertThat(headers.getFirst("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
        assertThat(headers.getFirst("User-Agent")).isEqualTo("client-test");
    }

    @Test
    void shouldReturnStatusBodyRetryAfterAndTheServersDate() throws Exception {
        RemoteWriteHttpClient client = client("/api/v1/write?busy", null);

        RemoteWriteHttpClient.WriteResponse response = client.send(new byte[] {9}, 1).get(10, TimeUnit.SECONDS);

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.body()).isEqualTo("slow down\n");
        assertThat(response.retryAfter()).isEqualTo("7");
        // The JDK's server dates its answers with its clock, which is ours: no offset beyond the Date's resolution.
        OptionalLong offset = ResponseClassifier.clockOffsetMillis(response.date(), System.currentTimeMillis());
        assertThat(offset).isPresent();
        assertThat(offset.getAsLong()).isBetween(-2_000L, 1_000L);
    }

    @Test
    void shouldSignEveryRequest() throws Exception {
        RequestSigner signer = request -> request.setHeader("Authorization", "Bearer " + request.body().length);
        RemoteWriteHttpClient client = client("/api/v1/write", signer);

        client.send(new byte[] {1, 2, 3}, 3).get(10, TimeUnit.SECONDS);

        assertThat(lastHeaders.get().getFirst("Authorization")).isEqualTo("Bearer 3");
    }

    @Test
    void shouldCompleteExceptionallyWhenNothingListens() throws Exception {
        int closedPort = Ports.freePort();
        RemoteWriteHttpClient client = new RemoteWriteHttpClient(
                URI.create("http://127.0.0.1:" + closedPort + "/api/v1/write"), Duration.ofSeconds(5),
                Duration.ofSeconds(5), "client-test", null, executor);

        assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ConnectException.class);
    }

    /**
     * The JDK's {@code sendAsync} completes every response on CompletableFuture's default executor, which starts a
     * thread per task when the common pool has fewer than two threads (machines with one or two cores). The client
     * must run its exchanges on the executor it was given instead, so many requests start only a few threads.
     */
    @Test
    void shouldNotStartAThreadPerRequest() throws Exception {
        RemoteWriteHttpClient client = client("/api/v1/write", null);
        client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS);
        long startedBefore = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount();

        for (int i = 0; i < 200; i++) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }

        long started = ManagementFactory.getThreadMXBean().getTotalStartedThreadCount() - startedBefore;
        assertThat(started).as("threads started for 200 requests in a row").isLessThan(20);
    }

    private RemoteWriteHttpClient client(String pathAndQuery, RequestSigner signer) {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
        return new RemoteWriteHttpClient(uri, Duration.ofSeconds(5), Duration.ofSeconds(10), "client-test", signer,
                executor);
    }
}
