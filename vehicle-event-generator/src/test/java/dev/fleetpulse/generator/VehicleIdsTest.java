package dev.fleetpulse.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VehicleIdsTest {

    @Test
    void shouldWriteVAndTenDigitsWhenIndexIsSmall() {
        assertThat(VehicleIds.of(12_345)).isEqualTo("V0000012345");
        assertThat(VehicleIds.of(0)).isEqualTo("V0000000000");
    }

    @Test
    void shouldWriteLargestIndexWhenItHasTenDigits() {
        assertThat(VehicleIds.of(9_999_999_999L)).isEqualTo("V9999999999");
    }

    @Test
    void shouldRejectIndexWhenItNeedsElevenDigits() {
        assertThatThrownBy(() -> VehicleIds.of(10_000_000_000L)).isInstanceOf(IllegalArgumentException.class);
    }
}
