package dev.fleetpulse.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;

/** Port helpers. Every local service listens on the loopback interface only. */
public final class Ports {

    static final String LOOPBACK = "127.0.0.1";

    /** How many recently handed-out ports {@link #freePort()} refuses to hand out again. */
    private static final int REMEMBERED = 256;

    private static final Deque<Integer> HANDED_OUT = new ArrayDeque<>();

    /** Lowest port handed out: above the well-known and most registered service ports. */
    static final int LOWEST = 10_000;
    /**
     * Ports are handed out below this, the start of the kernel's ephemeral range, from which it assigns the local
     * port of every outgoing connection and of every listener bound to port 0. A port from that range can be taken
     * by any such socket between the probe and the service's own bind (seen in CI: a Flink metrics reporter of the
     * demo found its port in use). Linux: the first number of ip_local_port_range; elsewhere the IANA start, 49152.
     */
    static final int EPHEMERAL_START = ephemeralStart();

    private Ports() {
    }

    /**
     * A port below the ephemeral range ({@link #EPHEMERAL_START}) that was free a moment ago and that this JVM has
     * not handed out recently. The probe socket is closed before the caller binds, so without the memory two calls in
     * a row could get the same port (seen in CI: Kafka's client and controller listeners got one port). Another
     * process may still bind the port explicitly before the service does; that window is tiny on a test machine and a
     * bind failure is reported clearly.
     */
    public static int freePort() {
        return freeRange(1);
    }

    /**
     * The first of {@code count} consecutive ports that were free a moment ago, none handed out recently by this JVM
     * (for services that listen on a base port and the ones after it).
     */
    public static int freeRange(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = candidate(count);
            synchronized (HANDED_OUT) {
                if (rangeAvailable(first, count)) {
                    for (int port = first; port < first + count; port++) {
                        HANDED_OUT.addLast(port);
                    }
                    while (HANDED_OUT.size() > REMEMBERED) {
                        HANDED_OUT.removeFirst();
                    }
                    return first;
                }
            }
        }
        throw new IllegalStateException("No run of " + count + " free ports on " + LOOPBACK
                + " that this JVM had not just handed out");
    }

    private static boolean rangeAvailable(int first, int count) {
        for (int port = first; port < first + count; port++) {
            if (HANDED_OUT.contains(port) || !isFree(port)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a listener could bind the port on the loopback interface now. */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(LOOPBACK))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A random first port of {@code count} below the ephemeral range, or from the kernel if there is no room. */
    private static int candidate(int count) {
        if (EPHEMERAL_START - count > LOWEST) {
            return ThreadLocalRandom.current().nextInt(LOWEST, EPHEMERAL_START - count + 1);
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return Math.min(socket.getLocalPort(), 65_536 - count);
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + LOOPBACK, e);
        }
    }

    private static int ephemeralStart() {
        try {
            // readAllLines, not readString: procfs reports a size of 0, and readString then returned only "3".
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
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
