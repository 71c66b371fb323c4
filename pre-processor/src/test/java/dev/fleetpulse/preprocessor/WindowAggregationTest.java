package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.Region;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.fleetpulse.preprocessor.TestEvents.AURORA;
import static dev.fleetpulse.preprocessor.TestEvents.AURORA_1;
import static dev.fleetpulse.preprocessor.TestEvents.AURORA_2;
import static dev.fleetpulse.preprocessor.TestEvents.BOREALIS;
import static dev.fleetpulse.preprocessor.TestEvents.BOREALIS_1;
import static dev.fleetpulse.preprocessor.TestEvents.END_OF_FIRST_WINDOW;
import static dev.fleetpulse.preprocessor.TestEvents.FIVE_SECONDS;
import static dev.fleetpulse.preprocessor.TestEvents.T0;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_10S;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_1S;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_2S;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_3S;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_5S;
import static dev.fleetpulse.preprocessor.TestEvents.T0_PLUS_6S;
import static dev.fleetpulse.preprocessor.TestEvents.engineRpm;
import static dev.fleetpulse.preprocessor.TestEvents.in;
import static dev.fleetpulse.preprocessor.TestEvents.motorRpm;
import static dev.fleetpulse.preprocessor.TestEvents.uk;
import static dev.fleetpulse.preprocessor.TestEvents.warnings;
import static org.assertj.core.api.Assertions.assertThat;

/** The window semantics of DESIGN section 5, through both aggregation stages as they run in the job. */
class WindowAggregationTest {

    private static final VehicleActivity MOVED = new VehicleActivity(true, VehicleActivity.NO_WARNING, 0);

    private AggregationHarness harness;

    @BeforeEach
    void openHarness() throws Exception {
        harness = AggregationHarness.open(FIVE_SECONDS);
    }

    @AfterEach
    void closeHarness() throws Exception {
        harness.close();
    }

