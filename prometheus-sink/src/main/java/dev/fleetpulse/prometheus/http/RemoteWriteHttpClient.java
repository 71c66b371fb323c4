package dev.fleetpulse.prometheus.http;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultProxyRoutePlanner;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.routing.HttpRoutePlanner;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends encoded remote-write bodies with the Remote-Write 1.0 headers through Apache HttpClient 5 (classic, blocking),
 * signing every request it is given. Holds no batching or retry logic, so it also serves as the bare client that
 * benchmarks compare the sink against.
 *
 * <ul>
 *   <li><b>Connections</b>: a pool of at most {@code maxConnections} keep-alive HTTP/1.1 connections, one per lane
 *       of the sink (each lane has one request in flight), leased without a pool-wide lock (the lanes would queue
 *       on it for every request). An idle connection is validated before it is used again
 *       after {@value #VALIDATE_AFTER_IDLE_SECONDS} s, and not used at all after
 *       {@value #MAX_IDLE_SECONDS} s (unless the server's {@code Keep-Alive} says less).</li>
 *   <li><b>Stale connections</b>: when a server closed a kept-alive connection just as a request went out on it,
 *       the request is sent once more ({@link StaleConnectionRetry}).</li>
 *   <li><b>Deadline</b>: {@code requestTimeout} bounds each exchange from its start (connecting, proxy tunnel and
 *       TLS handshake included); when it passes, the request is cancelled, which closes its connection (a TCP reset,
 *       never a TLS close that could wait for a blocked write) and fails it with {@link HttpTimeoutException}.</li>
 *   <li><b>Proxies</b>: the JVM's {@link ProxySelector} ({@code https.proxyHost}, {@code http.proxyHost},
 *       {@code http.nonProxyHosts}), asked once for the endpoint; its first HTTP proxy is used ({@code CONNECT} for
 *       https, absolute form for http), a SOCKS proxy is not.</li>
 *   <li><b>TLS</b>: the JVM's default {@link SSLContext}, the certificate checked against the endpoint's host by
 *       the JDK's own endpoint identification, as the JDK's HTTP client does.</li>
 * </ul>
 * No redirects, cookies, authentication challenges or content compression: a remote-write answer is acted on by the
 * sink, never followed.
 */
public final class RemoteWriteHttpClient implements AutoCloseable {

    private static final int VALIDATE_AFTER_IDLE_SECONDS = 2;
    /**
     * A connection's buffer: a request's head and a body that fits leave in one write. HttpClient writes a body larger
     * than its buffer with a write (and a TCP segment) of its own, which costs more per request than copying the
     * body once; a default batch compresses to a few tens of KiB.
     */
    private static final int IO_BUFFER = 64 * 1024;
    private static final int MAX_IDLE_SECONDS = 30;
    /** Of an answer's body, this many bytes are kept (it is only logged). */
    private static final int MAX_KEPT_BODY = 64 * 1024;
    /** A body longer than this is not read to reuse the connection: the connection is closed instead. */
    private static final long MAX_DRAINED_BODY = 1024 * 1024;
    /**
     * Per-read timeout behind the deadline, later than it, so that the deadline is what ends a silent exchange; it
     * bounds a read should the deadline's thread be starved.
     */
    private static final long READ_TIMEOUT_MARGIN_MILLIS = 1_000;
    /** Headers the client sets itself (and refuses to take from signers). */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection",
            "expect", "upgrade", "transfer-encoding", "te", "trailer", "proxy-connection", "keep-alive");

    private final URI endpoint;
    private final Duration requestTimeout;
    private final String userAgent;
    private final RequestSigner signer;
    private final Executor executor;
    private final CloseableHttpClient http;
    /** Cancels the request of an exchange that outlives {@code requestTimeout}, which closes its connection. */
    private final ScheduledThreadPoolExecutor deadlines;
    /** Deadlines of the exchanges running, for close() to end them. */
    private final Set<Deadline> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param maxConnections most connections held (the requests in flight at once)
     * @param executor runs the exchanges (one thread per request in flight); when null, the client makes a pool
     *                 of daemon threads of its own
     */
    public RemoteWriteHttpClient(URI endpoint, Duration connectTimeout, Duration requestTimeout, String userAgent,
            RequestSigner signer, int maxConnections, Executor executor) {
        this(endpoint, connectTimeout, requestTimeout, userAgent, signer, maxConnections, executor, defaultTls(),
                null);
    }

    /** With the TLS context and proxy selector given (null: the JVM's default selector), for tests. */
    RemoteWriteHttpClient(URI endpoint, Duration connectTimeout, Duration requestTimeout, String userAgent,
            RequestSigner signer, int maxConnections, Executor executor, SSLContext tls, ProxySelector proxies) {
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
        this.signer = signer;
        this.executor = executor != null ? executor : Executors.newCachedThreadPool(daemonThreads("remote-write-http"));
        Timeout readTimeout = Timeout.ofMilliseconds(requestTimeout.toMillis() + READ_TIMEOUT_MARGIN_MILLIS);
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(IO_BUFFER).setChunkSizeHint(IO_BUFFER).build())
                        .build())
                .setPoolConcurrencyPolicy(PoolConcurrencyPolicy.LAX)
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(readTimeout).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(readTimeout)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(VALIDATE_AFTER_IDLE_SECONDS))
                        .build())
                .setTlsSocketStrategy(ClientTlsStrategyBuilder.create()
                        .setSslContext(tls)
                        .setHostVerificationPolicy(HostnameVerificationPolicy.BUILTIN)
                        .buildClassic())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(connections)
                .setRoutePlanner(routeTo(endpoint, proxies != null ? proxies : ProxySelector.getDefault()))
                .setRetryStrategy(new StaleConnectionRetry())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(requestTimeout))
                        .setResponseTimeout(readTimeout)
                        .setConnectionKeepAlive(TimeValue.ofSeconds(MAX_IDLE_SECONDS))
                        .setExpectContinueEnabled(false)
                        .setRedirectsEnabled(false)
                        .setAuthenticationEnabled(false)
                        .setProtocolUpgradeEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .disableConnectionState()
                .disableDefaultUserAgent()
                .build();
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("remote-write-http-deadlines"));
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    /**
     * The route to the endpoint: through the first HTTP proxy the selector names for it, else direct (a SOCKS proxy is
     * not used, as the JDK's HTTP client does not use one either). Asked once, when the client is made: asking for
     * every request cost a URI built and parsed per request.
     */
    private static HttpRoutePlanner routeTo(URI endpoint, ProxySelector proxies) {
        List<Proxy> candidates = proxies == null ? List.of() : proxies.select(endpoint);
        for (Proxy proxy : candidates) {
            if (proxy.type() == Proxy.Type.HTTP && proxy.address() instanceof InetSocketAddress address) {
                return new DefaultProxyRoutePlanner(new HttpHost(address.getHostString(), address.getPort()));
            }
            if (proxy.type() == Proxy.Type.DIRECT) {
                break;
            }
        }
        return new DefaultRoutePlanner(null);
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no default TLS context", e);
        }
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... (the sink's writer uses it for its pools too). */
    public static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Signs and sends {@code body[0..length)}. The array must not change until the returned future completes.
     * Network failures, timeouts and signer exceptions complete the future exceptionally.
     */
    public CompletableFuture<RemoteWriteResponse> send(byte[] body, int length) {
        Request request = new Request(endpoint, body, length);
        request.setHeader("Content-Encoding", "snappy");
        request.setHeader("Content-Type", "application/x-protobuf");
        request.setHeader("User-Agent", userAgent);
        request.setHeader("X-Prometheus-Remote-Write-Version", "0.1.0");
        try {
            if (signer != null) {
                signer.sign(request);
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // On our own executor: one blocking exchange per request in flight, completed on the thread that ran it.
        return CompletableFuture.supplyAsync(() -> exchange(request), executor);
    }

    private RemoteWriteResponse exchange(Request request) {
        HttpPost post = request.toHttpPost();
        Deadline deadline = new Deadline(post);
        ScheduledFuture<?> timer = deadlines.schedule(deadline, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        running.add(deadline);
        boolean answered = false;
        try {
            if (closed) {
                throw new IOException("The remote-write client is closed");
            }
            CloseableHttpResponse response = http.execute(post, HttpClientContext.create());
            RemoteWriteResponse answer = new RemoteWriteResponse(response.getCode(), body(response.getEntity(), post),
                    value(response.getFirstHeader("Retry-After")), value(response.getFirstHeader("Date")));
            answered = true;
            return answer;
        } catch (IOException e) {
            if (closed) {
                throw new CompletionException(new IOException("The remote-write client was closed", e));
            }
            throw new CompletionException(deadline.expired() || e instanceof InterruptedIOException
                    ? new HttpTimeoutException("No answer from " + endpoint + " within " + requestTimeout) : e);
        } finally {
            running.remove(deadline);
            timer.cancel(false);
            if (!answered) {
                // Whatever is left of a failed exchange must not serve another request.
                post.cancel();
            }
        }
    }

    /**
     * The body's first {@value #MAX_KEPT_BODY} bytes as text. The rest of a body up to {@value #MAX_DRAINED_BODY}
     * bytes is read, which hands the connection back to the pool at its end; a longer body is not read, and the
     * request is cancelled instead, which closes the connection.
     */
    private static String body(HttpEntity entity, HttpPost post) throws IOException {
        if (entity == null) {
            return "";
        }
        InputStream in = entity.getContent();
        byte[] kept = in.readNBytes(MAX_KEPT_BODY);
        if (!drained(in, MAX_DRAINED_BODY - kept.length)) {
            post.cancel();
        }
        return new String(kept, StandardCharsets.UTF_8);
    }

    /** Reads {@code in} to its end; false, having stopped, when it holds more than {@code limit} bytes. */
    private static boolean drained(InputStream in, long limit) throws IOException {
        byte[] scratch = new byte[8 * 1024];
        long left = limit;
        while (left >= 0) {
            int read = in.read(scratch, 0, (int) Math.min(scratch.length, left + 1));
            if (read < 0) {
                return true;
            }
            left -= read;
        }
        return false;
    }

    private static String value(Header header) {
        return header == null ? null : header.getValue();
    }

    /** Closes every connection: the exchanges still running fail. */
    @Override
    public void close() {
        closed = true;
        for (Deadline exchange : running) {
            exchange.run();
        }
        http.close(CloseMode.IMMEDIATE);
        deadlines.shutdownNow();
    }

    public URI endpoint() {
        return endpoint;
    }

    private static final class Request implements SignableRequest {
        private final URI uri;
        private final byte[] buffer;
        private final int length;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] exactBody;

        Request(URI uri, byte[] buffer, int length) {
            this.uri = uri;
            this.buffer = buffer;
            this.length = length;
        }

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public URI uri() {
            return uri;
        }

        /** Copied only when a signer asks (SigV4 hashes it); bearer and basic auth never pay for it. */
        @Override
        public byte[] body() {
            if (exactBody == null) {
                exactBody = Arrays.copyOf(buffer, length);
            }
            return exactBody;
        }

        @Override
        public Map<String, String> headers() {
            return Collections.unmodifiableMap(headers);
        }

        @Override
        public void setHeader(String name, String value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("Header name and value must be set, got " + name + "=" + value);
            }
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("Header " + name + " is set by the HTTP client itself");
            }
            if (!isToken(name)) {
                throw new IllegalArgumentException("Header name " + name + " is not an HTTP token");
            }
            if (!isFieldValue(value)) {
                throw new IllegalArgumentException("Header " + name + " has a line break, a control character or a"
                        + " character beyond ISO-8859-1 in its value");
            }
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, value);
        }

        /** The request to execute; its entity has no content type of its own, so the signed headers are all. */
        HttpPost toHttpPost() {
            HttpPost post = new HttpPost(uri);
            headers.forEach(post::setHeader);
            post.setEntity(new ByteArrayEntity(buffer, 0, length, null));
            return post;
        }

        private static boolean isToken(String name) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isFieldValue(String value) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The deadline of one exchange: when it passes (or the client closes), it cancels the request, which closes its
     * connection and so ends a blocked connect, read or write; after the exchange it changes nothing.
     */
    private static final class Deadline implements Runnable {
        private final HttpPost request;
        private volatile boolean expired;

        Deadline(HttpPost request) {
            this.request = request;
        }

        boolean expired() {
            return expired;
        }

        @Override
        public void run() {
            expired = true;
            request.cancel();
        }
    }
}
