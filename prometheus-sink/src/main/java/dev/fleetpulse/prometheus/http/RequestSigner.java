package dev.fleetpulse.prometheus.http;

import java.io.Serializable;

/**
 * Adds authentication headers to every remote-write request (SPI). The sink calls {@link #sign} for every
 * attempt, retries included, with a fresh request each time, so time-bound signatures (AWS SigV4) never go
 * stale on a retry.
 *
 * <p>An instance is built on the client, serialized with the job graph, and opened once per sink writer on the
 * task manager. Create credential providers, HTTP clients and other non-serializable resources in
 * {@link #open()}, never in the constructor, and keep them in transient fields.
 */
public interface RequestSigner extends Serializable {

    /** Called once per writer on the task manager before the first request. */
    default void open() throws Exception {
    }

    /**
     * Adds headers to the request. Called on a sink thread for every attempt; must not block for long (fetch
     * and cache credentials ahead of time where possible). An exception counts as a failed attempt and is
     * retried like a network error.
     */
    void sign(SignableRequest request);

    /**
     * Called on the task thread when the receiver refused an attempt as signed with a stale time or an expired
     * session token, before the sink retries it (signing it again). A signer whose signatures carry a time can sign
     * on the receiver's clock from now on, and one with session credentials can refresh them. The sink fails the job
     * when one request is refused this way a fourth time.
     */
    default void onStaleSignature(StaleSignature staleSignature) {
    }

    /** Called once when the writer closes. */
    default void close() {
    }
}
