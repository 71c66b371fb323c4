package dev.fleetpulse.prometheus.writer;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffPolicyTest {

    private final BackoffPolicy policy =
            new BackoffPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom(7));

    @Test
    void shouldDoubleFromInitialUntilCapped() {
        assertThat(policy.cappedMillis(1)).isEqualTo(100);
        assertThat(policy.cappedMillis(2)).isEqualTo(200);
        assertThat(policy.cappedMillis(6)).isEqualTo(3200);
        assertThat(policy.cappedMillis(7)).isEqualTo(5000);
    }

    @Test
    void shouldJitterWithinHalfToFullOfTheCappedDelay() {
        for (int i = 0; i < 1000; i++) {
            assertThat(policy.delayMillis(1)).isBetween(50L, 100L);
            assertThat(policy.delayMillis(3)).isBetween(200L, 400L);
        }
    }

    @Test
    void shouldNotOverflowAtHighAttemptCounts() {
        for (int attempt : new int[] {62, 63, 64, 65, 100, 10_000, Integer.MAX_VALUE}) {
            assertThat(policy.cappedMillis(attempt)).as("attempt %d", attempt).isEqualTo(5000);
            assertThat(policy.delayMillis(attempt)).as("attempt %d", attempt).isBetween(2500L, 5000L);
        }
    }

    @Test
    void shouldNotOverflowWithHugeDurations() {
        BackoffPolicy huge = new BackoffPolicy(Duration.ofDays(365), Duration.ofDays(365 * 1000L),
                new SplittableRandom(7));

        assertThat(huge.cappedMillis(10_000)).isEqualTo(Duration.ofDays(365 * 1000L).toMillis());
        assertThat(huge.delayMillis(40)).isPositive();
    }
}
