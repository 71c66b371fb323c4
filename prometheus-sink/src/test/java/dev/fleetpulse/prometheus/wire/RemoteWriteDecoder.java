package dev.fleetpulse.prometheus.wire;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decodes remote-write requests with protobuf-java's own parser, built from the Remote-Write 1.0 schema: each series
 * as {@code labels|samples}, e.g. {@code __name__=m,region=UK|1.0@1730621750000}.
 */
public final class RemoteWriteDecoder {

    private static final Descriptor WRITE_REQUEST = remoteWriteSchema();

    private RemoteWriteDecoder() {
    }

    /** The series of a request body: snappy-compressed protobuf, {@code length} bytes long. */
    public static List<String> decodeBody(byte[] body, int length) throws IOException {
        return decode(Snappy.uncompress(Arrays.copyOf(body, length)));
    }

    /** The number of series in an uncompressed request. */
    public static int seriesCount(byte[] protobuf) throws IOException {
        return DynamicMessage.parseFrom(WRITE_REQUEST, protobuf)
                .getRepeatedFieldCount(WRITE_REQUEST.findFieldByName("timeseries"));
    }

    /** The series of an uncompressed request. */
    public static List<String> decode(byte[] protobuf) throws IOException {
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