    @Test
    void shouldCountVehicleOnceWhenItReportsManyTimes() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 1200), engineRpm(AURORA_1, T0_PLUS_1S, 1500),
                motorRpm(AURORA_1, T0_PLUS_2S, 900));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));
    }

    @Test
    void shouldCountEveryDistinctMovingVehicleOfTheSameModelAndRegion() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 1200), motorRpm(AURORA_2, T0_PLUS_1S, 3000));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 2, 0));
    }

    @Test
    void shouldNotCountVehicleAsMovingWhenItsOnlyRpmIsZero() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 0), motorRpm(AURORA_1, T0_PLUS_1S, 0));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 0, 0));
    }

    @Test
    void shouldCountVehicleAsMovingWhenZeroAndNonZeroRpmAreMixed() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 0), engineRpm(AURORA_1, T0_PLUS_1S, 800), engineRpm(AURORA_1, T0_PLUS_2S, 0));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));
    }

    @Test
    void shouldCountVehicleAsMovingWhenElectricRpmIsNegative() throws Exception {
        harness.send(motorRpm(AURORA_1, T0_PLUS_1S, -450));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));
    }

    @Test
    void shouldSumEachVehiclesLatestWarningCountWhenReportsArriveOutOfOrder() throws Exception {
        harness.send(warnings(AURORA_1, T0_PLUS_3S, 2), warnings(AURORA_1, T0, 5),
                warnings(AURORA_2, T0_PLUS_1S, 1), warnings(AURORA_2, T0_PLUS_2S, 3));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 0, 2 + 3));
    }

    @Test
    void shouldTakeTheLargerCountWhenTwoWarningReportsHaveTheSameTime() throws Exception {
        harness.send(warnings(AURORA_1, T0_PLUS_2S, 4), warnings(AURORA_1, T0_PLUS_2S, 1));
        harness.send(warnings(AURORA_2, T0_PLUS_2S, 1), warnings(AURORA_2, T0_PLUS_2S, 4));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 0, 4 + 4));
    }

    @Test
    void shouldCountALatestWarningCountOfZeroAsZero() throws Exception {
        harness.send(warnings(AURORA_1, T0, 3), warnings(AURORA_1, T0_PLUS_1S, 0), engineRpm(AURORA_1, T0_PLUS_2S, 700));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));
    }

    @Test
    void shouldEmitZeroesWhenModelAndRegionHadEventsButNothingMovedOrWasLit() throws Exception {
        harness.send(engineRpm(BOREALIS_1, T0, 0), warnings(BOREALIS_1, T0_PLUS_1S, 0),
                engineRpm(AURORA_1, T0_PLUS_1S, 1000));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactlyInAnyOrder(
                new WindowAggregate(uk(BOREALIS, T0_PLUS_5S), 0, 0),
                new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));
    }

    @Test
    void shouldAggregateEachRegionSeparately() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 1000), in(Region.JAPAN, engineRpm(AURORA_2, T0, 1000)),
                in(Region.JAPAN, warnings(AURORA_2, T0_PLUS_1S, 2)));
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactlyInAnyOrder(
                new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0),
                new WindowAggregate(new AggregateKey(AURORA, Region.JAPAN, T0_PLUS_5S), 1, 2));
    }

    @Test
    void shouldPutAnEventExactlyOnTheBoundaryIntoTheNextWindow() throws Exception {
        harness.send(engineRpm(AURORA_1, END_OF_FIRST_WINDOW, 0), engineRpm(AURORA_1, T0_PLUS_5S, 1000));
        harness.watermark(T0_PLUS_10S - 1);

        assertThat(harness.results()).containsExactly(
                new WindowAggregate(uk(AURORA, T0_PLUS_5S), 0, 0),
                new WindowAggregate(uk(AURORA, T0_PLUS_10S), 1, 0));
    }

    @Test
    void shouldNotFireBeforeTheWatermarkReachesTheLastMillisecondOfTheWindow() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 1000));
        harness.watermark(END_OF_FIRST_WINDOW - 1);

        assertThat(harness.results()).isEmpty();
    }

    @Test
    void shouldStampTheResultWithTheWindowsLastMillisecondAndCarryTheWindowEndInItsKey() throws Exception {
        harness.send(engineRpm(AURORA_1, T0_PLUS_1S, 1000));
        harness.watermark(END_OF_FIRST_WINDOW);

        StreamRecord<? extends WindowAggregate> result = harness.resultRecords().get(0);
        assertThat(result.getTimestamp()).isEqualTo(END_OF_FIRST_WINDOW);
        assertThat(result.getValue().key().windowEnd()).isEqualTo(T0_PLUS_5S);
    }

    @Test
    void shouldLeaveNoStateAndNoTimersWhenTheWindowHasFired() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 1000), warnings(AURORA_2, T0_PLUS_1S, 2), engineRpm(BOREALIS_1, T0, 5));
        assertThat(harness.merge.numKeyedStateEntries()).isEqualTo(0); // still in the pre-aggregator
        harness.checkpointBarrier(1);
        assertThat(harness.merge.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.merge.numEventTimeTimers()).isEqualTo(2);

        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).hasSize(2);
        assertThat(harness.merge.numKeyedStateEntries()).isZero();
        assertThat(harness.merge.numEventTimeTimers()).isZero();
    }

    @Test
    void shouldGiveTheSameResultWhenPartialsAreEmittedEarlyAtCheckpoints() throws Exception {
        try (AggregationHarness uninterrupted = AggregationHarness.open(FIVE_SECONDS)) {
            uninterrupted.send(warnings(AURORA_1, T0_PLUS_2S, 3), engineRpm(AURORA_1, T0, 0));
            uninterrupted.send(warnings(AURORA_1, T0_PLUS_1S, 5), engineRpm(AURORA_1, T0_PLUS_3S, 900));
            uninterrupted.send(warnings(AURORA_2, T0_PLUS_1S, 1), engineRpm(AURORA_2, T0_PLUS_1S, 0));
            uninterrupted.watermark(END_OF_FIRST_WINDOW);

            harness.send(warnings(AURORA_1, T0_PLUS_2S, 3), engineRpm(AURORA_1, T0, 0));
            harness.checkpointBarrier(1);
            harness.send(warnings(AURORA_1, T0_PLUS_1S, 5), engineRpm(AURORA_1, T0_PLUS_3S, 900));
            harness.checkpointBarrier(2);
            harness.send(warnings(AURORA_2, T0_PLUS_1S, 1), engineRpm(AURORA_2, T0_PLUS_1S, 0));
            harness.watermark(END_OF_FIRST_WINDOW);

            assertThat(harness.partials()).hasSize(3);
            assertThat(harness.results())
                    .containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 3 + 1))
                    .isEqualTo(uninterrupted.results());
        }
    }

    @Test
    void shouldGiveTheSameResultWhenPartialsAreReplayed() throws Exception {
        harness.send(warnings(AURORA_1, T0_PLUS_2S, 3), engineRpm(AURORA_1, T0_PLUS_1S, 900));
        harness.checkpointBarrier(1);
        VehicleWindowPartial emitted = harness.partials().get(0);

        harness.merge.processElement(emitted, END_OF_FIRST_WINDOW);
        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 3));
    }

    @Test
    void shouldFireEachWindowOnceWhenSeveralAreOpen() throws Exception {
        harness.send(engineRpm(AURORA_1, T0_PLUS_6S, 1000), engineRpm(AURORA_1, T0_PLUS_3S, 1000),
                engineRpm(AURORA_2, T0_PLUS_6S, 0));
        harness.watermark(END_OF_FIRST_WINDOW);
        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));

        harness.watermark(T0_PLUS_10S - 1);
        assertThat(harness.results()).containsExactly(
                new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0),
                new WindowAggregate(uk(AURORA, T0_PLUS_10S), 1, 0));
    }

    @Test
    void shouldMergeAVehiclesPartialsFromBeforeAndAfterARestoreAndFireOnce() throws Exception {
        AggregateKey key = uk(AURORA, T0_PLUS_5S);
        OperatorSubtaskState checkpoint;
        try (var beforeFailure = mergeStage()) {
            beforeFailure.open();
            beforeFailure.processElement(new VehicleWindowPartial(key, AURORA_1, MOVED), END_OF_FIRST_WINDOW);
            checkpoint = beforeFailure.snapshot(1, END_OF_FIRST_WINDOW);
        }

        try (var restored = mergeStage()) {
            restored.initializeState(checkpoint);
            restored.open();
            restored.processElement(new VehicleWindowPartial(key, AURORA_1, new VehicleActivity(false, T0_PLUS_2S, 4)),
                    END_OF_FIRST_WINDOW);
            restored.processElement(new VehicleWindowPartial(key, AURORA_2, new VehicleActivity(false, T0_PLUS_1S, 1)),
                    END_OF_FIRST_WINDOW);
            assertThat(restored.numEventTimeTimers()).isEqualTo(1);
            restored.processWatermark(new Watermark(END_OF_FIRST_WINDOW));

            assertThat(restored.extractOutputValues()).containsExactly(new WindowAggregate(key, 1, 4 + 1));
            assertThat(restored.numKeyedStateEntries()).isZero();
            assertThat(restored.numEventTimeTimers()).isZero();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<AggregateKey, VehicleWindowPartial, WindowAggregate>
            mergeStage() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowAggregator()),
                VehicleWindowPartial::key, TypeInformation.of(AggregateKey.class));
    }
}
