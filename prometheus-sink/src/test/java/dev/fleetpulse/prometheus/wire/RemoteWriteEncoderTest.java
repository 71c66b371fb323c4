package dev.fleetpulse.prometheus.wire;

import dev.fleetpulse.prometheus.flink.TimeSeriesSerializer;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static dev.fleetpulse.prometheus.wire.RemoteWriteDecoder.decode;
import static org.assertj.core.api.Assertions.assertThat;

/** Decodes what the encoder writes with protobuf-java's own parser, built from the Remote-Write 1.0 schema. */
class RemoteWriteEncoderTest {

    private static final long T0 = 1_730_621_750_000L;

    @Test
    void shouldEncodeSeriesAsRemoteWriteProtobufThatProtobufJavaDecodes() throws IOException {
        TimeSeries motion = TimeSeries.builder("vehicles_in_motion").label("region", "UK").label("model", "X")
                .sample(3.0, T0).sample(4.5, T0 + 5000).build();
        TimeSeries rpm = TimeSeries.builder("vehicle_electric_rpm").label("vehicle_id", "V0000000001")
                .label("region", "São Paulo ✓ 🚗").sample(-1200.25, T0).build();

        List<String> decoded = decodeBody(encode(motion, rpm));

        assertThat(decoded).containsExactly(
                "__name__=vehicles_in_motion,model=X,region=UK|3.0@1730621750000,4.5@1730621755000",
                "__name__=vehicle_electric_rpm,region=São Paulo ✓ 🚗,vehicle_id=V0000000001|-1200.25@1730621750000");
    }

    @Test
    void shouldPlaceNameLabelAtItsSortedPositionAmongUpperCaseLabels() throws IOException {
        TimeSeries series = TimeSeries.builder("m").label("Zone", "a").label("AREA", "b").label("region", "c")
                .sample(1, T0).build();

        assertThat(decodeBody(encode(series))).containsExactly("AREA=b,Zone=a,__name__=m,region=c|1.0@1730621750000");
    }

    /** The deserializer hands over the UTF-8 bytes it read; they must encode exactly as the built series' strings. */
    @Test
    void shouldEncodeASeriesThatCameThroughItsFlinkSerializerToTheBytesOfTheBuiltOne() throws IOException {
        List<TimeSeries> built = List.of(
                TimeSeries.builder("vehicle_electric_rpm").label("vehicle_id", "V0000000001")
                        .label("region", "São Paulo ✓ 🚗").sample(-1200.25, T0).build(),
                TimeSeries.builder("m").label("Zone", "a").label("AREA", "b").label("region", "c\ud800")
                        .sample(1, T0).sample(2, T0 + 1).build(),
                TimeSeries.builder("up").sample(1, T0).build());

        for (TimeSeries series : built) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            TimeSeriesSerializer.INSTANCE.serialize(series, out);
            TimeSeries received =
                    TimeSeriesSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

            assertThat(encode(received).protobuf()).isEqualTo(encode(series).protobuf());
        }
        assertThat(decode(encode(built.get(1)).protobuf())).containsExactly(
                "AREA=b,Zone=a,__name__=m,region=c?|1.0@1730621750000,2.0@1730621750001");
    }

    @Test
    void shouldEncodeZeroNegativeAndSpecialValuesExactly() throws IOException {
        TimeSeries series = TimeSeries.builder("m").sample(0.0, -1000).sample(Double.NaN, 0)
                .sample(Double.POSITIVE_INFINITY, 1).sample(-0.0, Long.MAX_VALUE).build();

        assertThat(decodeBody(encode(series))).containsExactly(
                "__name__=m|0.0@-1000,NaN@0,Infinity@1,-0.0@9223372036854775807");
    }

    @Test
    void shouldWriteExactlyTheBytesItMeasured() throws IOException {
        RemoteWriteEncoder encoder = new RemoteWriteEncoder();
        long measured = 0;
        for (int i = 0; i < 300; i++) {
            TimeSeries series = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V" + i)
                    .label("region", "Ω" + i).sample(i, T0 + i).sample(i * 2, T0 + i + 1).build();
            measured += RemoteWriteEncoder.seriesFieldSize(append(encoder, series, 0, 2));
        }

        assertThat(encoder.protobufLength()).isEqualTo(measured);
        assertThat(RemoteWriteDecoder.seriesCount(encoder.protobuf())).isEqualTo(300);
        encoder.compress();
        assertThat(decodeBody(encoder)).hasSize(300);
    }

    @Test
    void shouldEncodeOnlyTheSamplesOfTheSliceAppended() throws IOException {
        TimeSeries series = TimeSeries.builder("m").sample(1, T0).sample(2, T0 + 1).sample(3, T0 + 2).build();
        RemoteWriteEncoder encoder = new RemoteWriteEncoder();

        append(encoder, series, 1, 3);
        encoder.compress();

        assertThat(decodeBody(encoder)).containsExactly("__name__=m|2.0@1730621750001,3.0@1730621750002");
    }

    @Test
    void shouldEncodeOnlyWhatWasAppendedSinceItWasCleared() throws IOException {
        RemoteWriteEncoder encoder = encode(TimeSeries.builder("first").label("region", "Long region name")
                .sample(1, T0).build());
        encoder.clear();

        append(encoder, TimeSeries.builder("m").sample(2, T0).build(), 0, 1);
        encoder.compress();

        assertThat(decodeBody(encoder)).containsExactly("__name__=m|2.0@1730621750000");
    }

    @Test
    void shouldReuseItsBodyBufferForRequestsOfTheSameSize() {
        RemoteWriteEncoder encoder = encode(TimeSeries.builder("m").sample(1, T0).build());
        byte[] firstBuffer = encoder.body();

        encoder.compress();

        assertThat(encoder.body()).isSameAs(firstBuffer);
    }

    @Test
    void shouldGrowItsBuffersForLargeSeries() throws IOException {
        TimeSeries.Builder builder = TimeSeries.builder("m").label("text", "x".repeat(10_000));
        for (int i = 0; i < 2_000; i++) {
            builder.sample(i, T0 + i);
        }

        List<String> decoded = decodeBody(encode(builder.build()));

        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0)).startsWith("__name__=m,text=xxxx").contains("1999.0@1730621751999");
    }

    /** A compressed request of the whole series given. */
    private static RemoteWriteEncoder encode(TimeSeries... series) {
        RemoteWriteEncoder encoder = new RemoteWriteEncoder();
        for (TimeSeries s : series) {
            append(encoder, s, 0, s.sampleCount());
        }
        encoder.compress();
        return encoder;
    }

    /** Appends samples {@code [start, end)} of the series; returns the TimeSeries message's size. */
    private static int append(RemoteWriteEncoder encoder, TimeSeries series, int start, int end) {
        int size = RemoteWriteEncoder.labelsSize(series);
        for (int i = start; i < end; i++) {
            size += RemoteWriteEncoder.sampleFieldSize(series.timestamp(i));
        }
        encoder.appendSeries(series, start, end, size);
        return size;
    }

    private static List<String> decodeBody(RemoteWriteEncoder encoder) throws IOException {
        return RemoteWriteDecoder.decodeBody(encoder.body(), encoder.bodyLength());
    }
}
