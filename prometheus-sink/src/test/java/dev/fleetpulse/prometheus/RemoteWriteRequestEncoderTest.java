package dev.fleetpulse.prometheus;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decodes what the encoder writes with protobuf-java's own parser, built from the Remote-Write 1.0 schema. */
class RemoteWriteRequestEncoderTest {

    private static final long T0 = 1_730_621_750_000L;
    private static final Descriptor WRITE_REQUEST = remoteWriteSchema();

    @Test
    void shouldEncodeSeriesAsRemoteWriteProtobufThatProtobufJavaDecodes() throws IOException {
        TimeSeries motion = TimeSeries.builder("vehicles_in_motion").label("region", "UK").label("model", "X")
                .sample(3.0, T0).sample(4.5, T0 + 5000).build();
        TimeSeries rpm = TimeSeries.builder("vehicle_electric_rpm").label("vehicle_id", "V0000000001")
                .label("region", "São Paulo ✓ 🚗").sample(-1200.25, T0).build();

        List<String> decoded = encodeAndDecode(batchOf(motion, rpm));

        assertThat(decoded).containsExactly(
                "__name__=vehicles_in_motion,model=X,region=UK|3.0@1730621750000,4.5@1730621755000",
                "__name__=vehicle_electric_rpm,region=São Paulo ✓ 🚗,vehicle_id=V0000000001|-1200.25@1730621750000");
    }

    @Test
    void shouldPlaceNameLabelAtItsSortedPositionAmongUpperCaseLabels() throws IOException {
        TimeSeries series = TimeSeries.builder("m").label("Zone", "a").label("AREA", "b").label("region", "c")
                .sample(1, T0).build();

        assertThat(encodeAndDecode(batchOf(series)))
                .containsExactly("AREA=b,Zone=a,__name__=m,region=c|1.0@1730621750000");
    }

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

