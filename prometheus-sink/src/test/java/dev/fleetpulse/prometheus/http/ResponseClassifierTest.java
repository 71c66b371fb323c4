package dev.fleetpulse.prometheus.http;

import dev.fleetpulse.prometheus.http.ResponseClassifier.Action;
import dev.fleetpulse.prometheus.http.ResponseClassifier.Rejection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseClassifierTest {

    private static final long NOW = 1_730_621_750_000L;

    @ParameterizedTest(name = "HTTP {0} ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            200 |                                  | SUCCESS
            204 |                                  | SUCCESS
            301 | moved                            | FATAL
            400 | out of order sample              | REJECTED
            400 | duplicate sample for timestamp   | REJECTED
            400 | out of bounds                    | REJECTED
            400 | snappy: corrupt input            | REJECTED
            401 | unauthorized                     | FATAL
            403 | forbidden                        | FATAL
            403 | '{"message":"User: arn:aws:iam::123456789012:user/x is not authorized to perform: aps:RemoteWrite"}' | FATAL
            403 | '{"message":"Signature expired: 20261205T070000Z is now earlier than 20261205T071000Z (20261205T071500Z - 5 min.)"}' | RESIGN
            403 | '{"message":"Signature not yet current: 20261205T080000Z is still later than 20261205T073000Z (20261205T071500Z + 15 min.)"}' | RESIGN
            403 | <Error><Code>RequestTimeTooSkewed</Code></Error> | RESIGN
            403 | '{"message":"The security token included in the request is expired"}' | RESIGN
            403 | <Error><Code>ExpiredToken</Code></Error> | RESIGN
            404 | 404 page not found               | FATAL
            405 | method not allowed               | FATAL
            407 | proxy authentication required    | FATAL
            408 | request timeout                  | RETRY
            409 | conflict                         | REJECTED
            413 | request entity too large         | TOO_LARGE
            422 | unprocessable                    | REJECTED
            429 | too many requests                | RETRY
            500 | internal error                   | RETRY
            500 | too old sample                   | REJECTED
            502 | bad gateway                      | RETRY
            503 | service unavailable              | RETRY
            504 | gateway timeout                  | RETRY
            """)
    void shouldClassifyEveryStatus(int status, String body, Action expected) {
        assertThat(ResponseClassifier.classify(status, body)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            out of order sample                                   | OUT_OF_ORDER
            out-of-order sample                                   | OUT_OF_ORDER
            duplicate sample for timestamp                        | DUPLICATE
            too old sample                                        | OUT_OF_BOUNDS
            out of bounds                                         | OUT_OF_BOUNDS
            sample timestamp too far in the future                | OUT_OF_BOUNDS
            snappy: corrupt input                                 | DROPPED
            series has too many labels                            | DROPPED
            """)
    void shouldTellOutOfOrderFromDuplicateFromDroppedSamples(String body, Rejection expected) {
        assertThat(ResponseClassifier.rejectionOf(body)).isEqualTo(expected);
    }

    @Test
    void shouldTellAStaleSigningTimeFromAnExpiredToken() {
        assertThat(ResponseClassifier.staleSignatureOf("{\"message\":\"Signature expired: 20261205T070000Z is now"
                + " earlier than 20261205T071000Z (20261205T071500Z - 5 min.)\"}"))
                .isEqualTo(StaleSignature.Reason.CLOCK_SKEW);
        assertThat(ResponseClassifier.staleSignatureOf("{\"message\":\"The security token included in the request"
                + " is expired\"}")).isEqualTo(StaleSignature.Reason.EXPIRED_TOKEN);
        assertThat(ResponseClassifier.staleSignatureOf("{\"message\":\"Missing Authentication Token\"}")).isNull();
    }

    @Test
    void shouldMeasureTheReceiversClockFromItsDateHeader() {
        // NOW is 2024-11-03T08:15:50Z; the receiver says 08:35:50, twenty minutes ahead.
        assertThat(ResponseClassifier.clockOffsetMillis("Sun, 03 Nov 2024 08:35:50 GMT", NOW))
                .hasValue(Duration.ofMinutes(20).toMillis());
        assertThat(ResponseClassifier.clockOffsetMillis(null, NOW)).isEmpty();
        assertThat(ResponseClassifier.clockOffsetMillis("yesterday", NOW)).isEmpty();
    }

    @Test
    void shouldReadRetryAfterInSeconds() {
        assertThat(ResponseClassifier.retryAfterMillis("3", NOW)).isEqualTo(3000);
        assertThat(ResponseClassifier.retryAfterMillis(" 0 ", NOW)).isZero();
        assertThat(ResponseClassifier.retryAfterMillis("9223372036854775807", NOW)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldReadRetryAfterBeyondTheRangeOfLongAsTheLongestWait() {
        assertThat(ResponseClassifier.retryAfterMillis("99999999999999999999", NOW)).isEqualTo(Long.MAX_VALUE);
        assertThat(ResponseClassifier.retryAfterMillis("9223372036854776", NOW)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldReadRetryAfterInTheYear9999WithoutOverflow() {
        long expected = java.time.Instant.parse("9999-12-31T23:59:59Z").toEpochMilli() - NOW;

        assertThat(ResponseClassifier.retryAfterMillis("Fri, 31 Dec 9999 23:59:59 GMT", NOW)).isEqualTo(expected);
    }

    @Test
    void shouldReadRetryAfterAsHttpDate() {
        // NOW is 2024-11-03T08:15:50Z.
        assertThat(ResponseClassifier.retryAfterMillis("Sun, 3 Nov 2024 08:16:00 GMT", NOW)).isEqualTo(10_000);
        assertThat(ResponseClassifier.retryAfterMillis("Sun, 3 Nov 2024 08:00:00 GMT", NOW)).isZero();
    }

    @Test
    void shouldIgnoreMissingOrUnreadableRetryAfter() {
        assertThat(ResponseClassifier.retryAfterMillis(null, NOW)).isZero();
        assertThat(ResponseClassifier.retryAfterMillis("soon", NOW)).isZero();
    }
}
