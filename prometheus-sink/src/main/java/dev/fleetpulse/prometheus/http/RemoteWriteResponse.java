package dev.fleetpulse.prometheus.http;

/**
 * What the sink reads of one answer to a remote-write request: its status, its body as text (for the reason of a
 * refusal; at most its first 64 KiB), and its {@code Retry-After} and {@code Date} headers (null when absent).
 */
public record RemoteWriteResponse(int status, String body, String retryAfter, String date) {

    /** An answer without a {@code Date} header. */
    public RemoteWriteResponse(int status, String body, String retryAfter) {
        this(status, body, retryAfter, null);
    }
}
