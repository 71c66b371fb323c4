package dev.fleetpulse.prometheus;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Sends encoded remote-write bodies with the Remote-Write 1.0 headers, signing every attempt. Holds no
 * batching or retry logic, so it also serves as the bare client that benchmarks compare the sink against.
 */
public final class RemoteWriteHttpClient {

    /** Headers the JDK client sets itself (and refuses to take from callers). */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final URI endpoint;
    private final Duration requestTimeout;
    private final String userAgent;
    private final RequestSigner signer;
    private final HttpClient client;
    private final Executor executor;

    /**
     * @param executor runs the exchanges (one thread per request in flight) and the JDK client's own work; when
     *                 null, the client makes a pool of daemon threads of its own
     */
    public RemoteWriteHttpClient(URI endpoint, Duration connectTimeout, Duration requestTimeout, String userAgent,
            RequestSigner signer, Executor executor) {
        this.endpoint = endpoint;
        this.requestTimeout = requestTimeout;
        this.userAgent = userAgent;
        this.signer = signer;
        this.executor = executor != null ? executor : Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "remote-write-http");
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                // HTTP/1.1: on plain http the JDK would otherwise send an h2c upgrade that some receivers and
                // proxies mishandle; one connection per lane is what we want anyway.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .executor(this.executor)
                .build();
    }

    /**
     * Signs and sends {@code body[0..length)}. The array must not change until the returned future completes.
     * Network failures and signer exceptions complete the future exceptionally.
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
        HttpRequest.Builder http = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        request.headers.forEach(http::header);
        HttpRequest built = http.build();
        // The blocking send on our own executor rather than sendAsync: the JDK's sendAsync hands every response
        // to CompletableFuture's default executor, which starts a new thread per task when the common pool has
        // fewer than two threads, i.e. on any machine with one or two cores (an MSF KPU has one vCPU). Profiled
        // on two cores, that was a thread started and ended for every request.
        return CompletableFuture.supplyAsync(() -> exchange(built), executor);
    }

    private WriteResponse exchange(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new WriteResponse(response.statusCode(), response.body(),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (IOException e) {
            throw new CompletionException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompletionException(e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Status, body text and {@code Retry-After} header of one answer. */
    public record WriteResponse(int status, String body, String retryAfter) {
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
            headers.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
            headers.put(name, value);
        }
    }
}
