package dev.fleetpulse.prometheus.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import dev.fleetpulse.localstack.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The client against the JDK's own HTTP server and against a scripted server on the loopback interface: what goes
 * over the wire and back, keep-alive, a connection the server closed while idle, silence, closing, and a plain-HTTP
 * proxy.
 */
class RemoteWriteHttpClientTest {

    private static final String NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n";

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

        RemoteWriteResponse response = client.send(buffer, 4).get(10, TimeUnit.SECONDS);

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

        RemoteWriteResponse response = client.send(new byte[] {9}, 1).get(10, TimeUnit.SECONDS);

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
                Duration.ofSeconds(5), "client-test", null, 4, executor);

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

    @Test
    void shouldKeepOneConnectionAliveForRequestsInSequence() throws Exception {
        try (ScriptedServer scripted = new ScriptedServer(ScriptedServer::answerNoContentToEach);
             RemoteWriteHttpClient client = client(scripted, "/api/v1/write?tenant=a%20b", Duration.ofSeconds(10),
                     null)) {
            for (int i = 0; i < 20; i++) {
                byte[] body = {(byte) i, 2, 3};
                assertThat(client.send(body, 1 + i % 3).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            }

            assertThat(scripted.connections()).isEqualTo(1);
            assertThat(scripted.requests).hasSize(20);
            ScriptedServer.Request last = scripted.requests.get(19);
            assertThat(last.head().get(0)).isEqualTo("POST /api/v1/write?tenant=a%20b HTTP/1.1");
            assertThat(last.header("Host")).isEqualTo("127.0.0.1:" + scripted.port());
            assertThat(last.header("Content-Length")).isEqualTo("2");
            assertThat(last.body()).containsExactly(19, 2);
        }
    }

    /** A server may close a kept-alive connection while it is idle; the next request must not fail for that. */
    @Test
    void shouldResendOnANewConnectionWhenAnIdleOneWasClosed() throws Exception {
        try (ScriptedServer scripted = new ScriptedServer((server, connection, index) -> {
            server.read(connection.getInputStream());
            ScriptedServer.write(connection, NO_CONTENT);
            // ... and close, without saying so.
        }); RemoteWriteHttpClient client = client(scripted, "/write", Duration.ofSeconds(10), null)) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(5)).until(() -> scripted.closedByServer() == 1);

            assertThat(client.send(new byte[] {2}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);

            assertThat(scripted.requests).extracting(request -> request.body()[0])
                    .containsExactly((byte) 1, (byte) 2);
            assertThat(scripted.connections()).isEqualTo(2);
        }
    }

    @Test
    void shouldTimeOutWhenNoAnswerComes() throws Exception {
        long start = System.nanoTime();
        try (ScriptedServer scripted = new ScriptedServer(ScriptedServer::readAndStaySilent);
             RemoteWriteHttpClient client = client(scripted, "/write", Duration.ofMillis(300), null)) {
            assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldFailRunningExchangesWhenClosed() throws Exception {
        try (ScriptedServer scripted = new ScriptedServer(ScriptedServer::readAndStaySilent)) {
            RemoteWriteHttpClient client = client(scripted, "/write", Duration.ofSeconds(60), null);
            CompletableFuture<RemoteWriteResponse> response = client.send(new byte[] {1}, 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> !scripted.requests.isEmpty());

            client.close();

            assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("client was closed");
        }
    }

    @Test
    void shouldRefuseHeadersThatWouldSplitTheRequest() throws Exception {
        RequestSigner signer = request -> request.setHeader("X-Signature", "a\r\nX-Injected: 1");
        try (ScriptedServer scripted = new ScriptedServer(ScriptedServer::answerNoContentToEach);
             RemoteWriteHttpClient client = client(scripted, "/write", Duration.ofSeconds(5), signer)) {
            assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                    .hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("X-Signature");
            assertThat(scripted.connections()).isZero();
        }
    }

    @Test
    void shouldSendPlainHttpThroughAnHttpProxyInAbsoluteForm() throws Exception {
        try (ScriptedServer proxy = new ScriptedServer(ScriptedServer::answerNoContentToEach);
             RemoteWriteHttpClient client = new RemoteWriteHttpClient(
                     URI.create("http://prometheus.invalid:9090/api/v1/write"), Duration.ofSeconds(5),
                     Duration.ofSeconds(5), "client-test", null, 4, executor, SSLContext.getDefault(),
                     proxyAt(new InetSocketAddress("127.0.0.1", proxy.port())))) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);

            ScriptedServer.Request request = proxy.requests.get(0);
            assertThat(request.head().get(0)).isEqualTo("POST http://prometheus.invalid:9090/api/v1/write HTTP/1.1");
            assertThat(request.header("Host")).isEqualTo("prometheus.invalid:9090");
        }
    }

    static ProxySelector proxyAt(SocketAddress address) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.HTTP, address));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress proxy, IOException failure) {
                // The test's proxy is either there or the test fails on the exchange itself.
            }
        };
    }

    private RemoteWriteHttpClient client(ScriptedServer scripted, String pathAndQuery, Duration requestTimeout,
                                         RequestSigner signer) throws Exception {
        return new RemoteWriteHttpClient(URI.create("http://127.0.0.1:" + scripted.port() + pathAndQuery),
                Duration.ofSeconds(5), requestTimeout, "client-test", signer, 4, executor, SSLContext.getDefault(),
                null);
    }

    private RemoteWriteHttpClient client(String pathAndQuery, RequestSigner signer) {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
        return new RemoteWriteHttpClient(uri, Duration.ofSeconds(5), Duration.ofSeconds(10), "client-test", signer,
                4, executor);
    }
}
