package dev.fleetpulse.prometheus.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP server whose every connection runs a script on its own thread: it writes exactly the bytes a test
 * wants a client to meet (odd bodies, early closes, silence), which no ready-made HTTP server would send.
 */
public final class ScriptedServer implements AutoCloseable {

    /** What the server does with one accepted connection ({@code index} counts connections from 0). */
    public interface Script {
        void serve(ScriptedServer server, Socket connection, int index) throws IOException;
    }

    /** One request as read off the wire: its head lines (request line first) and body. */
    public record Request(List<String> head, byte[] body) {
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return head.stream().skip(1).filter(line -> line.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(line -> line.substring(prefix.length()).trim()).findFirst().orElse(null);
        }
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    public ScriptedServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket connection = server.accept();
                    open.add(connection);
                    int index = connections.getAndIncrement();
                    Thread worker = new Thread(() -> {
                        try (connection) {
                            script.serve(this, connection, index);
                        } catch (IOException ignored) {
                            // The client went away: nothing to serve.
                        }
                        closedByServer.incrementAndGet();
                    }, "scripted-server-" + index);
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "scripted-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Connections whose script has ended, which closed them. */
    int closedByServer() {
        return closedByServer.get();
    }

    /** A script: answers {@code 204} to every request on the connection, until the client closes it. */
    static void answerNoContentToEach(ScriptedServer server, Socket connection, int index) throws IOException {
        while (server.read(connection.getInputStream()) != null) {
            write(connection, "HTTP/1.1 204 No Content\r\n\r\n");
        }
    }

    /** A script: reads a request and then stays silent until the client closes the connection. */
    static void readAndStaySilent(ScriptedServer server, Socket connection, int index) throws IOException {
        server.read(connection.getInputStream());
        connection.getInputStream().read();
    }

    /** Reads one request (head and Content-Length body) and records it; null when the client closed first. */
    Request read(InputStream in) throws IOException {
        Request request = readRequest(in);
        if (request != null) {
            requests.add(request);
        }
        return request;
    }

    /** Reads one request byte by byte, so nothing after it (e.g. a tunnel's TLS bytes) is taken from the stream. */
    public static Request readRequest(InputStream in) throws IOException {
        List<String> head = new ArrayList<>();
        for (String line = readLine(in); line == null || !line.isEmpty(); line = readLine(in)) {
            if (line == null) {
                return null;
            }
            head.add(line);
        }
        String length = new Request(head, new byte[0]).header("Content-Length");
        return new Request(head, length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length)));
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return null;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    public static void write(Socket connection, String text) throws IOException {
        connection.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        connection.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket connection : open) {
            connection.close();
        }
    }
}
