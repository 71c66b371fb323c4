package dev.fleetpulse.prometheus;

import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Remote-Write 1.0 {@code prometheus.WriteRequest} protobuf: {@link #writeSlice} encodes a series slice as a
 * {@link WriteRequestBatch} takes it in (while the series' objects are still in the CPU cache, just deserialized;
 * encoding a whole batch later, when it is sent, cost several times more on a busy sink), and {@link #encode}
 * compresses a batch's protobuf with snappy (block format) into a buffer reused across requests.
 *
 * <pre>
 * WriteRequest { repeated TimeSeries timeseries = 1; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 *
 * The metric name is sent as the {@code __name__} label, merged into the sorted label list at its sorted
 * position (upper-case label names sort before it). Both sample fields are always written (also when zero):
 * valid protobuf, and every sample has the same shape.
 *
 * <p>Not thread-safe: one encoder per lane. The buffer returned by {@link #body()} stays valid until the next
 * {@link #encode} call.
 */
public final class RemoteWriteRequestEncoder {

    private static final String NAME_LABEL = "__name__";
    private static final byte[] NAME_LABEL_BYTES = NAME_LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final int TAG_TIMESERIES = 1 << 3 | 2;
    private static final int TAG_LABELS = 1 << 3 | 2;
    private static final int TAG_SAMPLES = 2 << 3 | 2;
    private static final int TAG_LABEL_NAME = 1 << 3 | 2;
    private static final int TAG_LABEL_VALUE = 2 << 3 | 2;
    private static final int TAG_SAMPLE_VALUE = 1 << 3 | 1;
    private static final int TAG_SAMPLE_TIMESTAMP = 2 << 3;

    private byte[] compressed = new byte[Snappy.maxCompressedLength(64 * 1024)];
    private byte[] lastProto = new byte[0];
    private int protoLength;
    private int bodyLength;

    /**
     * Compresses the batch's protobuf, which {@link WriteRequestBatch} encoded as its samples came in; returns the
     * compressed length (the body is {@link #body()}).
     */
    public int encode(WriteRequestBatch batch) {
        lastProto = batch.protobuf();
        // Fits an int: the batch's ProtoBuffer refused to grow past Integer.MAX_VALUE - 64 while encoding it.
        protoLength = (int) batch.encodedBytes();
        int maxCompressed = Snappy.maxCompressedLength(protoLength);
        if (compressed.length < maxCompressed) {
            compressed = new byte[Math.max(maxCompressed, compressed.length * 2)];
        }
        try {
            bodyLength = Snappy.compress(lastProto, 0, protoLength, compressed, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Snappy compression of a " + protoLength + "-byte request failed", e);
        }
        return bodyLength;
    }

    /** The compressed request body; valid for {@link #bodyLength()} bytes until the next encode. */
    public byte[] body() {
        return compressed;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** The uncompressed protobuf of the last request, while its batch is unchanged (for tests and benchmarks). */
    public byte[] uncompressedProtobuf() {
        return Arrays.copyOf(lastProto, protoLength);
    }

    /**
     * Appends one {@code timeseries} field of a WriteRequest: the series' labels and its samples
     * {@code [start, end)}; {@code messageSize} is the TimeSeries message's body size, as measured by the batch.
     */
    static void writeSlice(ProtoBuffer out, TimeSeries ts, int start, int end, int messageSize) {
        out.writeByte(TAG_TIMESERIES);
        out.writeVarint(messageSize);
        out.writeBytes(labelFields(ts));
        for (int i = start; i < end; i++) {
            long timestamp = ts.timestamp(i);
            out.writeByte(TAG_SAMPLES);
            out.writeVarint(9 + 1 + varintSize(timestamp));
            out.writeByte(TAG_SAMPLE_VALUE);
            out.writeFixed64(Double.doubleToRawLongBits(ts.value(i)));
            out.writeByte(TAG_SAMPLE_TIMESTAMP);
            out.writeVarint(timestamp);
        }
    }

    /** Size of all label fields of a series, the {@code __name__} label included. */
    static int labelsSize(TimeSeries ts) {
        return labelFields(ts).length;
    }

    /**
     * The label fields of the series' TimeSeries message, {@code __name__} included: encoded once per series object
     * and kept on it, since a batch measures them before it writes them and a series split across requests writes
     * them more than once. A series that came through {@link TimeSeriesSerializer} has them already, from the UTF-8
     * bytes it was read from.
     */
    static byte[] labelFields(TimeSeries ts) {
        byte[] fields = ts.labelFields();
        if (fields == null) {
            String[] names = ts.labelNamesArray();
            String[] values = ts.labelValuesArray();
            byte[][] nameBytes = new byte[names.length][];
            byte[][] valueBytes = new byte[names.length][];
            for (int i = 0; i < names.length; i++) {
                nameBytes[i] = names[i].getBytes(StandardCharsets.UTF_8);
                valueBytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
            }
            fields = labelFields(ts.metricName().getBytes(StandardCharsets.UTF_8), names, nameBytes, valueBytes);
            ts.labelFields(fields);
        }
        return fields;
    }

    /**
     * The label fields from the UTF-8 bytes of the metric name and of the labels (sorted by name); {@code names}
     * places {@code __name__} at its sorted position. {@code String.getBytes(UTF_8)} writes an unpaired surrogate as
     * '?', which is also what a series built by {@link TimeSeries.Builder} holds in its place.
     */
    static byte[] labelFields(byte[] metricName, String[] names, byte[][] nameBytes, byte[][] valueBytes) {
        int size = labelFieldSize(NAME_LABEL_BYTES.length, metricName.length);
        for (int i = 0; i < names.length; i++) {
            size += labelFieldSize(nameBytes[i].length, valueBytes[i].length);
        }
        ProtoBuffer out = new ProtoBuffer(size);
        boolean nameWritten = false;
        for (int i = 0; i < names.length; i++) {
            if (!nameWritten && names[i].compareTo(NAME_LABEL) > 0) {
                writeLabel(out, NAME_LABEL_BYTES, metricName);
                nameWritten = true;
            }
            writeLabel(out, nameBytes[i], valueBytes[i]);
        }
        if (!nameWritten) {
            writeLabel(out, NAME_LABEL_BYTES, metricName);
        }
        return out.array();
    }

    private static void writeLabel(ProtoBuffer out, byte[] name, byte[] value) {
        out.writeByte(TAG_LABELS);
        out.writeVarint(labelMessageSize(name.length, value.length));
        out.writeByte(TAG_LABEL_NAME);
        out.writeVarint(name.length);
        out.writeBytes(name);
        out.writeByte(TAG_LABEL_VALUE);
        out.writeVarint(value.length);
        out.writeBytes(value);
    }

    private static int labelFieldSize(int nameBytes, int valueBytes) {
        return lengthDelimitedSize(labelMessageSize(nameBytes, valueBytes));
    }

    /** Size of one {@code samples} field of a TimeSeries message (tag, length, value and timestamp fields). */
    static int sampleFieldSize(long timestamp) {
        int body = 9 + 1 + varintSize(timestamp);
        return 1 + varintSize(body) + body;
    }

    /** Size of a length-delimited field with a one-byte tag and a body of {@code bodySize} bytes. */
    static int lengthDelimitedSize(int bodySize) {
        return 1 + varintSize(bodySize) + bodySize;
    }

    private static int labelMessageSize(int nameBytes, int valueBytes) {
        return lengthDelimitedSize(nameBytes) + lengthDelimitedSize(valueBytes);
    }

    static int varintSize(long v) {
        // 7 payload bits per byte; a negative int64 always takes 10 bytes.
        int bits = 64 - Long.numberOfLeadingZeros(v);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }
}
