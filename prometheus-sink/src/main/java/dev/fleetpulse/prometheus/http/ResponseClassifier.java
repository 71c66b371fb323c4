package dev.fleetpulse.prometheus.http;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Decides what a remote-write response means. Pure functions, so the whole error-handling table is one unit
 * test. Prometheus applies a request all-or-nothing, so a rejection says "something in this request was bad",
 * not which sample: the writer isolates the bad samples by splitting.
 */
public final class ResponseClassifier {

    /** What to do with the request that got this response. */
    public enum Action {
        /** 2xx: written. */
        SUCCESS,
        /** 408, 429, 5xx, network errors: send the same request again after a backoff. */
        RETRY,
        /** 400 and other 4xx, 500 "too old sample": split until the rejected samples are isolated. */
        REJECTED,
        /** 413: split into smaller requests; a single sample that is still too large is rejected. */
        TOO_LARGE,
        /**
         * 403 for a signature with a stale time or an expired session token (AWS): tell the signer, then send the
         * same request again, signed anew.
         */
        RESIGN,
        /** 3xx, 401, 403 (other than {@link #RESIGN}), 404, 405, 407: no request can succeed; fail the job. */
        FATAL
    }

    /** Why an isolated sample was rejected; decides which counter it lands in. */
    public enum Rejection {
        /**
         * Older than the newest sample of its series ({@code out of order sample}): after a restore, a replayed
         * sample the receiver already holds; at any other time, a late reading that is lost. The answer does not
         * tell the two apart.
         */
        OUT_OF_ORDER,
        /**
         * The series already holds another value at that timestamp ({@code duplicate sample for timestamp}): a
         * second, different reading in the same millisecond, which is lost. A faithful replay never gets this answer:
         * the same value at the same timestamp is accepted.
         */
        DUPLICATE,
        /**
         * A timestamp outside the range the receiver takes ({@code out of bounds}, {@code too old sample}, too far
         * in the future): a fault of that one sample, so the others of its request are written.
         */
        OUT_OF_BOUNDS,
        /**
         * Anything else (a label limit, an invalid request, a proxy's error page): the sample is dropped. Such a
         * reason is often the same for every sample, which is why the writer stops splitting a batch whose two
         * halves are both refused with it.
         */
        DROPPED
    }

    private ResponseClassifier() {
    }

    public static Action classify(int status, String body) {
        if (status >= 200 && status < 300) {
            return Action.SUCCESS;
        }
        if (status >= 300 && status < 400) {
            return Action.FATAL;
        }
        if (status == 403 && staleSignatureOf(body) != null) {
            return Action.RESIGN;
        }
        switch (status) {
            case 401, 403, 404, 405, 407:
                return Action.FATAL;
            case 408, 429:
                return Action.RETRY;
            case 413:
                return Action.TOO_LARGE;
            default:
                break;
        }
        if (status >= 500) {
            // Older than the out-of-order window: retrying can never succeed (a naive client loops forever).
            return isTooOld(body) ? Action.REJECTED : Action.RETRY;
        }
        return Action.REJECTED;
    }

    public static Rejection rejectionOf(String body) {
        String text = body == null ? "" : body.toLowerCase(Locale.ROOT);
        if (text.contains("duplicate sample")) {
            return Rejection.DUPLICATE;
        }
        if (text.contains("out of order") || text.contains("out-of-order")) {
            return Rejection.OUT_OF_ORDER;
        }
        if (text.contains("out of bounds") || text.contains("too old") || text.contains("in the future")) {
            return Rejection.OUT_OF_BOUNDS;
        }
        return Rejection.DROPPED;
    }

    /**
     * What a 403 body says was stale about the signature, by the messages and codes of AWS SigV4 services; null when
     * it says something else (a missing permission, a wrong key), which no new signature can change.
     */
    public static StaleSignature.Reason staleSignatureOf(String body) {
        String text = body == null ? "" : body.toLowerCase(Locale.ROOT);
        if (text.contains("expiredtoken") || text.contains("security token included in the request is expired")) {
            return StaleSignature.Reason.EXPIRED_TOKEN;
        }
        if (text.contains("signature expired") || text.contains("signature not yet current")
                || text.contains("requesttimetooskewed")
                || text.contains("difference between the request time and the current time is too large")) {
            return StaleSignature.Reason.CLOCK_SKEW;
        }
        return null;
    }

    /**
     * The receiver's clock minus ours: its {@code Date} header (an HTTP date, whole seconds) less the time we received
     * the answer; empty when the header is absent or unreadable.
     */
    public static OptionalLong clockOffsetMillis(String dateHeader, long receivedAtMillis) {
        if (dateHeader == null || dateHeader.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            long serverMillis = ZonedDateTime.parse(dateHeader.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant().toEpochMilli();
            return OptionalLong.of(serverMillis - receivedAtMillis);
        } catch (DateTimeParseException notADate) {
            return OptionalLong.empty();
        }
    }

    private static boolean isTooOld(String body) {
        return body != null && body.toLowerCase(Locale.ROOT).contains("too old sample");
    }

    /**
     * The wait a {@code Retry-After} header asks for, in milliseconds: delta-seconds or an HTTP date; 0 when
     * absent, unparseable or in the past. A wait too long for a {@code long} (more digits than one holds) is
     * {@link Long#MAX_VALUE}, the longest there is, never 0: the caller compares it with its retry budget.
     */
    public static long retryAfterMillis(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return 0;
        }
        String value = header.trim();
        if (isDigits(value)) {
            try {
                long seconds = Long.parseLong(value);
                return seconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : seconds * 1000;
            } catch (NumberFormatException beyondLong) {
                return Long.MAX_VALUE;
            }
        }
        try {
            // RFC 1123 has four-digit years, so the difference fits a long whatever the date.
            long at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, at - nowMillis);
        } catch (DateTimeParseException notADate) {
            return 0;
        }
    }

    private static boolean isDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
