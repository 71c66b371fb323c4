package dev.fleetpulse.localstack.flink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP addresses a process listens on, read from Linux's /proc: the process's socket inodes from /proc/PID/fd,
 * matched to the LISTEN rows of /proc/net/tcp and tcp6. Addresses stay in the kernel's hex form, e.g.
 * {@code 0100007F} for 127.0.0.1 and {@code 0000000000000000FFFF00000100007F} for it as an IPv4-mapped IPv6 address.
 */
final class ListeningSockets {

    static final Set<String> LOOPBACK = Set.of("0100007F", "0000000000000000FFFF00000100007F");
    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** The hex addresses (without port) of every socket the process listens on. */
    static List<String> addressesOf(ProcessHandle process) throws IOException {
        Set<String> inodes = socketInodes(process.pid());
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> rows = Files.readAllLines(Path.of(table));
            for (String row : rows.subList(1, rows.size())) {
                String[] fields = row.trim().split("\\s+");
                if (LISTEN.equals(fields[3]) && inodes.contains(fields[9])) {
                    addresses.add(fields[1].substring(0, fields[1].indexOf(':')));
                }
            }
        }
        return addresses;
    }

    private static Set<String> socketInodes(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path descriptor : descriptors.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(descriptor).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring("socket:[".length(), target.length() - 1));
                }
            }
        }
        return inodes;
    }
}
