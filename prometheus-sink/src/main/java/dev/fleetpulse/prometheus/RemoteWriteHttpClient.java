package dev.fleetpulse.prometheus;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends encoded remote-write bodies with the Remote-Write 1.0 headers over HTTP/1.1 keep-alive connections
 * ({@link HttpConnection}), signing every request it is given. Holds no batching or retry logic, so it also serves
 * as the bare client that benchmarks compare the sink against.
 *
 * <p>Connections: an exchange takes an idle connection or opens one, so there are as many as requests in flight.
 * Proxies: the JVM's default {@link ProxySelector} (as when the client was made) is asked for each new connection,
 * as the JDK's HTTP client does ({@code https.proxyHost}, {@code http.proxyHost}, {@code http.nonProxyHosts}); when
 * the first proxy it names is an HTTP proxy, it is used, and otherwise (none, or SOCKS, which the JDK's client does
 * not use either) the connection is direct.
 * TLS: the JVM's default {@link SSLContext}, with the certificate checked against the endpoint's host.
 */
public final class RemoteWriteHttpClient implements AutoCloseable {

    /** An idle connection older than this is closed rather than used (the JDK's HTTP client keeps them 30 s too). */
    private static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long READ_TIMEOUT_MARGIN_MILLIS = 1_000;
    /** Headers the client sets itself (and refuses to take from signers). */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "proxy-connection", "keep-alive");

    private final URI endpoint;
    private final int connectTimeoutMillis;
    private final Duration requestTimeout;
    private final String userAgent;
    private final RequestSigner signer;
    private final Executor executor;
    private final SSLSocketFactory tls;
    private final ProxySelector proxies;
    /** Request line and Host header, in origin form and in the absolute form a plain-HTTP proxy takes. */
    private final String originHead;
    private final String proxiedHead;
    private final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    /** Deadlines of the exchanges running, for close() to end them. */
    private final Set<Deadline> busy = ConcurrentHashMap.newKeySet();
    /** Closes the connection of an exchange that outlives {@code requestTimeout}, which unblocks its reads and writes. */
    private final ScheduledThreadPoolExecutor deadlines;
    private volatile boolean closed;

    /**
     * @param executor runs the exchanges (one thread per request in flight); when null, the client makes a pool
     *                 of daemon threads of its own
     */
    public RemoteWriteHttpClient(URI endpoint, Duration connectTimeout, Duration requestTimeout, String userAgent,
            RequestSigner signer, Executor executor) {
        this(endpoint, connectTimeout, requestTimeout, userAgent, signer, executor, defaultTls(),
                ProxySelector.getDefault());
    }

    /** With the TLS socket factory and proxy selector (null: none) given, for tests. */
    RemoteWriteHttpClient(URI endpoint, Duration connectTimeout, Duration requestTimeout, String userAgent,
            RequestSigner signer, Executor executor, SSLSocketFactory tls, ProxySelector proxies) {
        this.endpoint = endpoint;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectTimeout.toMillis()));
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
        this.signer = signer;
        this.tls = tls;
        this.proxies = proxies;
        this.executor = executor != null ? executor : Executors.newCachedThreadPool(daemonThreads("remote-write-http"));
        this.originHead = head(HttpConnection.requestTarget(endpoint, false));
        this.proxiedHead = head(HttpConnection.requestTarget(endpoint, true));
        this.deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("remote-write-http-deadlines"));
        this.deadlines.setRemoveOnCancelPolicy(true);
    }

    private String head(String target) {
        return "POST " + target + " HTTP/1.1\r\nHost: " + HttpConnection.hostHeader(endpoint) + "\r\n";
    }

    private static SSLSocketFactory defaultTls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JVM has no default TLS context", e);
        }
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ... (the sink's writer uses it for its pools too). */
    static ThreadFactory daemonThreads(String prefix) {
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
    public CompletableFuture<WriteResponse> send(byte[] body, int length) {
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

    private WriteResponse exchange(Request request) {
        Deadline deadline = new Deadline();
        ScheduledFuture<?> timer = deadlines.schedule(deadline, requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        busy.add(deadline);
        try {
            if (closed) {
                throw new IOException("The remote-write client is closed");
            }
            return exchange(request, deadline);
        } catch (IOException e) {
            if (closed) {
                throw new CompletionException(new IOException("The remote-write client was closed", e));
            }
            throw new CompletionException(deadline.expired() || e instanceof SocketTimeoutException
                    ? new HttpTimeoutException("No answer from " + endpoint + " within " + requestTimeout) : e);
        } finally {
            busy.remove(deadline);
            timer.cancel(false);
        }
    }

    private WriteResponse exchange(Request request, Deadline deadline) throws IOException {
        HttpConnection connection = takeIdle();
        boolean reused = connection != null;
        while (true) {
            if (connection == null) {
                connection = open(deadline);
            } else {
                deadline.watch(connection.socket());
            }
            try {
                byte[] head = request.head(connection.absoluteForm() ? proxiedHead : originHead);
                WriteResponse response = connection.exchange(head, request.buffer, request.length);
                if (deadline.finish() || !connection.reusable()) {
                    connection.close();
                } else {
                    giveBack(connection);
                }
                return response;
            } catch (IOException | RuntimeException e) {
                connection.close();
                boolean stale = reused && !connection.answerStarted() && e instanceof IOException
                        && !(e instanceof SocketTimeoutException) && !deadline.expired();
                if (stale) {
                    // A kept-alive connection the server had closed while it was idle: once more on a new one,
                    // with the same signature. Remote write may take the same samples twice (receivers keep one
                    // of equal samples).
                    reused = false;
                    connection = null;
                    continue;
                }
                throw e;
            }
        }
    }

    /** The most recently used idle connection fit for another request; closes the unfit ones it meets. */
    private HttpConnection takeIdle() {
        long now = System.nanoTime();
        // Connections beyond the current concurrency sink to the end of the deque: expire one from there per call.
        HttpConnection oldest = idle.peekLast();
        if (oldest != null && !oldest.fitForReuse(now, MAX_IDLE_NANOS) && idle.removeLastOccurrence(oldest)) {
            oldest.close();
        }
        for (HttpConnection connection; (connection = idle.pollFirst()) != null; ) {
            if (connection.fitForReuse(now, MAX_IDLE_NANOS)) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void giveBack(HttpConnection connection) {
        connection.idleFromNow();
        idle.offerFirst(connection);
        // close() may have emptied the deque between the check in exchange() and now.
        if (closed && idle.remove(connection)) {
            connection.close();
        }
    }

    private HttpConnection open(Deadline deadline) throws IOException {
        List<Proxy> candidates = proxies == null ? null : proxies.select(endpoint);
        Proxy proxy = candidates == null || candidates.isEmpty() || candidates.get(0).type() != Proxy.Type.HTTP
                ? Proxy.NO_PROXY : candidates.get(0);
        // A backstop behind the deadline, later than it so that the deadline is what ends a silent exchange.
        long readTimeoutMillis = requestTimeout.toMillis() + READ_TIMEOUT_MARGIN_MILLIS;
        return HttpConnection.open(endpoint, proxy, deadline::watch, connectTimeoutMillis,
                (int) Math.min(Integer.MAX_VALUE, readTimeoutMillis), tls);
    }

    /** Closes the idle connections and those of running exchanges, which then fail. */
    @Override
    public void close() {
        closed = true;
        for (HttpConnection connection; (connection = idle.pollFirst()) != null; ) {
            connection.close();
        }
        for (Deadline running : busy) {
            running.run();
        }
        deadlines.shutdownNow();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Status, body text, and the {@code Retry-After} and {@code Date} headers of one answer (null when absent). */
    public record WriteResponse(int status, String body, String retryAfter, String date) {

        /** An answer without a {@code Date} header. */
        public WriteResponse(int status, String body, String retryAfter) {
            this(status, body, retryAfter, null);
        }
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

        /** The request's head: {@code requestLine} (request line and Host), Content-Length, the headers set. */
        byte[] head(String requestLine) {
            StringBuilder head = new StringBuilder(requestLine.length() + 64 * (headers.size() + 1));
            head.append(requestLine).append("Content-Length: ").append(length).append("\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
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
     * The deadline of one exchange: when it passes first (or the client closes), it closes the TCP socket the
     * exchange is using, which makes a blocked connect, read or write fail; when the exchange finishes first, it does
     * nothing.
     */
    private static final class Deadline implements Runnable {
        private Socket socket;
        private boolean expired;
        private boolean finished;

        /** Watches {@code current} from now on; closes it at once when the deadline has passed. */
        synchronized void watch(Socket current) {
            socket = current;
            if (expired) {
                closeQuietly(current);
            }
        }

        /** Ends the watch; true when the deadline had already passed (the socket is then closed). */
        synchronized boolean finish() {
            finished = true;
            socket = null;
            return expired;
        }

        synchronized boolean expired() {
            return expired;
        }

        @Override
        public synchronized void run() {
            if (!finished) {
                expired = true;
                if (socket != null) {
                    closeQuietly(socket);
                }
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that was wanted.
            }
        }
    }
}
