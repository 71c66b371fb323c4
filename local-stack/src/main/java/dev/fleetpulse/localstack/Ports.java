package dev.fleetpulse.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers. Every local service listens on the loopback interface only. */
final class Ports {

    static final String LOOPBACK = "127.0.0.1";

    private Ports() {
    }

    /**
     * A port that was free a moment ago. Another process may take it before the service binds it; the window is
     * tiny on a test machine and a bind failure is reported clearly, so that race is accepted.
     */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + LOOPBACK, e);
        }
    }

    /** Port 0 means "any free port"; a fixed port must be free now, or the service's own error would be vaguer. */
    static int resolve(int requested, String service) {
        if (requested < 0 || requested > 65535) {
            throw new IllegalArgumentException(service + " port must be 0 (any free port) or 1..65535, got " + requested);
        }
        if (requested == 0) {
            return freePort();
        }
        requireFree(requested, service);
        return requested;
    }

    static void requireFree(int port, String service) {
        try (ServerSocket socket = new ServerSocket()) {
            // Same option the services use for their listeners, so a port in TIME_WAIT after a restart counts as free.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
        } catch (IOException e) {
            throw new PortUnavailableException(service, port);
        }
    }
}
