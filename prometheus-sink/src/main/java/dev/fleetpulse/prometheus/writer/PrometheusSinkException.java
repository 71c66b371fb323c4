package dev.fleetpulse.prometheus.writer;

/** A write that cannot succeed (auth, endpoint, or the retry limit with {@link RetryLimitBehaviour#FAIL}). */
public final class PrometheusSinkException extends RuntimeException {

    public PrometheusSinkException(String message) {
        super(message);
    }

    public PrometheusSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
