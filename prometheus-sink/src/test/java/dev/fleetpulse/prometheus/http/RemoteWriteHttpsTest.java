package dev.fleetpulse.prometheus.http;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS as Amazon Managed Service for Prometheus needs it: against the JDK's HTTPS server with a certificate made
 * by {@code keytool} for the test, trusted by the client's TLS context. The certificate must name the host (a
 * wrong name fails the handshake), and HTTPS goes through an HTTP proxy in a {@code CONNECT} tunnel.
 */
class RemoteWriteHttpsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    Path directory;

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private HttpsServer server;
    private final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }

    @Test
    void shouldWriteOverTlsToAHostTheCertificateNames() throws Exception {
        KeyStore keys = certificate("ip:127.0.0.1");
        startServer(keys);

        try (RemoteWriteHttpClient client = client(keys, null)) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.send(new byte[] {1, 2}, 2).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
            }
        }
        assertThat(requests).hasValue(3);
    }

    @Test
    void shouldRefuseACertificateForAnotherHost() throws Exception {
        KeyStore keys = certificate("dns:elsewhere.example");
        startServer(keys);

        try (RemoteWriteHttpClient client = client(keys, null)) {
            assertThatThrownBy(() -> client.send(new byte[] {1}, 1).join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(SSLHandshakeException.class);
        }
        assertThat(requests).hasValue(0);
    }

    @Test
    void shouldTunnelThroughAnHttpProxy() throws Exception {
        KeyStore keys = certificate("ip:127.0.0.1");
        startServer(keys);
        int target = server.getAddress().getPort();
        AtomicReference<String> connectLine = new AtomicReference<>();
        try (ScriptedServer proxy = new ScriptedServer((server, connection, index) -> relay(connection, target, connectLine));
             RemoteWriteHttpClient client = client(keys,
                     RemoteWriteHttpClientTest.proxyAt(new InetSocketAddress("127.0.0.1", proxy.port())))) {
            assertThat(client.send(new byte[] {1}, 1).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }
        assertThat(connectLine).hasValue("CONNECT 127.0.0.1:" + target + " HTTP/1.1");
        assertThat(requests).hasValue(1);
    }

    /**
     * A server that stops reading after the handshake: the client's write blocks once the socket buffers are full,
     * and only the deadline can end it. Closing the TLS socket would wait for that write (close_notify takes the
     * same lock), so the deadline must reset the TCP connection under it.
     */
    @Test
    void shouldTimeOutAWriteTheServerDoesNotRead() throws Exception {
        KeyStore keys = certificate("ip:127.0.0.1");
        CountDownLatch release = new CountDownLatch(1);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext(keys).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread silent = new Thread(() -> {
                try (SSLSocket connection = (SSLSocket) listener.accept()) {
                    connection.startHandshake();
                    release.await();
                } catch (IOException | InterruptedException ignored) {
                    // The test is over.
                }
            }, "silent-tls-server");
            silent.setDaemon(true);
            silent.start();
            URI endpoint = URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/api/v1/write");
            byte[] body = new byte[32 << 20]; // far more than the loopback socket buffers take
            long start = System.nanoTime();
            try (RemoteWriteHttpClient client = new RemoteWriteHttpClient(endpoint, Duration.ofSeconds(5),
                    Duration.ofSeconds(1), "client-test", null, 4, executor, trusting(keys), null)) {
                assertThatThrownBy(() -> client.send(body, body.length).get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(HttpTimeoutException.class);
            } finally {
                release.countDown();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** A tunnelling proxy: takes the CONNECT request, answers 200 and copies bytes both ways until either closes. */
    private static void relay(Socket client, int targetPort, AtomicReference<String> connectLine)
            throws IOException {
        connectLine.set(ScriptedServer.readRequest(client.getInputStream()).head().get(0));
        try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
            ScriptedServer.write(client, "HTTP/1.1 200 Connection established\r\n\r\n");
            Thread upstream = new Thread(() -> copy(client, target), "proxy-upstream");
            upstream.setDaemon(true);
            upstream.start();
            copy(target, client);
        }
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException closed) {
            // One side went away: the tunnel is over.
        }
    }

    private KeyStore certificate(String subjectAlternativeName) throws Exception {
        Path store = directory.resolve("server.p12");
        Files.deleteIfExists(store);
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=remote-write-test", "-ext", "SAN=" + subjectAlternativeName, "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true)
                .start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as("keytool: " + output).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }

    private static SSLContext serverContext(KeyStore keys) throws Exception {
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    private void startServer(KeyStore keys) throws Exception {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keys)));
        server.createContext("/api/v1/write", exchange -> {
            exchange.getRequestBody().readAllBytes();
            requests.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    private RemoteWriteHttpClient client(KeyStore trusted, java.net.ProxySelector proxies) throws Exception {
        URI endpoint = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write");
        return new RemoteWriteHttpClient(endpoint, Duration.ofSeconds(5), Duration.ofSeconds(10), "client-test",
                null, 4, executor, trusting(trusted), proxies);
    }

    private static SSLContext trusting(KeyStore trusted) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
