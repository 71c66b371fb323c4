package dev.fleetpulse.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** What the harnesses read about this Linux machine: load average, a process's peak RSS and CPU time. */
final class Machine {

    /** USER_HZ: the unit of utime and stime in /proc/PID/stat; 100 on every mainstream Linux build. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private Machine() {
    }

    /** The 1, 5 and 15 minute load averages as the kernel prints them, e.g. {@code 1.48 2.10 5.22}. */
    static String loadAverage() {
        String[] fields = read(Path.of("/proc/loadavg")).split("\\s+");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    static double oneMinuteLoad() {
        return Double.parseDouble(loadAverage().split(" ")[0]);
    }

    /**
     * Waits until the 1-minute load is below {@code maxLoad}, or {@code maxWait} has passed: other work on a small
     * machine (builds, tests) takes cores from the run being measured. Returns the load it ends with.
     */
    static double awaitQuiet(double maxLoad, Duration maxWait) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        double load = oneMinuteLoad();
        boolean announced = false;
        while (load >= maxLoad && System.nanoTime() < deadline) {
            if (!announced) {
                System.out.printf("  waiting up to %ds for the 1-minute load (%.2f) to drop below %.1f%n",
                        maxWait.toSeconds(), load, maxLoad);
                announced = true;
            }
            Thread.sleep(5_000);
            load = oneMinuteLoad();
        }
        if (load >= maxLoad) {
            System.out.printf("  measuring anyway at load %.2f%n", load);
        }
        return load;
    }

    /** Peak resident set size of this JVM so far ({@code VmHWM}), in KiB. */
    static long peakRssKiB() {
        return peakRssKiB(Path.of("/proc/self/status"));
    }

    /** Peak resident set size of another process so far ({@code VmHWM}), in KiB. */
    static long peakRssKiB(ProcessHandle process) {
        return peakRssKiB(Path.of("/proc/" + process.pid() + "/status"));
    }

    private static long peakRssKiB(Path status) {
        for (String line : read(status).split("\n")) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException(status + " has no VmHWM line");
    }

    /** User plus system CPU time the process has used so far ({@code utime + stime} of /proc/PID/stat). */
    static Duration cpuTime(ProcessHandle process) {
        return cpuTime(read(Path.of("/proc/" + process.pid() + "/stat")));
    }

    /** CPU time a thread has used so far, under the name the kernel knows it by. */
    record ThreadCpu(String name, Duration cpu) {
    }

    /**
     * CPU time of each live thread of a process, by thread id. Thread names are the JVM's, cut to the kernel's 15
     * characters (e.g. {@code C2 CompilerThre}); threads that have ended are not listed, though their CPU time is in
     * {@link #cpuTime(ProcessHandle)}. The caller reads /proc: the process itself does nothing for it.
     */
    static Map<Long, ThreadCpu> threadCpu(ProcessHandle process) {
        Path tasks = Path.of("/proc/" + process.pid() + "/task");
        Map<Long, ThreadCpu> threads = new HashMap<>();
        try (Stream<Path> ids = Files.list(tasks)) {
            for (Path task : ids.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException threadEnded) {
                    // It ended between the listing and the read: the file is gone (ENOENT) or no longer readable
                    // (ESRCH, "No such process"). The listing itself succeeded, so the process is there.
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                threads.put(Long.parseLong(task.getFileName().toString()), new ThreadCpu(name, cpuTime(stat)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + tasks + " (the harnesses need Linux /proc)", e);
        }
        return threads;
    }

    private static Duration cpuTime(String stat) {
        // The command name (field 2) may contain spaces; the fields after its closing parenthesis are fixed.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + " (the harnesses need Linux /proc)", e);
        }
    }
}
