package dev.fleetpulse.localstack;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PortsTest {

    @Test
    void shouldNeverHandOutTheSamePortTwiceInARow() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add(Ports.freePort())).as("call %d", i).isTrue();
        }
    }

    @Test
    void shouldReserveEveryPortOfARange() {
        int first = Ports.freeRange(3);
        Set<Integer> range = Set.of(first, first + 1, first + 2);

        for (int i = 0; i < 200; i++) {
            assertThat(range).doesNotContain(Ports.freePort());
        }
    }

    /** The kernel gives ephemeral ports to outgoing connections and port-0 listeners at any time; ours avoid them. */
    @Test
    void shouldHandOutPortsBelowTheEphemeralRange() {
        assertThat(Ports.EPHEMERAL_START).isGreaterThan(Ports.LOWEST + 1000);
        for (int i = 0; i < 200; i++) {
            assertThat(Ports.freePort()).isBetween(Ports.LOWEST, Ports.EPHEMERAL_START - 1);
        }
        int first = Ports.freeRange(3);
        assertThat(first + 2).isLessThan(Ports.EPHEMERAL_START);
    }

    @Test
    void shouldRejectAnEmptyRange() {
        assertThatThrownBy(() -> Ports.freeRange(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
