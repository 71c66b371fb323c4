package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEventJson;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static dev.fleetpulse.preprocessor.TestEvents.AURORA;
import static dev.fleetpulse.preprocessor.TestEvents.AURORA_1;
import static dev.fleetpulse.preprocessor.TestEvents.AURORA_2;
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
import static org.awaitility.Awaitility.await;

/** The pre-aggregation before the shuffle: what it emits, when, and what it does with late events. */
class VehicleWindowPreAggregatorTest {

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
    void shouldEmitOnePartialPerVehicleWhenTheWatermarkClosesItsWindow() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 0), engineRpm(AURORA_1, T0_PLUS_1S, 800),
                warnings(AURORA_1, T0_PLUS_2S, 2), warnings(AURORA_1, T0_PLUS_1S, 4));
        assertThat(harness.partials()).isEmpty();

        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.partials()).containsExactly(new VehicleWindowPartial(
                uk(AURORA, T0_PLUS_5S), AURORA_1, new VehicleActivity(true, T0_PLUS_2S, 2)));
    }

    @Test
    void shouldEmitThePartialsOfAWindowBeforeTheWatermarkThatClosesIt() throws Exception {
        List<Object> output = new ArrayList<>();
        try (var preAggregation = new OneInputStreamOperatorTestHarness<>(
                new VehicleWindowPreAggregator(FIVE_SECONDS, ModelCatalogSource.derived(), "pre-processor"))) {
            preAggregation.open();
            preAggregation.processElement(engineRpm(AURORA_1, T0, 900), T0);
            preAggregation.processWatermark(new Watermark(END_OF_FIRST_WINDOW));
            output.addAll(preAggregation.getOutput());
        }

        assertThat(output).hasSize(2);
        assertThat(output.get(0)).isInstanceOf(StreamRecord.class);
        assertThat(output.get(1)).isEqualTo(new Watermark(END_OF_FIRST_WINDOW));
    }

    @Test
    void shouldKeepLaterWindowsOpenWhenTheWatermarkClosesAnEarlierOne() throws Exception {
        harness.send(engineRpm(AURORA_1, T0_PLUS_6S, 900), engineRpm(AURORA_1, T0_PLUS_3S, 0));

        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.partials()).containsExactly(new VehicleWindowPartial(
                uk(AURORA, T0_PLUS_5S), AURORA_1, new VehicleActivity(false, VehicleActivity.NO_WARNING, 0)));
    }

    @Test
    void shouldEmitEveryOpenPartialBeforeACheckpointBarrierAndKeepNothing() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 900), engineRpm(AURORA_2, T0_PLUS_6S, 0));

        harness.checkpointBarrier(7);

        assertThat(harness.partials()).containsExactlyInAnyOrder(
                new VehicleWindowPartial(uk(AURORA, T0_PLUS_5S), AURORA_1,
                        new VehicleActivity(true, VehicleActivity.NO_WARNING, 0)),
                new VehicleWindowPartial(uk(AURORA, T0_PLUS_10S), AURORA_2,
                        new VehicleActivity(false, VehicleActivity.NO_WARNING, 0)));
        harness.watermark(T0_PLUS_10S);
        assertThat(harness.partials()).hasSize(2);
        // Its only state is the health counts: the open partials went downstream before the barrier.
        assertThat(harness.preAggregation.snapshot(7, T0).getManagedOperatorState()).allSatisfy(handle ->
                assertThat(handle.getStateNameToPartitionOffsets()).containsOnlyKeys("pipeline-health-counts"));
    }

    @Test
    void shouldSendAnEventOfAClosedWindowToTheLateSideOutputAsJson() throws Exception {
        harness.watermark(END_OF_FIRST_WINDOW);

        harness.send(motorRpm(AURORA_1, T0_PLUS_2S, -300));

        assertThat(harness.partials()).isEmpty();
        List<DeadLetter> late = harness.lateEvents();
        assertThat(late).hasSize(1);
        DeadLetter letter = late.get(0);
        assertThat(letter.reason()).isEqualTo("late");
        assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo(AURORA_1);
        assertThat(new VehicleEventJson().parse(letter.value()))
                .isEqualTo(new ParseResult.Valid(motorRpm(AURORA_1, T0_PLUS_2S, -300)));
        assertThat(letter.detail()).contains("2024-11-03T08:15:55Z");
        assertThat(letter.sourceTimestamp()).isEqualTo(T0_PLUS_2S);
        assertThat(letter.origin()).isNull();
    }

    @Test
    void shouldAcceptAnEventOfTheNextWindowWhenTheWatermarkIsJustBelowItsStart() throws Exception {
        harness.watermark(END_OF_FIRST_WINDOW);

        harness.send(engineRpm(AURORA_1, T0_PLUS_5S, 900));
        harness.watermark(T0_PLUS_10S - 1);

        assertThat(harness.lateEvents()).isEmpty();
        assertThat(harness.results()).containsExactly(new WindowAggregate(uk(AURORA, T0_PLUS_10S), 1, 0));
    }

    @Test
    void shouldEmitOnePartialPerRegionWhenAVehicleReportsSeveralRegions() throws Exception {
        harness.send(engineRpm(AURORA_1, T0, 900), in(Region.SPAIN, engineRpm(AURORA_1, T0_PLUS_1S, 0)));

        harness.watermark(END_OF_FIRST_WINDOW);

        assertThat(harness.results()).containsExactlyInAnyOrder(
                new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0),
                new WindowAggregate(new AggregateKey(AURORA, Region.SPAIN, T0_PLUS_5S), 0, 0));
    }

    @Test
    void shouldTakeTheModelFromTheCatalogFileWhenOneIsGiven(@TempDir Path dir) throws Exception {
        Path models = dir.resolve("models.csv");
        Files.writeString(models, "vehicleId,model\n" + AURORA_1 + ",Zephyr\n");
        try (AggregationHarness withFile = AggregationHarness.open(FIVE_SECONDS,
                ModelCatalogSource.file(models.toString()))) {
            withFile.send(engineRpm(AURORA_1, T0, 900), engineRpm(AURORA_2, T0, 900));
            withFile.watermark(END_OF_FIRST_WINDOW);

            assertThat(withFile.results()).containsExactlyInAnyOrder(
                    new WindowAggregate(uk("Zephyr", T0_PLUS_5S), 1, 0),
                    new WindowAggregate(uk(AURORA, T0_PLUS_5S), 1, 0));
        }
    }

    @Test
    void shouldUseAChangedModelsFileAfterTheRefreshIntervalAndKeepTheOldModelsWhenTheNewFileIsBroken(@TempDir Path dir)
            throws Exception {
        Path models = dir.resolve("models.csv");
        Files.writeString(models, "vehicleId,model\n" + AURORA_1 + ",Zephyr\n");
        ModelCatalogSource refreshed = new ModelCatalogSource(models.toUri().toString(), Duration.ofMillis(100));
        try (AggregationHarness withFile = AggregationHarness.open(FIVE_SECONDS, refreshed)) {
            withFile.send(engineRpm(AURORA_1, T0, 900));
            withFile.watermark(END_OF_FIRST_WINDOW);

            Files.writeString(models, "vehicleId,model\n" + AURORA_1 + ",Mistral\n");
            Files.setLastModifiedTime(models, FileTime.fromMillis(System.currentTimeMillis() + 60_000));
            await().atMost(Duration.ofSeconds(10)).until(() -> withFile.counter("modelCatalogReloads") == 1);
            withFile.send(engineRpm(AURORA_1, T0_PLUS_5S, 900));
            withFile.watermark(T0_PLUS_5S + 5_000 - 1);

            Files.writeString(models, "no comma here\n");
            Files.setLastModifiedTime(models, FileTime.fromMillis(System.currentTimeMillis() + 120_000));
            await().atMost(Duration.ofSeconds(10)).until(() -> withFile.counter("modelCatalogReloadFailures") >= 1);
            withFile.send(engineRpm(AURORA_1, T0_PLUS_5S + 5_000, 900));
            withFile.watermark(T0_PLUS_5S + 10_000 - 1);

            assertThat(withFile.results()).containsExactly(
                    new WindowAggregate(uk("Zephyr", T0_PLUS_5S), 1, 0),
                    new WindowAggregate(uk("Mistral", T0_PLUS_5S + 5_000), 1, 0),
                    new WindowAggregate(uk("Mistral", T0_PLUS_5S + 10_000), 1, 0));
            assertThat(withFile.counter("modelCatalogReloads")).isEqualTo(1);
        }
    }
}
