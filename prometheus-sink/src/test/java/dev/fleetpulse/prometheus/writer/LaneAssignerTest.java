package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LaneAssignerTest {

    private static TimeSeries vehicle(int i) {
        return TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", String.format("V%010d", i))
                .label("region", "UK").sample(i, 1_730_621_750_000L + i).build();
    }

    @Test
    void shouldPutEverySampleOfASeriesInTheSameLane() {
        LaneAssigner assigner = new LaneAssigner(4);
        TimeSeries first = vehicle(17);
        TimeSeries laterSampleOfSameSeries = TimeSeries.builder("vehicle_ic_rpm").label("region", "UK")
                .label("vehicle_id", "V0000000017").sample(99, 1_730_621_799_000L).build();

        assertThat(assigner.laneOf(laterSampleOfSameSeries)).isEqualTo(assigner.laneOf(first));
        assertThat(new LaneAssigner(4).laneOf(first)).isEqualTo(assigner.laneOf(first));
    }

    @Test
    void shouldSpreadSeriesEvenlyOverLanes() {
        LaneAssigner assigner = new LaneAssigner(4);
        int[] perLane = new int[4];
        for (int i = 0; i < 20_000; i++) {
            perLane[assigner.laneOf(vehicle(i))]++;
        }

        for (int count : perLane) {
            assertThat(count).isBetween(4_500, 5_500);
        }
    }

    @Test
    void shouldSpreadEvenTheSeriesOfOneFlinkKeyGroupOverLanes() {
        // The series a subtask sees share their Flink key-group hash bits; lanes must not depend on those.
        LaneAssigner assigner = new LaneAssigner(4);
        int[] perLane = new int[4];
        int seen = 0;
        for (int i = 0; seen < 4_000; i++) {
            TimeSeries series = vehicle(i);
            int keyGroup = org.apache.flink.util.MathUtils.murmurHash(series.seriesKey().hashCode()) % 128;
            if (keyGroup < 64) {
                perLane[assigner.laneOf(series)]++;
                seen++;
            }
        }

        for (int count : perLane) {
            assertThat(count).isBetween(800, 1_200);
        }
    }

    @Test
    void shouldUseTheOnlyLaneWhenThereIsOne() {
        LaneAssigner assigner = new LaneAssigner(1);

        for (int i = 0; i < 100; i++) {
            assertThat(assigner.laneOf(vehicle(i))).isZero();
        }
    }
}
