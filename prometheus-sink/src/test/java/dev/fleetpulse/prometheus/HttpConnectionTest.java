package dev.fleetpulse.prometheus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP/1.1 side of {@link RemoteWriteHttpClient} ({@link HttpConnection}) against a server that sends exactly
 * the bytes each test wants: keep-alive, the three ways a body can end, interim answers, stale and broken
 * connections, silence, and a plain-HTTP proxy.
 */
class HttpConnectionTest {

    private static final String NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n";

    private ExecutorService executor;
    private ScriptedServer server;

    @BeforeEach
    void startExecutor() {
        executor = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        executor.shutdownNow();
    }

    @Test
    void shouldKeepOneConnectionAliveForRequestsInSequence() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            while (server.read(connection.getInputStream()) != null) {
                ScriptedServer.write(connection, NO_CONTENT);
            }
        });
        try (RemoteWriteHttpClient client = client("/api/v1/write?tenant=a%20b", Duration.ofSeconds(10), null)) {
            for (int i = 0; i < 20; i++) {
                byte[] body = {(byte) i, 2, 3};
                assertThat(client.send(body, 1 + i % 3).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            }
        }

        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.requests).hasSize(20);
        ScriptedServer.Request last = server.requests.get(19);
        assertThat(last.head().get(0)).isEqualTo("POST /api/v1/write?tenant=a%20b HTTP/1.1");
        assertThat(last.header("Host")).isEqualTo("127.0.0.1:" + server.port());
        assertThat(last.header("Content-Length")).isEqualTo("2");
        assertThat(last.header("Content-Encoding")).isEqualTo("snappy");
        assertThat(last.body()).containsExactly(19, 2);
    }

    @Test
    void shouldReadChunkedSizedAndClosingBodies() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            if (index == 0) {
                // Chunked, with a chunk extension and a trailer; then a sized body on the same connection.
                ScriptedServer.write(connection, "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5;note=x\r\nslow \r\n4\r\ndown\r\n0\r\nX-Trailer: 1\r\n\r\n");
                server.read(connection.getInputStream());
                ScriptedServer.write(connection, "HTTP/1.1 400 Bad Request\r\nContent-Length: 9\r\n\r\nbad label");
                server.read(connection.getInputStream());
                // HTTP/1.0 without a length: the body ends with the connection.
                ScriptedServer.write(connection, "HTTP/1.0 500 Internal Server Error\r\n\r\ntoo old sample");
            } else {
                ScriptedServer.write(connection, NO_CONTENT);
            }
        });
        try (RemoteWriteHttpClient client = client("/write", Duration.ofSeconds(10), null)) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new RemoteWriteHttpClient.WriteResponse(429, "slow down", "3"));
            assertThat(client.send(new byte[] {2}, 1).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new RemoteWriteHttpClient.WriteResponse(400, "bad label", null));
            assertThat(client.send(new byte[] {3}, 1).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new RemoteWriteHttpClient.WriteResponse(500, "too old sample", null));
            assertThat(client.send(new byte[] {4}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }

        assertThat(server.connections()).as("a new connection after the one the body ended").isEqualTo(2);
    }

    @Test
    void shouldSkipInterimAnswers() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            ScriptedServer.write(connection, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                    + "\r\nok");
        });
        try (RemoteWriteHttpClient client = client("/write", Duration.ofSeconds(10), null)) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new RemoteWriteHttpClient.WriteResponse(200, "ok", null));
        }
    }

    /** Connection: close, bytes after an answer, and a body framed twice each end the connection's use. */
    @Test
    void shouldNotReuseAConnectionItCannotTrust() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            switch (index) {
                case 0 -> ScriptedServer.write(connection,
                        "HTTP/1.1 204 No Content\r\nConnection: keep-alive, close\r\n\r\n");
                // An answer followed by bytes nobody asked for: they must never pass for the next answer.
                case 1 -> ScriptedServer.write(connection, NO_CONTENT + "HTTP/1.1 200 OK\r\n\r\n");
                // Both framings: the chunked coding wins (RFC 9112, 6.3), and the connection is not used again.
                case 2 -> ScriptedServer.write(connection, "HTTP/1.1 400 Bad Request\r\nContent-Length: 100\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nbad\r\n0\r\n\r\n");
                default -> ScriptedServer.write(connection, NO_CONTENT);
            }
            // A request the client should not have sent on this connection gets an answer the test would see.
            if (server.read(connection.getInputStream()) != null) {
                ScriptedServer.write(connection, "HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n");
                server.read(connection.getInputStream());
            }
        });
        try (RemoteWriteHttpClient client = client("/write", Duration.ofSeconds(10), null)) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            assertThat(client.send(new byte[] {2}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            assertThat(client.send(new byte[] {3}, 1).get(10, TimeUnit.SECONDS))
                    .isEqualTo(new RemoteWriteHttpClient.WriteResponse(400, "bad", null));
            assertThat(client.send(new byte[] {4}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }

        assertThat(server.connections()).isEqualTo(4);
    }

    @Test
    void shouldFailRunningExchangesWhenClosed() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            connection.getInputStream().read(); // silence
        });
        RemoteWriteHttpClient client = client("/write", Duration.ofSeconds(60), null);
        java.util.concurrent.CompletableFuture<RemoteWriteHttpClient.WriteResponse> response =
                client.send(new byte[] {1}, 1);
        while (server.requests.isEmpty()) {
            Thread.sleep(10);
        }

        client.close();

        assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(java.io.IOException.class)
                .hasMessageContaining("client was closed");
    }

    /** A server may close a kept-alive connection while it is idle; the next request must not fail for that. */
    @Test
    void shouldResendOnANewConnectionWhenAnIdleOneWasClosed() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            ScriptedServer.write(connection, NO_CONTENT);
            // ... and close, without saying so.
        });
        try (RemoteWriteHttpClient client = client("/write", Duration.ofSeconds(10), null)) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            Thread.sleep(100);
            assertThat(client.send(new byte[] {2}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }

        assertThat(server.requests).extracting(request -> request.body()[0]).containsExactly((byte) 1, (byte) 2);
    }

    /** Once an answer has begun, a broken connection is the request's failure: the sink decides about retrying. */
    @Test
    void shouldFailWhenTheConnectionBreaksMidAnswer() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            ScriptedServer.write(connection, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        });
        try (RemoteWriteHttpClient client = client("/write", Duration.ofSeconds(10), null)) {
            assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(EOFException.class);
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void shouldTimeOutWhenNoAnswerComes() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            connection.getInputStream().read(); // silence until the client gives up
        });
        long start = System.nanoTime();
        try (RemoteWriteHttpClient client = client("/write", Duration.ofMillis(300), null)) {
            assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(HttpTimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldRefuseHeadersThatWouldSplitTheRequest() throws Exception {
        server = new ScriptedServer((connection, index) -> ScriptedServer.write(connection, NO_CONTENT));
        RequestSigner signer = request -> request.setHeader("X-Signature", "a\r\nX-Injected: 1");
        try (RemoteWriteHttpClient client = new RemoteWriteHttpClient(URI.create(url("/write")),
                Duration.ofSeconds(5), Duration.ofSeconds(5), "client-test", signer, executor)) {
            assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                    .hasRootCauseInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("X-Signature");
        }
        assertThat(server.connections()).isZero();
    }

    @Test
    void shouldSendPlainHttpThroughAnHttpProxyInAbsoluteForm() throws Exception {
        server = new ScriptedServer((connection, index) -> {
            server.read(connection.getInputStream());
            ScriptedServer.write(connection, NO_CONTENT);
        });
        InetSocketAddress proxyAddress = new InetSocketAddress("127.0.0.1", server.port());
        URI endpoint = URI.create("http://prometheus.invalid:9090/api/v1/write");
        try (RemoteWriteHttpClient client = new RemoteWriteHttpClient(endpoint, Duration.ofSeconds(5),
                Duration.ofSeconds(5), "client-test", null, executor, null, proxyAt(proxyAddress))) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }

        ScriptedServer.Request request = server.requests.get(0);
        assertThat(request.head().get(0)).isEqualTo("POST http://prometheus.invalid:9090/api/v1/write HTTP/1.1");
        assertThat(request.header("Host")).isEqualTo("prometheus.invalid:9090");
    }

    static ProxySelector proxyAt(SocketAddress address) {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                return List.of(new Proxy(Proxy.Type.HTTP, address));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, java.io.IOException ioe) {
            }
        };
    }

    private RemoteWriteHttpClient client(String pathAndQuery, Duration requestTimeout, RequestSigner signer) {
        return new RemoteWriteHttpClient(URI.create(url(pathAndQuery)), Duration.ofSeconds(5), requestTimeout,
                "client-test", signer, executor, null, null);
    }

    private String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }
}
