package dev.fleetpulse.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimestampsTest {

    @Test
    void shouldTreatValuesBelowTenToTheElevenAsSeconds() {
        assertThat(EventTimestamps.toEpochMillis(1_730_621_749L)).isEqualTo(1_730_621_749_000L);
        assertThat(EventTimestamps.toEpochMillis(99_999_999_999L)).isEqualTo(EventTimestamps.INVALID); // year 5138
    }

    @Test
    void shouldKeepMillisecondsAsTheyAre() {
        assertThat(EventTimestamps.toEpochMillis(1_730_621_749_123L)).isEqualTo(1_730_621_749_123L);
        assertThat(EventTimestamps.toEpochMillis(EventTimestamps.SECONDS_THRESHOLD)).isEqualTo(EventTimestamps.INVALID);
    }

    @Test
    void shouldAcceptExactlyTheYears2000To2099() {
        assertThat(EventTimestamps.toEpochMillis(EventTimestamps.MIN_MILLIS)).isEqualTo(EventTimestamps.MIN_MILLIS);
        assertThat(EventTimestamps.toEpochMillis(EventTimestamps.MIN_MILLIS - 1)).isEqualTo(EventTimestamps.INVALID);
        assertThat(EventTimestamps.toEpochMillis(EventTimestamps.MAX_MILLIS - 1)).isEqualTo(EventTimestamps.MAX_MILLIS - 1);
        assertThat(EventTimestamps.toEpochMillis(EventTimestamps.MAX_MILLIS)).isEqualTo(EventTimestamps.INVALID);
        assertThat(EventTimestamps.toEpochMillis(946_684_800L)).isEqualTo(EventTimestamps.MIN_MILLIS); // 2000-01-01 in s
    }

    @Test
    void shouldRejectZeroAndNegativeValuesWithoutOverflow() {
        assertThat(EventTimestamps.toEpochMillis(0)).isEqualTo(EventTimestamps.INVALID);
        assertThat(EventTimestamps.toEpochMillis(-1)).isEqualTo(EventTimestamps.INVALID);
        assertThat(EventTimestamps.toEpochMillis(Long.MIN_VALUE)).isEqualTo(EventTimestamps.INVALID);
        assertThat(EventTimestamps.toEpochMillis(Long.MAX_VALUE)).isEqualTo(EventTimestamps.INVALID);
    }
}
