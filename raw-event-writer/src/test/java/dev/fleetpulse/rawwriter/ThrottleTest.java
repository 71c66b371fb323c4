package dev.fleetpulse.rawwriter;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ThrottleTest {

    private static final long MS = 1_000_000L;

    /** A clock the test moves by hand. */
    private long now = 1_000 * MS;

    @Test
    void shouldLetTheFirstRecordGoAtOnceAndSpaceTheNextOnesByTheInterval() {
        Throttle.Pacer pacer = new Throttle.Pacer(100, () -> now); // one every 10 ms

        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(10 * MS);
        assertThat(pacer.reserve()).isEqualTo(20 * MS);
    }

    @Test
    void shouldNotMakeARecordWaitWhenItsSlotHasPassed() {
        Throttle.Pacer pacer = new Throttle.Pacer(100, () -> now);
        pacer.reserve();

        now += 15 * MS;

        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(5 * MS); // the schedule holds: slots at 10, 20 ms
    }

    @Test
    void shouldNotBurstToCatchUpAfterALongPause() {
        Throttle.Pacer pacer = new Throttle.Pacer(100, () -> now);
        pacer.reserve();

        now += 10_000 * MS; // the job was backpressured by the sink for 10 s

        assertThat(pacer.reserve()).isZero();
        assertThat(pacer.reserve()).isEqualTo(10 * MS);
    }

    @Test
    void shouldPaceAMillionPerSecondWithoutRoundingToZero() {
        Throttle.Pacer pacer = new Throttle.Pacer(1_000_000, () -> now);

        pacer.reserve();

        assertThat(pacer.reserve()).isEqualTo(1_000L);
    }

    @Test
    void shouldRejectALimitThatIsNotPositive() {
        assertThatThrownBy(() -> new Throttle<String>(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limitPerSecond must be > 0");
    }
}
