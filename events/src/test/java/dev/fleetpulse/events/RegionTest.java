package dev.fleetpulse.events;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RegionTest {

    @Test
    void shouldHaveTheTwentyDocumentedRegions() {
        assertThat(Arrays.stream(Region.values()).map(Region::label)).containsExactly(
                "US", "Canada", "Mexico", "UK", "Germany", "France", "Italy", "Spain", "Poland", "Sweden", "Norway",
                "Australia", "New Zealand", "Japan", "Thailand", "Malaysia", "South Africa", "Brazil", "Argentina", "UAE");
    }

    @Test
    void shouldResolveLabelsExactlyAndUnknownOnesToNull() {
        assertThat(Region.fromLabel("South Africa")).isEqualTo(Region.SOUTH_AFRICA);
        assertThat(Region.fromLabel("south africa")).isNull();
        assertThat(Region.fromLabel("Atlantis")).isNull();
    }

    @Test
    void shouldDrawRegionsInProportionToTheirWeightsWithTheUsMostCommon() {
        Random random = new Random(42);
        Map<Region, Integer> counts = new EnumMap<>(Region.class);
        int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            counts.merge(Region.weighted(random.nextDouble()), 1, Integer::sum);
        }

        assertThat(counts).hasSize(20);
        for (Region r : Region.values()) {
            assertThat(counts.get(r) / (double) draws).as(r.label()).isCloseTo(r.share(), within(0.005));
        }
        assertThat(counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey()).isEqualTo(Region.US);
    }

    @Test
    void shouldCoverTheWholeUnitIntervalAndNothingOutsideIt() {
        assertThat(Region.weighted(0.0)).isEqualTo(Region.US);
        assertThat(Region.weighted(Math.nextDown(1.0))).isEqualTo(Region.UAE);
        assertThatThrownBy(() -> Region.weighted(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Region.weighted(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
