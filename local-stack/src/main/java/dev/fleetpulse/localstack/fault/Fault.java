package dev.fleetpulse.localstack.fault;

import java.time.Duration;
import java.util.Map;

/** What {@link FaultInjectingProxy} does with one request. */
public sealed interface Fault {

    /** Forward to the target and relay its answer. */
    static Fault pass() {
        return Pass.INSTANCE;
    }

    /** Answer without forwarding. */
    static Fault respond(int status, String body) {
        return new Respond(status, body, Map.of());
    }

    static Fault respond(int status, String body, Map<String, String> headers) {
        return new Respond(status, body, Map.copyOf(headers));
    }

    /** 429 with {@code Retry-After} in whole seconds, without forwarding. */
    static Fault tooManyRequests(Duration retryAfter) {
        return new Respond(429, "rate limited by fault proxy",
                Map.of("Retry-After", Long.toString(retryAfter.toSeconds())));
    }

    /** Reset the TCP connection (RST) before forwarding: the target never sees the request. */
    static Fault resetBeforeForwarding() {
        return ResetBeforeForwarding.INSTANCE;
    }

    /** Forward, then reset the connection instead of relaying the answer: the target applied the request. */
    static Fault resetAfterForwarding() {
        return ResetAfterForwarding.INSTANCE;
    }

    /** Wait, then forward (a slow receiver or a distant endpoint). */
    static Fault delay(Duration delay) {
        return new Delay(delay);
    }

    /** See {@link #pass()}. */
    enum Pass implements Fault { INSTANCE }

    /** See {@link #resetBeforeForwarding()}. */
    enum ResetBeforeForwarding implements Fault { INSTANCE }

    /** See {@link #resetAfterForwarding()}. */
    enum ResetAfterForwarding implements Fault { INSTANCE }

    /** See {@link #respond(int, String, Map)}. */
    record Respond(int status, String body, Map<String, String> headers) implements Fault {
    }

    /** See {@link #delay(Duration)}. */
    record Delay(Duration delay) implements Fault {
    }
}
