package dev.fleetpulse.prometheus.http;

import java.util.OptionalLong;

/**
 * Why a receiver refused an attempt as signed with a stale time or an expired session token (AWS answers 403
 * {@code Signature expired}, {@code Signature not yet current}, {@code RequestTimeTooSkewed}, {@code ExpiredToken}),
 * and what the answer told about the receiver's clock. The sink gives it to {@link RequestSigner#onStaleSignature}
 * before it retries: the retry is signed anew, and a signer can sign it on the receiver's time or with fresh
 * credentials.
 *
 * @param reason what was stale
 * @param clockOffsetMillis the receiver's clock minus ours, from the answer's {@code Date} header (one-second
 *     resolution); empty when the answer had none
 */
public record StaleSignature(Reason reason, OptionalLong clockOffsetMillis) {

    /** What the receiver found stale. */
    public enum Reason {
        /** The signing time is outside the receiver's window (about five minutes): our clock is off. */
        CLOCK_SKEW,
        /** The session token the signature carries has expired. */
        EXPIRED_TOKEN
    }
}