            // The serializer encoded the labels from the bytes it read; the built series encodes its strings.
            assertThat(received.labelFields()).isNotNull();
            assertThat(series.labelFields()).isNull();
            assertThat(protobufOf(batchOf(received))).isEqualTo(protobufOf(batchOf(series)));
        }
        assertThat(decode(protobufOf(batchOf(built.get(1))))).containsExactly(
                "AREA=b,Zone=a,__name__=m,region=c?|1.0@1730621750000,2.0@1730621750001");
    }

    @Test
    void shouldEncodeZeroNegativeAndSpecialValuesExactly() throws IOException {
        TimeSeries series = TimeSeries.builder("m").sample(0.0, -1000).sample(Double.NaN, 0)
                .sample(Double.POSITIVE_INFINITY, 1).sample(-0.0, Long.MAX_VALUE).build();

        assertThat(encodeAndDecode(batchOf(series))).containsExactly(
                "__name__=m|0.0@-1000,NaN@0,Infinity@1,-0.0@9223372036854775807");
    }

    @Test
    void shouldWriteExactlyTheBytesTheBatchMeasured() throws IOException {
        WriteRequestBatch batch = new WriteRequestBatch(10_000, 10_000_000);
        for (int i = 0; i < 300; i++) {
            batch.add(TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V" + i).label("region", "Ω" + i)
                    .sample(i, T0 + i).sample(i * 2, T0 + i + 1).build(), 0, 0);
        }
        RemoteWriteRequestEncoder encoder = new RemoteWriteRequestEncoder();

        int length = encoder.encode(batch);
        byte[] protobuf = Snappy.uncompress(Arrays.copyOf(encoder.body(), length));

        assertThat((long) protobuf.length).isEqualTo(batch.encodedBytes());
        assertThat(protobuf).isEqualTo(encoder.uncompressedProtobuf());
        assertThat(DynamicMessage.parseFrom(WRITE_REQUEST, protobuf)
                .getRepeatedFieldCount(WRITE_REQUEST.findFieldByName("timeseries"))).isEqualTo(300);
    }

    @Test
    void shouldReuseItsBuffersAcrossRequestsOfTheSameSize() {
        RemoteWriteRequestEncoder encoder = new RemoteWriteRequestEncoder();
        WriteRequestBatch batch = batchOf(TimeSeries.builder("m").sample(1, T0).build());
        encoder.encode(batch);
        byte[] firstBuffer = encoder.body();

        encoder.encode(batch);

        assertThat(encoder.body()).isSameAs(firstBuffer);
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
    void shouldEncodeBothHalvesOfASplitBatch() throws IOException {
        TimeSeries a = TimeSeries.builder("m").label("s", "a").sample(1, T0).sample(2, T0 + 1).sample(3, T0 + 2)
                .build();
        TimeSeries b = TimeSeries.builder("m").label("s", "b").sample(4, T0).build();
        WriteRequestBatch batch = batchOf(a, b);
        WriteRequestBatch head = new WriteRequestBatch(10, 1_000_000);
        WriteRequestBatch tail = new WriteRequestBatch(10, 1_000_000);

        batch.splitInto(head, tail);

        assertThat(encodeAndDecode(head)).containsExactly("__name__=m,s=a|1.0@1730621750000,2.0@1730621750001");
        assertThat(encodeAndDecode(tail)).containsExactly("__name__=m,s=a|3.0@1730621750002",
                "__name__=m,s=b|4.0@1730621750000");
    }

    @Test
    void shouldEncodeOnlyWhatWasAddedSinceTheBatchWasCleared() throws IOException {
        WriteRequestBatch batch = batchOf(TimeSeries.builder("first").label("region", "Long region name")
                .sample(1, T0).build());
        batch.clear();

        batch.add(TimeSeries.builder("m").sample(2, T0).build(), 0, 0);

        assertThat(encodeAndDecode(batch)).containsExactly("__name__=m|2.0@1730621750000");
    }

    @Test
    void shouldGrowTheBatchBufferForLargeSeries() throws IOException {
        TimeSeries.Builder builder = TimeSeries.builder("m").label("text", "x".repeat(10_000));
        for (int i = 0; i < 2_000; i++) {
            builder.sample(i, T0 + i);
        }
        WriteRequestBatch batch = batchOf(builder.build());

        List<String> decoded = encodeAndDecode(batch);

        assertThat(decoded).hasSize(1);
        assertThat(decoded.get(0)).startsWith("__name__=m,text=xxxx").contains("1999.0@1730621751999");
    }

    static WriteRequestBatch batchOf(TimeSeries... series) {
        WriteRequestBatch batch = new WriteRequestBatch(Integer.MAX_VALUE, Long.MAX_VALUE);
        for (TimeSeries s : series) {
            assertThat(batch.add(s, 0, 0)).isEqualTo(s.sampleCount());
        }
        return batch;
    }

    private static byte[] protobufOf(WriteRequestBatch batch) {
        return Arrays.copyOf(batch.protobuf(), (int) batch.encodedBytes());
    }

    /** Each series as "labels|samples", decoded by protobuf-java from the snappy-decompressed body. */
    static List<String> encodeAndDecode(WriteRequestBatch batch) throws IOException {
        RemoteWriteRequestEncoder encoder = new RemoteWriteRequestEncoder();
        int length = encoder.encode(batch);
        byte[] protobuf = Snappy.uncompress(Arrays.copyOf(encoder.body(), length));
        return decode(protobuf);
    }

    static List<String> decode(byte[] protobuf) throws IOException {
        DynamicMessage request = DynamicMessage.parseFrom(WRITE_REQUEST, protobuf);
        assertThat(request.getUnknownFields().asMap()).isEmpty();
        Descriptor seriesType = WRITE_REQUEST.findFieldByName("timeseries").getMessageType();
        Descriptor labelType = seriesType.findFieldByName("labels").getMessageType();
        Descriptor sampleType = seriesType.findFieldByName("samples").getMessageType();
        List<String> result = new ArrayList<>();
        for (Object s : (List<?>) request.getField(WRITE_REQUEST.findFieldByName("timeseries"))) {
            DynamicMessage series = (DynamicMessage) s;
            List<String> labels = new ArrayList<>();
            for (Object l : (List<?>) series.getField(seriesType.findFieldByName("labels"))) {
                DynamicMessage label = (DynamicMessage) l;
                labels.add(label.getField(labelType.findFieldByName("name")) + "="
                        + label.getField(labelType.findFieldByName("value")));
            }
            List<String> samples = new ArrayList<>();
            for (Object x : (List<?>) series.getField(seriesType.findFieldByName("samples"))) {
                DynamicMessage sample = (DynamicMessage) x;
                samples.add(sample.getField(sampleType.findFieldByName("value")) + "@"
                        + sample.getField(sampleType.findFieldByName("timestamp")));
            }
            result.add(String.join(",", labels) + "|" + String.join(",", samples));
        }
        return result;
    }

    /** The messages of Prometheus' prompb/remote.proto and types.proto that Remote-Write 1.0 uses. */
    private static Descriptor remoteWriteSchema() {
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("remote_write_1_0.proto").setPackage("prometheus").setSyntax("proto3")
                .addMessageType(DescriptorProto.newBuilder().setName("Label")
                        .addField(field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, null))
                        .addField(field("value", 2, FieldDescriptorProto.Type.TYPE_STRING, null)))
                .addMessageType(DescriptorProto.newBuilder().setName("Sample")
                        .addField(field("value", 1, FieldDescriptorProto.Type.TYPE_DOUBLE, null))
                        .addField(field("timestamp", 2, FieldDescriptorProto.Type.TYPE_INT64, null)))
                .addMessageType(DescriptorProto.newBuilder().setName("TimeSeries")
                        .addField(field("labels", 1, FieldDescriptorProto.Type.TYPE_MESSAGE, ".prometheus.Label"))
                        .addField(field("samples", 2, FieldDescriptorProto.Type.TYPE_MESSAGE, ".prometheus.Sample")))
                .addMessageType(DescriptorProto.newBuilder().setName("WriteRequest")
                        .addField(field("timeseries", 1, FieldDescriptorProto.Type.TYPE_MESSAGE,
                                ".prometheus.TimeSeries")))
                .build();
        try {
            return FileDescriptor.buildFrom(file, new FileDescriptor[0]).findMessageTypeByName("WriteRequest");
        } catch (DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type,
            String messageType) {
        FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name).setNumber(number)
                .setType(type)
                .setLabel(messageType == null ? FieldDescriptorProto.Label.LABEL_OPTIONAL
                        : FieldDescriptorProto.Label.LABEL_REPEATED);
        if (messageType != null) {
            field.setTypeName(messageType);
        }
        return field.build();
    }
}
