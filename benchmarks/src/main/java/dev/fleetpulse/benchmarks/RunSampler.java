package dev.fleetpulse.benchmarks;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Follows a job JVM through a measured run: after each progress reading (events done so far) it reads the JVM's CPU
 * time and peak RSS from /proc, and at the end turns the samples into the run's figures.
 *
 * <ul>
 *   <li>Whole run: from the JVM's start to the first sample at which every event was done, so JVM and MiniCluster
 *       start-up, deployment and the JIT's first compilations are in it, as they are in a user's run.</li>
 *   <li>Steady state: from the first sample at which half the events were done to that same end sample, with the
 *       events and CPU time actually done between those two samples; start-up and warm-up are behind it.</li>
 * </ul>
 * Both end at the source's or Kafka's count, not at the output: records still in flight then (network buffers, the
 * sink's last batch) are a fraction of a second's worth and are not counted.
 */
final class RunSampler {

    /** How often progress is read; the steady-state window is known to about this. */
    static final Duration INTERVAL = Duration.ofMillis(200);
    private static final int THREAD_GROUPS_SHOWN = 15;

    private record Sample(long nanos, long done, Duration cpu) {
    }

    /** The figures of one run. */
    record Figures(long events, Duration toFirstEvent, Duration whole, Duration wholeCpu, long steadyEvents,
                   Duration steady, Duration steadyCpu, long peakRssKiB) {

        double eventsPerSecondWhole() {
            return events / seconds(whole);
        }

        double cpuSecondsPerMillionWhole() {
            return seconds(wholeCpu) * 1_000_000 / events;
        }

        /** NaN when the run was too short to sample its second half. */
        double eventsPerSecondSteady() {
            return steady.isZero() ? Double.NaN : steadyEvents / seconds(steady);
        }

        double cpuSecondsPerMillionSteady() {
            return steadyEvents == 0 ? Double.NaN : seconds(steadyCpu) * 1_000_000 / steadyEvents;
        }

        private static double seconds(Duration duration) {
            return duration.toNanos() / 1e9;
        }
    }

    private final ProcessHandle jvm;
    private final long startNanos;
    private final long total;
    private final boolean threads;
    private Sample last;
    private Sample first;
    private Sample half;
    private Sample end;
    /** Latest CPU time of every thread seen so far: a thread that has ended keeps its last reading. */
    private final Map<Long, Machine.ThreadCpu> threadsSeen = new HashMap<>();
    private Map<Long, Machine.ThreadCpu> threadsAtHalf = Map.of();
    private Map<Long, Machine.ThreadCpu> threadsAtEnd = Map.of();
    private long peakRssKiB;

    /**
     * @param startNanos {@link System#nanoTime()} when the JVM was started
     * @param total events the run is done at
     * @param threads also read per-thread CPU times at every sample
     */
    RunSampler(ProcessHandle jvm, long startNanos, long total, boolean threads) {
        this.jvm = jvm;
        this.startNanos = startNanos;
        this.total = total;
        this.threads = threads;
    }

    /** Records a progress reading taken just now; true once every event is done. */
    boolean add(long done) {
        Sample sample = new Sample(System.nanoTime(), done, Machine.cpuTime(jvm));
        updatePeakRss();
        if (threads) {
            threadsSeen.putAll(Machine.threadCpu(jvm));
        }
        last = sample;
        if (first == null && done > 0) {
            first = sample;
        }
        if (half == null && done >= total / 2) {
            half = sample;
            threadsAtHalf = Map.copyOf(threadsSeen);
        }
        if (done >= total) {
            end = sample;
            threadsAtEnd = Map.copyOf(threadsSeen);
            return true;
        }
        return false;
    }

    /** Reads the JVM's peak RSS again: it may still grow after the last event (a final checkpoint, the last writes). */
    void updatePeakRss() {
        try {
            peakRssKiB = Math.max(peakRssKiB, Machine.peakRssKiB(jvm));
        } catch (RuntimeException e) {
            // A JVM that ends by itself (the bounded generator) may do so between two readings: /proc then has no
            // status for it, or one without memory lines while it is a zombie. Its peak is the last one read.
            if (!endsWithin(Duration.ofSeconds(1))) {
                throw e;
            }
        }
    }

    private boolean endsWithin(Duration timeout) {
        try {
            jvm.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The whole run's figures; only after {@link #add} returned true. */
    Figures figures() {
        if (end == null) {
            throw new IllegalStateException("The run is not done; last sample: " + last);
        }
        return new Figures(end.done(), Duration.ofNanos(first.nanos() - startNanos),
                Duration.ofNanos(end.nanos() - startNanos), end.cpu(), end.done() - half.done(),
                Duration.ofNanos(end.nanos() - half.nanos()), end.cpu().minus(half.cpu()), peakRssKiB);
    }

    /**
     * Prints where the CPU went, by thread name with numbers folded ({@code GC Thread#N}, {@code pool-N-thread-N};
     * not the 2 of {@code C2 CompilerThre}), largest steady-state share first: CPU seconds over the whole run and in
     * steady state (threads that started after the half sample count from their start), each thread as last read, so
     * the work of a thread that ended within a sample interval before it is missing. The
     * {@value #THREAD_GROUPS_SHOWN} largest groups are shown, the rest summed.
     */
    void printThreads() {
        record Group(String name, int threads, double whole, double steady) {
        }
        Map<String, Group> groups = new HashMap<>();
        threadsAtEnd.forEach((tid, atEnd) -> {
            Machine.ThreadCpu atHalf = threadsAtHalf.get(tid);
            double steady = (atEnd.cpu().toMillis() - (atHalf == null ? 0 : atHalf.cpu().toMillis())) / 1000.0;
            String name = atEnd.name().replaceAll("(?<=[^A-Za-z])\\d+", "N");
            groups.merge(name, new Group(name, 1, atEnd.cpu().toMillis() / 1000.0, steady), (a, b) ->
                    new Group(name, a.threads() + b.threads(), a.whole() + b.whole(), a.steady() + b.steady()));
        });
        List<Group> sorted = groups.values().stream().sorted(Comparator.comparingDouble(Group::steady)
                .thenComparingDouble(Group::whole).reversed()).toList();
        List<Group> shown = sorted.subList(0, Math.min(THREAD_GROUPS_SHOWN, sorted.size()));
        List<Group> rest = sorted.subList(shown.size(), sorted.size());
        double steadyTotal = sorted.stream().mapToDouble(Group::steady).sum();
        System.out.println("  CPU by thread (s): threads, whole run, steady state, share of steady state");
        Stream.concat(shown.stream(), rest.isEmpty() ? Stream.empty() : Stream.of(new Group("(other)",
                        rest.stream().mapToInt(Group::threads).sum(), rest.stream().mapToDouble(Group::whole).sum(),
                        rest.stream().mapToDouble(Group::steady).sum())))
                .forEach(g -> System.out.printf(Locale.ROOT, "    %-18s %3d %8.2f %8.2f %5.1f%%%n", g.name(),
                        g.threads(), g.whole(), g.steady(), steadyTotal == 0 ? 0 : 100 * g.steady() / steadyTotal));
    }
}
