package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class FutureSampleBoundTest {

    private static final long T0 = 1_730_621_750_000L;
    private static final Duration SKEW = Duration.ofMinutes(10);
    private static final long T0_PLUS_SKEW = T0 + SKEW.toMillis();

    private final AtomicLong now = new AtomicLong(T0);
    private final AtomicInteger clockReads = new AtomicInteger();
    private final FutureSampleBound bound = new FutureSampleBound(SKEW, () -> {
        clockReads.incrementAndGet();
        return now.get();
    });

    @Test
    void shouldAcceptEverySampleUpToNowPlusTheSkew() {
        assertThat(bound.acceptedEnd(series(T0 - 1000, T0, T0_PLUS_SKEW))).isEqualTo(3);
    }

    @Test
    void shouldCutASeriesBeforeItsFirstSampleLaterThanNowPlusTheSkew() {
        assertThat(bound.acceptedEnd(series(T0, T0_PLUS_SKEW, T0_PLUS_SKEW + 1, T0_PLUS_SKEW + 2))).isEqualTo(2);
        assertThat(bound.acceptedEnd(series(T0_PLUS_SKEW + 1))).isZero();
    }

    @Test
    void shouldNotReadTheClockForSamplesUnderTheBound() {
        int readsAtStart = clockReads.get();

        for (int i = 0; i < 1000; i++) {
            bound.acceptedEnd(series(T0 + i));
        }

        assertThat(clockReads.get()).isEqualTo(readsAtStart);
    }

    @Test
    void shouldReadTheClockAgainBeforeRefusingASampleOverAStaleBound() {
        now.set(T0 + Duration.ofHours(1).toMillis());

        assertThat(bound.acceptedEnd(series(T0 + Duration.ofMinutes(65).toMillis()))).isEqualTo(1);
        assertThat(bound.acceptedEnd(series(T0 + Duration.ofMinutes(71).toMillis()))).isZero();
    }

    @Test
    void shouldRefuseASampleDated2090() {
        assertThat(bound.acceptedEnd(series(T0, 3_786_825_600_000L))).isEqualTo(1);
    }

    @Test
    void shouldSaturateASkewOfCenturies() {
        FutureSampleBound lenient = new FutureSampleBound(Duration.ofSeconds(Long.MAX_VALUE), () -> T0);

        assertThat(lenient.acceptedEnd(series(T0, Long.MAX_VALUE))).isEqualTo(2);
    }

    private static TimeSeries series(long... timestamps) {
        TimeSeries.Builder builder = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V0000000001");
        for (int i = 0; i < timestamps.length; i++) {
            builder.sample(i, timestamps[i]);
        }
        return builder.build();
    }
}
