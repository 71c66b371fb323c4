package dev.fleetpulse.prometheus;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Proxy;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One HTTP/1.1 connection to the remote-write endpoint, directly or through a proxy, used by one exchange at a time.
 * It writes a request with a {@code Content-Length} body in one go and reads the answer, whose body may be sized,
 * chunked or end with the connection. Blocking, on the caller's thread.
 *
 * <p>Why not {@code java.net.http.HttpClient}: in the sink benchmark on two cores, the JDK client's selector and
 * exchange threads and their JIT compilation took as much CPU per request as the sink's whole encoding, CPU that
 * Prometheus on the same machine (or the job's one vCPU on Amazon Managed Service for Apache Flink) then lacks.
 * A remote-write client needs one request shape and a keep-alive connection per lane, which is this much code.
 */
final class HttpConnection implements Closeable {

    /** Longest status or header line taken: a longer one is not an HTTP server's answer. */
    private static final int MAX_LINE = 16 * 1024;
    private static final int MAX_HEADERS = 200;
    /** Of an answer's body, this many bytes are kept (it is only logged); the rest is read and dropped. */
    static final int MAX_KEPT_BODY = 64 * 1024;
    /** A sized body longer than this is not read to reuse the connection; the connection is closed instead. */
    private static final long MAX_DRAINED_BODY = 1024 * 1024;

    /** The TCP socket, under TLS when there is TLS: closing it never waits, as closing a TLS socket can. */
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] input = new byte[8 * 1024];
    private int inputPosition;
    private int inputLimit;
    private byte[] request = new byte[16 * 1024];
    private final StringBuilder line = new StringBuilder(64);
    /** Whether the current exchange read any byte of an answer: until then a failure may be a stale connection. */
    private boolean answerStarted;
    private boolean reusable = true;
    /** Whether the last status line was HTTP/1.0's, whose connections close unless the server says keep-alive. */
    private boolean http10;

    /** Whether requests go to an HTTP proxy in absolute form (plain HTTP through a proxy). */
    private final boolean absoluteForm;

    private long idleSinceNanos;

    private HttpConnection(Socket raw, Socket socket, boolean absoluteForm) throws IOException {
        this.raw = raw;
        this.absoluteForm = absoluteForm;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to {@code endpoint} ({@code http} or {@code https}), through {@code proxy} when it is not
     * {@link Proxy#NO_PROXY}: an HTTP proxy tunnels {@code https} with {@code CONNECT} and takes {@code http} requests
     * in absolute form (see {@link #requestTarget}). Other proxies (SOCKS) are not used, as the JDK's HTTP client
     * does not use them either.
     *
     * @param watch     gets the TCP socket before it connects, so that a deadline can close it at any step
     * @param readTimeoutMillis bounds every blocking read, the TLS handshake's included
     */
    static HttpConnection open(URI endpoint, Proxy proxy, Consumer<Socket> watch, int connectTimeoutMillis,
                               int readTimeoutMillis, SSLSocketFactory tls) throws IOException {
        boolean secure = isSecure(endpoint);
        String host = hostOf(endpoint);
        int port = portOf(endpoint);
        boolean httpProxy = proxy.type() == Proxy.Type.HTTP;
        Socket socket = new Socket();
        try {
            watch.accept(socket);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMillis);
            socket.connect(httpProxy ? resolved((InetSocketAddress) proxy.address()) : new InetSocketAddress(host, port),
                    connectTimeoutMillis);
            if (httpProxy && secure) {
                // The authority keeps an IPv6 literal's brackets.
                new HttpConnection(socket, socket, false).tunnel(endpoint.getHost() + ":" + port);
            }
            if (!secure) {
                return new HttpConnection(socket, socket, httpProxy);
            }
            SSLSocket tlsSocket = (SSLSocket) tls.createSocket(socket, host, port, true);
            SSLParameters parameters = tlsSocket.getSSLParameters();
            // Check that the certificate names the host, as browsers and the JDK's HTTP client do.
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            tlsSocket.setSSLParameters(parameters);
            tlsSocket.startHandshake();
            return new HttpConnection(socket, tlsSocket, false);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    static boolean isSecure(URI endpoint) {
        return "https".equalsIgnoreCase(endpoint.getScheme());
    }

    /** The host without the brackets an IPv6 literal has in a URI. */
    static String hostOf(URI endpoint) {
        String host = endpoint.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    static int portOf(URI endpoint) {
        return endpoint.getPort() != -1 ? endpoint.getPort() : defaultPort(endpoint);
    }

    private static int defaultPort(URI endpoint) {
        return isSecure(endpoint) ? 443 : 80;
    }

    /** The {@code Host} header: host as the URI spells it, with the port unless it is the scheme's default. */
    static String hostHeader(URI endpoint) {
        boolean defaultPort = endpoint.getPort() == -1 || endpoint.getPort() == defaultPort(endpoint);
        return defaultPort ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    /** Origin form ({@code /path?query}), or the absolute URI for a plain-HTTP request through an HTTP proxy. */
    static String requestTarget(URI endpoint, boolean absolute) {
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        String query = endpoint.getRawQuery() == null ? "" : "?" + endpoint.getRawQuery();
        return absolute ? endpoint.getScheme() + "://" + hostHeader(endpoint) + path + query : path + query;
    }

    /** Asks an HTTP proxy for a tunnel to {@code authority}; its answer to {@code CONNECT} has no body. */
    private void tunnel(String authority) throws IOException {
        byte[] connect = ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        out.write(connect);
        out.flush();
        int status = readStatusLine();
        skipHeaders();
        if (status / 100 != 2) {
            throw new ProtocolException("The HTTP proxy refused a tunnel to " + authority + ": HTTP " + status);
        }
        if (inputPosition != inputLimit) {
            throw new ProtocolException("The HTTP proxy sent data before the tunnel to " + authority + " was open");
        }
    }

    /**
     * Sends {@code head} (request line and headers, ending with the empty line) and {@code body[0..length)} in one
     * write, and reads the answer.
     */
    RemoteWriteHttpClient.WriteResponse exchange(byte[] head, byte[] body, int length) throws IOException {
        answerStarted = false;
        int total = head.length + length;
        if (request.length < total) {
            request = new byte[Math.max(total, request.length * 2)];
        }
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, length);
        try {
            out.write(request, 0, total);
            out.flush();
        } catch (IOException writeFailed) {
            // A server may answer (e.g. 413) and close before it has read the whole request: take that answer.
            reusable = false;
            try {
                return readAnswer();
            } catch (IOException noAnswer) {
                writeFailed.addSuppressed(noAnswer);
                throw writeFailed;
            }
        }
        RemoteWriteHttpClient.WriteResponse answer = readAnswer();
        if (inputPosition != inputLimit) {
            reusable = false; // bytes after the answer: whatever they are, they must not pass for the next answer
        }
        return answer;
    }

    /** The TCP socket, for a deadline to close. */
    Socket socket() {
        return raw;
    }

    /** Marks the connection idle from now. */
    void idleFromNow() {
        idleSinceNanos = System.nanoTime();
    }

    /**
     * Whether the connection may take another request: idle for less than {@code maxIdleNanos} and nothing
     * unasked-for has arrived on it (such as a 408 a server sends before closing an idle connection).
     */
    boolean fitForReuse(long nowNanos, long maxIdleNanos) {
        if (nowNanos - idleSinceNanos >= maxIdleNanos) {
            return false;
        }
        try {
            return in.available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    boolean absoluteForm() {
        return absoluteForm;
    }

    /** Whether the last exchange read any of an answer; a failure before that may just be a stale connection. */
    boolean answerStarted() {
        return answerStarted;
    }

    /** Whether the connection can take another request: the answer was read whole and the server keeps it open. */
    boolean reusable() {
        return reusable;
    }

    /** Closes the TCP socket (a TLS close_notify is not sent: it could wait for a writer blocked on the socket). */
    @Override
    public void close() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // Nothing is left to release.
        }
    }

    private RemoteWriteHttpClient.WriteResponse readAnswer() throws IOException {
        int status;
        ResponseHeaders headers;
        do {
            status = readStatusLine();
            headers = readHeaders();
            // 1xx (e.g. an unasked-for 100 Continue) precede the real answer and have no body; 101 would switch
            // protocols, which this client never asks for.
            if (status == 101) {
                throw new ProtocolException("The server switched protocols (HTTP 101) without being asked");
            }
        } while (status >= 100 && status < 200);
        if (headers.closes || (http10 && !headers.keepAlive)) {
            reusable = false;
        }
        byte[] kept;
        if (status == 204 || status == 304) {
            kept = new byte[0];
        } else if (headers.transferEncoding != null) {
            if (headers.contentLength >= 0) {
                reusable = false; // both framings: the transfer coding wins, and the connection is not trusted after
            }
            if (headers.transferEncoding.endsWith("chunked")) {
                kept = readChunkedBody();
            } else {
                reusable = false;
                kept = readBodyToEnd();
            }
        } else if (headers.contentLength >= 0) {
            kept = readSizedBody(headers.contentLength);
        } else {
            reusable = false;
            kept = readBodyToEnd();
        }
        return new RemoteWriteHttpClient.WriteResponse(status, new String(kept, StandardCharsets.UTF_8),
                headers.retryAfter, headers.date);
    }

    private int readStatusLine() throws IOException {
        String statusLine = readLine();
        // "HTTP/1.1 204 No Content": the reason phrase may be empty or missing.
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' '
                || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            throw new ProtocolException("Not an HTTP/1.x status line: " + abbreviate(statusLine));
        }
        http10 = statusLine.startsWith("HTTP/1.0");
        try {
            int status = Integer.parseInt(statusLine.substring(9, 12));
            if (status < 100 || status > 999) {
                throw new NumberFormatException();
            }
            return status;
        } catch (NumberFormatException e) {
            throw new ProtocolException("No status code in the status line: " + abbreviate(statusLine));
        }
    }

    private ResponseHeaders readHeaders() throws IOException {
        ResponseHeaders headers = new ResponseHeaders();
        for (int count = 0; ; count++) {
            String header = readLine();
            if (header.isEmpty()) {
                return headers;
            }
            if (count == MAX_HEADERS) {
                throw new ProtocolException("More than " + MAX_HEADERS + " header lines in an answer");
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("Malformed header line: " + abbreviate(header));
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> headers.contentLength = parseContentLength(value, headers.contentLength);
                // Codings of several lines add up in order; only the last one decides the framing.
                case "transfer-encoding" -> headers.transferEncoding = value.toLowerCase(Locale.ROOT).trim();
                case "connection" -> {
                    for (String token : value.toLowerCase(Locale.ROOT).split(",")) {
                        headers.closes |= token.trim().equals("close");
                        headers.keepAlive |= token.trim().equals("keep-alive");
                    }
                }
                case "retry-after" -> headers.retryAfter = value;
                // The receiver's clock, for signers that must sign on it (a 403 for a stale signature).
                case "date" -> headers.date = value;
                default -> {
                    // Not needed for remote write.
                }
            }
        }
    }

    private static long parseContentLength(String value, long previous) throws ProtocolException {
        long length = parseDigits(value, 10, 18);
        if (length < 0 || (previous >= 0 && previous != length)) {
            throw new ProtocolException("Invalid Content-Length: " + abbreviate(value));
        }
        return length;
    }

    /** The number {@code text} spells in {@code radix} with at most {@code maxDigits} digits and nothing else; -1 if not. */
    private static long parseDigits(String text, int radix, int maxDigits) {
        if (text.isEmpty() || text.length() > maxDigits) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            int digit = Character.digit(text.charAt(i), radix);
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }

    /** Skips header lines up to the empty one: a proxy's answer to CONNECT, or a chunked body's trailers. */
    private void skipHeaders() throws IOException {
        for (int count = 0; !readLine().isEmpty(); count++) {
            if (count == MAX_HEADERS) {
                throw new ProtocolException("More than " + MAX_HEADERS + " header lines in an answer");
            }
        }
    }

    private byte[] readSizedBody(long length) throws IOException {
        if (length > MAX_DRAINED_BODY) {
            reusable = false;
        }
        byte[] kept = new byte[(int) Math.min(length, MAX_KEPT_BODY)];
        readFully(kept, 0, kept.length);
        if (reusable) {
            skip(length - kept.length);
        }
        return kept;
    }

    private byte[] readChunkedBody() throws IOException {
        byte[] kept = new byte[0];
        long total = 0;
        while (true) {
            String sizeLine = readLine();
            int extension = sizeLine.indexOf(';');
            long size = parseDigits((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16, 15);
            if (size < 0) {
                throw new ProtocolException("Invalid chunk size line: " + abbreviate(sizeLine));
            }
            if (size == 0) {
                skipHeaders(); // trailers, then the empty line
                return kept;
            }
            total += size;
            if (total > MAX_DRAINED_BODY) {
                reusable = false;
                return kept;
            }
            int keep = (int) Math.min(size, MAX_KEPT_BODY - kept.length);
            if (keep > 0) {
                int from = kept.length;
                kept = Arrays.copyOf(kept, from + keep);
                readFully(kept, from, keep);
            }
            skip(size - keep);
            if (!readLine().isEmpty()) {
                throw new ProtocolException("A chunk is longer than its size line says");
            }
        }
    }

    private byte[] readBodyToEnd() throws IOException {
        byte[] kept = new byte[1024];
        int length = 0;
        while (length < MAX_KEPT_BODY) {
            if (inputPosition == inputLimit && !fill()) {
                return Arrays.copyOf(kept, length);
            }
            int take = Math.min(inputLimit - inputPosition, MAX_KEPT_BODY - length);
            if (kept.length < length + take) {
                kept = Arrays.copyOf(kept, Math.max(length + take, kept.length * 2));
            }
            System.arraycopy(input, inputPosition, kept, length, take);
            inputPosition += take;
            length += take;
        }
        return Arrays.copyOf(kept, length);
    }

    private String readLine() throws IOException {
        line.setLength(0);
        while (true) {
            if (inputPosition == inputLimit && !fill()) {
                throw new EOFException(answerStarted ? "The connection closed in the middle of an answer"
                        : "The connection closed before an answer");
            }
            byte b = input[inputPosition++];
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() == MAX_LINE) {
                throw new ProtocolException("An answer line is longer than " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    private void readFully(byte[] target, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (inputPosition == inputLimit && !fill()) {
                throw new EOFException("The connection closed in the middle of an answer's body");
            }
            int take = Math.min(inputLimit - inputPosition, length - done);
            System.arraycopy(input, inputPosition, target, offset + done, take);
            inputPosition += take;
            done += take;
        }
    }

    private void skip(long length) throws IOException {
        long left = length;
        while (left > 0) {
            if (inputPosition == inputLimit && !fill()) {
                throw new EOFException("The connection closed in the middle of an answer's body");
            }
            int take = (int) Math.min(inputLimit - inputPosition, left);
            inputPosition += take;
            left -= take;
        }
    }

    /** Reads what the socket has; false at the end of the stream. */
    private boolean fill() throws IOException {
        int read = in.read(input, 0, input.length);
        if (read <= 0) {
            reusable = false;
            return false;
        }
        answerStarted = true;
        inputPosition = 0;
        inputLimit = read;
        return true;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    private static final class ResponseHeaders {
        long contentLength = -1;
        String transferEncoding;
        boolean closes;
        boolean keepAlive;
        String retryAfter;
        String date;
    }
}
