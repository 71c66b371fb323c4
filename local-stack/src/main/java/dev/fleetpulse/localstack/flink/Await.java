package dev.fleetpulse.localstack.flink;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one polling loop behind every wait of this package: for TaskManagers to register, for a job's status, its
 * checkpoints or a savepoint. Flink's REST API has no notifications, so each wait probes every 200 ms.
 */
final class Await {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private Await() {
    }

    /**
     * Probes until {@code done} accepts the value, and returns that value. After each probe that is not done,
     * {@code failFast} may throw to end the wait at once: waiting for a state that can no longer come (a job that ended
     * otherwise, a process that died) would only burn the timeout. Past the deadline the wait throws the exception
     * {@code timedOut} builds from the last value seen.
     */
    static <T> T until(Duration timeout, Supplier<T> probe, Predicate<? super T> done, Consumer<? super T> failFast,
            Function<? super T, ? extends RuntimeException> timedOut) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            failFast.accept(value);
            if (System.nanoTime() > deadline) {
                throw timedOut.apply(value);
            }
            sleep();
            value = probe.get();
        }
        return value;
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
