package dev.fleetpulse.prometheus.writer;

import org.slf4j.Logger;

/**
 * Logs at most one warning per interval and says how many were suppressed, so a receiver that rejects every
 * request cannot flood the task manager log. Task thread only.
 */
final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private long lastLoggedNanos;
    private boolean loggedOnce;
    private long suppressed;

    RateLimitedLog(Logger log, long intervalMillis) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    void warn(String format, Object... args) {
        long now = System.nanoTime();
        if (loggedOnce && now - lastLoggedNanos < intervalNanos) {
            suppressed++;
            return;
        }
        if (suppressed > 0) {
            log.warn("({} similar messages suppressed)", suppressed);
            suppressed = 0;
        }
        log.warn(format, args);
        lastLoggedNanos = now;
        loggedOnce = true;
    }
}
