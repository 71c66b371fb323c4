package dev.fleetpulse.localstack.fault;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A request as {@link FaultInjectingProxy} received it, byte for byte, and what the client got back.
 *
 * @param number 1-based arrival order
 * @param receivedAt when the proxy had read the whole request
 * @param headers header names as sent, each with its values in order
 * @param fault what the plan decided
 * @param status the status the client received, or -1 when the connection was reset
 */
public record RecordedRequest(long number, Instant receivedAt, String method, String path,
        Map<String, List<String>> headers, byte[] body, Fault fault, int status) {

    /** The first value of a header, matched case-insensitively. */
    public Optional<String> header(String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return headers.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(wanted) && !e.getValue().isEmpty())
                .map(e -> e.getValue().get(0))
                .findFirst();
    }

    RecordedRequest withOutcome(Fault decided, int answeredStatus) {
        return new RecordedRequest(number, receivedAt, method, path, headers, body, decided, answeredStatus);
    }
}
