package dev.fleetpulse.benchmarks;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * CPU time of this JVM's threads from {@code /proc/self/task/*}{@code /stat}, grouped by thread name, over a measured
 * stretch: the whole process's CPU, which the kernel keeps for ended threads too, and a breakdown by thread group.
 * Task threads end with their job, so the breakdown samples the threads every {@value #PERIOD_MS} ms while it runs
 * and keeps each one's last reading; a thread's CPU after its last sample is missing from its group (not from the
 * total).
 */
final class ThreadCpu implements AutoCloseable {

    private static final long PERIOD_MS = 500;
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final Function<String, String> grouping;
    private final long processStartTicks;
    private final Map<String, Long> startTicks;
    private final Map<String, Reading> last = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    private record Reading(String name, long ticks) {
    }

    /** @param grouping maps a thread's name (at most 15 characters, as the kernel keeps it) to its group */
    private ThreadCpu(Function<String, String> grouping) {
        this.grouping = grouping;
        this.processStartTicks = processTicks();
        Map<String, Reading> now = threads();
        this.startTicks = new HashMap<>();
        now.forEach((tid, reading) -> startTicks.put(tid, reading.ticks));
        last.putAll(now);
        sampler = new Thread(this::sample, "cpu-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    static ThreadCpu start(Function<String, String> grouping) {
        return new ThreadCpu(grouping);
    }

    private void sample() {
        while (running) {
            Map<String, Reading> now = threads();
            synchronized (last) {
                last.putAll(now);
            }
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Seconds of CPU since the start: {@code total} for the process, then one entry per group, largest first. */
    Map<String, Double> secondsByGroup() {
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("total", (processTicks() - processStartTicks) / (double) CLOCK_TICKS_PER_SECOND);
        Map<String, Long> groups = new HashMap<>();
        synchronized (last) {
            last.putAll(threads());
            last.forEach((tid, reading) -> groups.merge(grouping.apply(reading.name),
                    reading.ticks - startTicks.getOrDefault(tid, 0L), Long::sum));
        }
        groups.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> result.put(e.getKey(), e.getValue() / (double) CLOCK_TICKS_PER_SECOND));
        return result;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }

    /**
     * The groups of the sink benchmark's job JVM, by the first 15 characters of a thread's name: its sink task is
     * named {@code Prometheus remote-write}, the sink's own pools {@code prometheus-sink-*}.
     */
    static String flinkJobGroup(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("c2 compiler") || lower.startsWith("c1 compiler")) {
            return "jit";
        }
        if (lower.contains("gc") || lower.startsWith("vm thread")) {
            return "gc+vm";
        }
        if (lower.startsWith("source:")) {
            return "source";
        }
        if (lower.startsWith("prometheus remo")) {
            return "sink task";
        }
        if (lower.equals("java")) {
            return "main";
        }
        if (lower.startsWith("prometheus-sink") || lower.startsWith("remote-write")) {
            return "sink http+timers";
        }
        return "other";
    }

    private static long processTicks() {
        String stat = read(Path.of("/proc/self/stat"));
        if (stat == null) {
            throw new IllegalStateException("Cannot read /proc/self/stat (the harnesses need Linux /proc)");
        }
        return ticks(stat);
    }

    private static Map<String, Reading> threads() {
        Map<String, Reading> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String stat = read(task.resolve("stat"));
                if (stat != null) {
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    threads.put(task.getFileName().toString(), new Reading(name, ticks(stat)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot list /proc/self/task (the harnesses need Linux /proc)", e);
        }
        return threads;
    }

    /** utime + stime of a stat line; the name (field 2) may hold spaces, the fields after its ')' do not. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The file's text, or null when it cannot be read (a thread that ended between listing and reading). */
    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException ended) {
            return null;
        }
    }
}
