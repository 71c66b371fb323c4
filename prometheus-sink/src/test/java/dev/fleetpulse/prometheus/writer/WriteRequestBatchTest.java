package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.wire.RemoteWriteDecoder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WriteRequestBatchTest {

    private static final long T0 = 1_730_621_750_000L;
    private static final long ENQUEUED = 42L;

    private static TimeSeries rpm(String vehicle, int samples) {
        TimeSeries.Builder builder = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", vehicle);
        for (int i = 0; i < samples; i++) {
            builder.sample(i, T0 + i * 1000L);
        }
        return builder.build();
    }

    @Test
    void shouldStartANewRequestForASampleNotNewerThanItsSeriesNewestInTheBatch() {
        WriteRequestBatch batch = new WriteRequestBatch(100, 1_000_000);
        TimeSeries first = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V1").sample(1500, T0).build();
        TimeSeries sameMillisecond = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V1").sample(1700, T0).build();
        TimeSeries older = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V1").sample(1400, T0 - 1).build();
        TimeSeries otherVehicle = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V2").sample(9, T0).build();

        assertThat(batch.add(first, 0, ENQUEUED)).isEqualTo(1);
        assertThat(batch.add(sameMillisecond, 0, ENQUEUED)).isZero();
        assertThat(batch.add(older, 0, ENQUEUED)).isZero();
        assertThat(batch.add(otherVehicle, 0, ENQUEUED)).isEqualTo(1);
        assertThat(batch.sampleCount()).isEqualTo(2);

        batch.clear();
        assertThat(batch.add(sameMillisecond, 0, ENQUEUED)).isEqualTo(1);
    }

    @Test
    void shouldTakeNoSampleAtOrAfterTheLimit() {
        WriteRequestBatch batch = new WriteRequestBatch(100, 1_000_000);
        TimeSeries series = rpm("V1", 5);

        assertThat(batch.add(series, 1, 3, ENQUEUED)).isEqualTo(3);
        assertThat(batch.sampleCount()).isEqualTo(2);
        assertThat(batch.from(0)).isEqualTo(1);
        assertThat(batch.to(0)).isEqualTo(3);
    }

    @Test
    void shouldCutASeriesAtATimestampThatRepeatsWithinIt() {
        WriteRequestBatch batch = new WriteRequestBatch(100, 1_000_000);
        TimeSeries repeated = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V1")
                .sample(1, T0).sample(2, T0 + 1).sample(3, T0 + 1).sample(4, T0 + 2).build();

        assertThat(batch.add(repeated, 0, ENQUEUED)).isEqualTo(2);
        assertThat(batch.add(repeated, 2, ENQUEUED)).isEqualTo(2);
    }

    @Test
    void shouldKeepTakingNewerSamplesOfASeriesAlreadyInTheBatch() {
        WriteRequestBatch batch = new WriteRequestBatch(100, 1_000_000);
        for (int i = 0; i < 50; i++) {
            TimeSeries next = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V" + (i % 7))
                    .sample(i, T0 + i).build();
            assertThat(batch.add(next, 0, ENQUEUED)).isEqualTo(1);
        }
        assertThat(batch.sampleCount()).isEqualTo(50);
    }

    @Test
    void shouldStopTakingSamplesAtMaxSamples() {
        WriteRequestBatch batch = new WriteRequestBatch(3, 1_000_000);

        assertThat(batch.add(rpm("V1", 2), 0, ENQUEUED)).isEqualTo(2);
        assertThat(batch.isFull()).isFalse();
        assertThat(batch.add(rpm("V2", 2), 0, ENQUEUED)).isEqualTo(1);

        assertThat(batch.isFull()).isTrue();
        assertThat(batch.sampleCount()).isEqualTo(3);
        assertThat(batch.firstEnqueuedMillis()).isEqualTo(ENQUEUED);
    }

    @Test
    void shouldStopBeforeTheSampleThatWouldExceedMaxBytes() {
        TimeSeries oneSample = rpm("V1", 1);
        WriteRequestBatch probe = new WriteRequestBatch(100, Long.MAX_VALUE);
        probe.add(oneSample, 0, ENQUEUED);
        long perSeries = probe.encodedBytes();
        WriteRequestBatch batch = new WriteRequestBatch(100, perSeries * 2 + perSeries / 2);

        assertThat(batch.add(oneSample, 0, ENQUEUED)).isEqualTo(1);
        assertThat(batch.add(rpm("V2", 1), 0, ENQUEUED)).isEqualTo(1);
        assertThat(batch.add(rpm("V3", 1), 0, ENQUEUED)).isZero();

        assertThat(batch.encodedBytes()).isEqualTo(perSeries * 2);
    }

    @Test
    void shouldTakeASampleAtTheSmallestTimestampWhenEmptySoTheWriterNeverWaitsForever() {
        // Long.MIN_VALUE is also what the batch reports as the newest timestamp of a series it does not hold.
        TimeSeries ancient = TimeSeries.builder("m").sample(1, Long.MIN_VALUE).build();
        WriteRequestBatch batch = new WriteRequestBatch(100, 1_000_000);
        batch.add(rpm("V1", 1), 0, ENQUEUED);

        assertThat(batch.add(ancient, 0, ENQUEUED)).as("a non-empty batch starts the next request").isZero();
        batch.clear();
        assertThat(batch.add(ancient, 0, ENQUEUED)).as("an empty batch always takes a sample").isEqualTo(1);
    }

    @Test
    void shouldAlwaysTakeOneSampleWhenEmptyEvenIfItExceedsMaxBytes() {
        WriteRequestBatch batch = new WriteRequestBatch(100, 10);

        assertThat(batch.add(rpm("V1", 2), 0, ENQUEUED)).isEqualTo(1);
        assertThat(batch.isFull()).isTrue();
    }

    @Test
    void shouldSplitInHalfKeepingSampleOrderAcrossASeriesCutInTwo() throws IOException {
        WriteRequestBatch batch = new WriteRequestBatch(100, 1_000_000);
        batch.add(rpm("V1", 3), 0, ENQUEUED);
        batch.add(rpm("V2", 2), 0, ENQUEUED);
        WriteRequestBatch head = new WriteRequestBatch(100, 1_000_000);
        WriteRequestBatch tail = new WriteRequestBatch(100, 1_000_000);

        batch.splitInto(head, tail);

        assertThat(head.sampleCount()).isEqualTo(2);
        assertThat(tail.sampleCount()).isEqualTo(3);
        assertThat(head.firstEnqueuedMillis()).isEqualTo(ENQUEUED);
        assertThat(encodeAndDecode(head)).containsExactly(
                "__name__=vehicle_ic_rpm,vehicle_id=V1|0.0@1730621750000,1.0@1730621751000");
        assertThat(encodeAndDecode(tail)).containsExactly(
                "__name__=vehicle_ic_rpm,vehicle_id=V1|2.0@1730621752000",
                "__name__=vehicle_ic_rpm,vehicle_id=V2|0.0@1730621750000,1.0@1730621751000");
    }

    @Test
    void shouldBeEmptyAndReusableAfterClear() {
        WriteRequestBatch batch = new WriteRequestBatch(2, 1_000_000);
        batch.add(rpm("V1", 2), 0, ENQUEUED);

        batch.clear();

        assertThat(batch.isEmpty()).isTrue();
        assertThat(batch.encodedBytes()).isZero();
        assertThat(batch.add(rpm("V2", 2), 0, ENQUEUED + 1)).isEqualTo(2);
        assertThat(batch.firstEnqueuedMillis()).isEqualTo(ENQUEUED + 1);
    }

    @Test
    void shouldEncodeExactlyTheBytesItMeasured() throws IOException {
        WriteRequestBatch batch = new WriteRequestBatch(10_000, 10_000_000);
        for (int i = 0; i < 300; i++) {
            batch.add(TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V" + i).label("region", "Ω" + i)
                    .sample(i, T0 + i).sample(i * 2, T0 + i + 1).build(), 0, 0);
        }

        assertThat((long) batch.protobuf().length).isEqualTo(batch.encodedBytes());
        assertThat(RemoteWriteDecoder.seriesCount(batch.protobuf())).isEqualTo(300);
        assertThat(encodeAndDecode(batch)).hasSize(300);
    }

    @Test
    void shouldEncodeOnlyTheSliceOfASeriesThatFitsTheBatch() throws IOException {
        TimeSeries series = TimeSeries.builder("m").sample(1, T0).sample(2, T0 + 1).sample(3, T0 + 2).build();
        WriteRequestBatch first = new WriteRequestBatch(2, 1_000_000);
        WriteRequestBatch second = new WriteRequestBatch(2, 1_000_000);

        int next = first.add(series, 0, 0);
        second.add(series, next, 0);

        assertThat(encodeAndDecode(first)).containsExactly("__name__=m|1.0@1730621750000,2.0@1730621750001");
        assertThat(encodeAndDecode(second)).containsExactly("__name__=m|3.0@1730621750002");
    }

    @Test
    void shouldEncodeOnlyWhatWasAddedSinceItWasCleared() throws IOException {
        WriteRequestBatch batch = new WriteRequestBatch(10, 1_000_000);
        batch.add(TimeSeries.builder("first").label("region", "Long region name").sample(1, T0).build(), 0, 0);
        batch.clear();

        batch.add(TimeSeries.builder("m").sample(2, T0).build(), 0, 0);

        assertThat(encodeAndDecode(batch)).containsExactly("__name__=m|2.0@1730621750000");
    }

    /** Each series of the batch's request body as "labels|samples", decoded by protobuf-java. */
    private static List<String> encodeAndDecode(WriteRequestBatch batch) throws IOException {
        int length = batch.compress();
        return RemoteWriteDecoder.decodeBody(batch.body(), length);
    }
}
