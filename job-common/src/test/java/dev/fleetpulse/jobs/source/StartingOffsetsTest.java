package dev.fleetpulse.jobs.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartingOffsetsTest {

    @Test
    void shouldParseEveryModeIgnoringCase() {
        assertThat(StartingOffsets.parse("committed-or-latest")).isEqualTo(StartingOffsets.DEFAULT);
        assertThat(StartingOffsets.parse(" Earliest ").mode()).isEqualTo(StartingOffsets.Mode.EARLIEST);
        assertThat(StartingOffsets.parse("LATEST").mode()).isEqualTo(StartingOffsets.Mode.LATEST);
        assertThat(StartingOffsets.parse("timestamp:1730621749000"))
                .isEqualTo(new StartingOffsets(StartingOffsets.Mode.TIMESTAMP, 1_730_621_749_000L));
    }

    @Test
    void shouldExplainWhatIsAcceptedWhenTheModeIsUnknown() {
        assertThatThrownBy(() -> StartingOffsets.parse("committed"))
                .hasMessage("must be committed-or-latest, earliest, latest or timestamp:<epoch ms>, was 'committed'");
    }

    @Test
    void shouldRejectATimestampThatIsNotEpochMillis() {
        assertThatThrownBy(() -> StartingOffsets.parse("timestamp:2024-11-03"))
                .hasMessageContaining("must be epoch milliseconds");
        assertThatThrownBy(() -> StartingOffsets.parse("timestamp:-5"))
                .hasMessageContaining("must be epoch milliseconds");
    }

    @Test
    void shouldShowATimestampAlsoAsAnInstant() {
        assertThat(StartingOffsets.parse("timestamp:0")).hasToString("timestamp:0 (1970-01-01T00:00:00Z)");
    }
}
