package dev.fleetpulse.localstack.fault;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 reverse proxy on 127.0.0.1 that forwards to a real server (Prometheus, VictoriaMetrics) and
 * injects faults chosen per request by a {@link FaultPlan}: error answers, {@code Retry-After}, TCP resets before
 * or after the target applied the request, and delays. It records every request byte for byte, headers
 * included, so tests can also check what a client sent (remote-write headers, signatures).
 *
 * <pre>{@code
 * try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(prometheus.baseUrl()))) {
 *     proxy.plan(FaultPlan.cycle(Fault.pass(), Fault.respond(503, "down")));
 *     sink.endpointUrl(proxy.proxiedUrl(prometheus.remoteWriteUrl()));
 * }
 * }</pre>
 *
 * Keep-alive is supported; request bodies must carry {@code Content-Length} (chunked requests get 411).
 */
public final class FaultInjectingProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjectingProxy.class);
    /** Hop-by-hop headers and the ones the JDK client computes itself are not forwarded. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "expect", "host",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private final URI target;
    private final ServerSocket server;
    private final ExecutorService connections;
    private final HttpClient forwarder;
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final List<RecordedRequest> recorded = new CopyOnWriteArrayList<>();
    private final AtomicLong requestNumbers = new AtomicLong();
    private volatile FaultPlan plan = FaultPlan.none();
    private volatile boolean closed;

    private FaultInjectingProxy(URI target, ServerSocket server) {
        this.target = target;
        this.server = server;
        AtomicInteger threads = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "fault-proxy-" + server.getLocalPort() + "-"
                    + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.forwarder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Starts a proxy on a free port of 127.0.0.1 in front of {@code target} (scheme, host and port are used). */
    public static FaultInjectingProxy start(URI target) {
        try {
            ServerSocket server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            FaultInjectingProxy proxy = new FaultInjectingProxy(target, server);
            proxy.connections.execute(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open a port on 127.0.0.1 for the fault proxy", e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The same path and query as {@code targetUrl}, through this proxy. */
    public String proxiedUrl(String targetUrl) {
        URI uri = URI.create(targetUrl);
        return baseUri() + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    /** Replaces the fault plan; requests already being handled keep the fault they were given. */
    public void plan(FaultPlan faultPlan) {
        this.plan = faultPlan;
    }

    /** Every request received so far, in completion order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(recorded);
    }

    public void clearRequests() {
        recorded.clear();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Closing the proxy's server socket failed", e);
        }
        for (Socket socket : openSockets) {
            closeQuietly(socket);
        }
        connections.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                openSockets.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Fault proxy on port {} stopped accepting: {}", port(), e.toString());
                }
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (!closed) {
                RecordedRequest request = readRequest(in);
                if (request == null) {
                    return;
                }
                if (!handle(request, socket, out)) {
                    return;
                }
            }
        } catch (SocketException e) {
            LOG.debug("Fault proxy connection ended: {}", e.toString());
        } catch (IOException e) {
            LOG.debug("Fault proxy connection failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            openSockets.remove(socket);
        }
    }

    /** Applies the planned fault; returns false when the connection is gone. */
    private boolean handle(RecordedRequest request, Socket socket, OutputStream out)
            throws IOException, InterruptedException {
        Fault fault = plan.decide(request.number(), request);
        if (fault instanceof Fault.Respond respond) {
            writeResponse(out, respond.status(), respond.headers(),
                    respond.body().getBytes(StandardCharsets.UTF_8));
            recorded.add(request.withOutcome(fault, respond.status()));
            return true;
        }
        if (fault instanceof Fault.ResetBeforeForwarding) {
            recorded.add(request.withOutcome(fault, -1));
            reset(socket);
            return false;
        }
        if (fault instanceof Fault.Delay delay) {
            Thread.sleep(delay.delay().toMillis());
        }
        if (request.header("Transfer-Encoding").isPresent()) {
            writeResponse(out, 411, Map.of(), "fault proxy needs Content-Length".getBytes(StandardCharsets.UTF_8));
            recorded.add(request.withOutcome(fault, 411));
            return true;
        }
        HttpResponse<byte[]> answer = forward(request);
        if (fault instanceof Fault.ResetAfterForwarding) {
            recorded.add(request.withOutcome(fault, -1));
            reset(socket);
            return false;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        answer.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, String.join(", ", values));
            }
        });
        writeResponse(out, answer.statusCode(), headers, answer.body());
        recorded.add(request.withOutcome(fault, answer.statusCode()));
        return true;
    }

    private HttpResponse<byte[]> forward(RecordedRequest request) throws IOException, InterruptedException {
        URI uri = URI.create(target.getScheme() + "://" + target.getRawAuthority() + request.path());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(request.method(), request.body().length == 0 && !"POST".equals(request.method())
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        request.headers().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return forwarder.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Reads one request; null at a clean end of the connection. */
    private RecordedRequest readRequest(InputStream in) throws IOException {
        String requestLine = readLine(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return null;
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3) {
            throw new IOException("Malformed request line: " + requestLine);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        long contentLength = 0;
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("Malformed header line: " + line);
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            }
        }
        byte[] body = in.readNBytes((int) contentLength);
        if (body.length != contentLength) {
            throw new IOException("Connection closed after " + body.length + " of " + contentLength + " body bytes");
        }
        headers.replaceAll((name, values) -> List.copyOf(values));
        return new RecordedRequest(requestNumbers.incrementAndGet(), Instant.now(), parts[0], parts[1], headers,
                body, Fault.pass(), -1);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void writeResponse(OutputStream out, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        boolean noBody = status == 204 || status == 304 || (status >= 100 && status < 200);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                .append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (!noBody) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!noBody) {
            out.write(body);
        }
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 411 -> "Length Required";
            case 413 -> "Payload Too Large";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    /** SO_LINGER 0 makes close() send a TCP RST: the client sees "connection reset", not a clean close. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            LOG.debug("Could not set SO_LINGER before reset: {}", e.toString());
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing a proxied connection failed: {}", e.toString());
        }
    }
}
