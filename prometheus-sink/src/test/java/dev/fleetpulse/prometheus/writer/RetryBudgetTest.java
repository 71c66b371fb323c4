package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.http.ResponseClassifier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    private static final long NOW = 1_730_621_750_000L;
    private static final long TWO_SECONDS_IN_NANOS = 2_000_000_000L;
    private final RetryBudget budget = new RetryBudget(3, Duration.ofMinutes(10));

    @Test
    void shouldAllowRetriesUpToTheCountWithinTheDuration() {
        assertThat(budget.allows(1, 0, 100)).isTrue();
        assertThat(budget.allows(3, TWO_SECONDS_IN_NANOS, 100)).isTrue();
        assertThat(budget.allows(4, TWO_SECONDS_IN_NANOS, 100)).isFalse();
    }

    @Test
    void shouldAllowAWaitThatEndsExactlyAtTheEndOfTheDuration() {
        assertThat(budget.remainingMillis(TWO_SECONDS_IN_NANOS)).isEqualTo(598_000);
        assertThat(budget.allows(1, TWO_SECONDS_IN_NANOS, 598_000)).isTrue();
        assertThat(budget.allows(1, TWO_SECONDS_IN_NANOS, 598_001)).isFalse();
    }

    @Test
    void shouldRefuseRetryAfterBeyondTheBudgetInSecondsWithoutOverflow() {
        long retryAfter = ResponseClassifier.retryAfterMillis("9223372036854775807", NOW);

        assertThat(budget.allows(1, TWO_SECONDS_IN_NANOS, retryAfter)).isFalse();
        assertThat(budget.allows(1, Long.MAX_VALUE, retryAfter)).isFalse();
    }

    @Test
    void shouldRefuseRetryAfterAsAnHttpDateInTheYear9999() {
        long retryAfter = ResponseClassifier.retryAfterMillis("Fri, 31 Dec 9999 23:59:59 GMT", NOW);

        assertThat(retryAfter).isEqualTo(Instant.parse("9999-12-31T23:59:59Z").toEpochMilli() - NOW);
        assertThat(budget.allows(1, TWO_SECONDS_IN_NANOS, retryAfter)).isFalse();
    }

    @Test
    void shouldHaveNothingLeftOnceTheDurationHasPassed() {
        assertThat(budget.remainingMillis(Duration.ofMinutes(11).toNanos())).isZero();
        assertThat(budget.allows(1, Duration.ofMinutes(11).toNanos(), 0)).isFalse();
    }

    @Test
    void shouldTakeADurationBeyondTheRangeOfLongAsUnbounded() {
        RetryBudget unbounded = new RetryBudget(Integer.MAX_VALUE, Duration.ofSeconds(Long.MAX_VALUE));

        assertThat(unbounded.allows(1_000_000, Long.MAX_VALUE, Long.MAX_VALUE / 2)).isTrue();
    }
}
