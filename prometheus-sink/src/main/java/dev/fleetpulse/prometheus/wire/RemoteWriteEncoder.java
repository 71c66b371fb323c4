package dev.fleetpulse.prometheus.wire;

import dev.fleetpulse.prometheus.model.TimeSeries;
import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes of one Remote-Write 1.0 request: the {@code prometheus.WriteRequest} protobuf, appended series slice by
 * series slice ({@link #appendSeries}), and that protobuf compressed with snappy (block format) as the request body
 * ({@link #compress}). Sizes are exact ({@link #labelsSize}, {@link #sampleFieldSize}, {@link #seriesFieldSize}), so
 * whoever batches can keep a request within a byte limit before it appends.
 *
 * <pre>
 * WriteRequest { repeated TimeSeries timeseries = 1; }
 * TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
 * Label        { string name = 1; string value = 2; }
 * Sample       { double value = 1; int64 timestamp = 2; }
 * </pre>
 *
 * The metric name is sent as the {@code __name__} label, merged into the sorted label list at its sorted
 * position (upper-case label names sort before it). Labels are written from the series' UTF-8 bytes. Both sample
 * fields are always written (also when zero): valid protobuf, and every sample has the same shape.
 *
 * <p>Not thread-safe; reusable after {@link #clear()}. The body stays valid until the next {@link #compress}.
 */
public final class RemoteWriteEncoder {

    private static final String NAME_LABEL = "__name__";
    private static final byte[] NAME_LABEL_BYTES = NAME_LABEL.getBytes(StandardCharsets.US_ASCII);
    private static final int TAG_TIMESERIES = 1 << 3 | 2;
    private static final int TAG_LABELS = 1 << 3 | 2;
    private static final int TAG_SAMPLES = 2 << 3 | 2;
    private static final int TAG_LABEL_NAME = 1 << 3 | 2;
    private static final int TAG_LABEL_VALUE = 2 << 3 | 2;
    private static final int TAG_SAMPLE_VALUE = 1 << 3 | 1;
    private static final int TAG_SAMPLE_TIMESTAMP = 2 << 3;

    private final ProtoBuffer protobuf = new ProtoBuffer(256);
    private byte[] body = new byte[0];
    private int bodyLength;

    /**
     * Appends one {@code timeseries} field: the series' labels and its samples {@code [start, end)};
     * {@code messageSize} is the TimeSeries message's size, {@link #labelsSize} plus a {@link #sampleFieldSize} per
     * sample.
     */
    public void appendSeries(TimeSeries ts, int start, int end, int messageSize) {
        protobuf.ensureRoom(seriesFieldSize(messageSize));
        protobuf.writeByte(TAG_TIMESERIES);
        protobuf.writeVarint(messageSize);
        int labels = ts.labelCount();
        boolean nameWritten = false;
        for (int i = 0; i < labels; i++) {
            if (!nameWritten && ts.labelName(i).compareTo(NAME_LABEL) > 0) {
                writeLabel(NAME_LABEL_BYTES, ts.metricNameUtf8());
                nameWritten = true;
            }
            writeLabel(ts.labelNameUtf8(i), ts.labelValueUtf8(i));
        }
        if (!nameWritten) {
            writeLabel(NAME_LABEL_BYTES, ts.metricNameUtf8());
        }
        for (int i = start; i < end; i++) {
            long timestamp = ts.timestamp(i);
            protobuf.writeByte(TAG_SAMPLES);
            protobuf.writeVarint(9 + 1 + varintSize(timestamp));
            protobuf.writeByte(TAG_SAMPLE_VALUE);
            protobuf.writeFixed64(Double.doubleToRawLongBits(ts.value(i)));
            protobuf.writeByte(TAG_SAMPLE_TIMESTAMP);
            protobuf.writeVarint(timestamp);
        }
    }

    private void writeLabel(byte[] name, byte[] value) {
        protobuf.writeByte(TAG_LABELS);
        protobuf.writeVarint(labelMessageSize(name.length, value.length));
        protobuf.writeByte(TAG_LABEL_NAME);
        protobuf.writeVarint(name.length);
        protobuf.writeBytes(name);
        protobuf.writeByte(TAG_LABEL_VALUE);
        protobuf.writeVarint(value.length);
        protobuf.writeBytes(value);
    }

    /** Bytes of protobuf appended so far: the uncompressed size of the request. */
    public long protobufLength() {
        return protobuf.length();
    }

    /** Compresses the protobuf appended so far into the body; returns the body's length. */
    public int compress() {
        int protoLength = protobuf.length();
        int maxCompressed = Snappy.maxCompressedLength(protoLength);
        if (body.length < maxCompressed) {
            body = new byte[maxCompressed];
        }
        try {
            bodyLength = Snappy.compress(protobuf.array(), 0, protoLength, body, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("Snappy compression of a " + protoLength + "-byte request failed", e);
        }
        return bodyLength;
    }

    /** The request body, valid for {@link #bodyLength()} bytes until the next {@link #compress}. */
    public byte[] body() {
        return body;
    }

    public int bodyLength() {
        return bodyLength;
    }

    /** A copy of the protobuf appended so far (for tests and benchmarks). */
    public byte[] protobuf() {
        return Arrays.copyOf(protobuf.array(), protobuf.length());
    }

    /** Forgets the protobuf; the buffers stay, sized for the next request. */
    public void clear() {
        protobuf.clear();
        bodyLength = 0;
    }

    /** Size of all label fields of a series, the {@code __name__} label included. */
    public static int labelsSize(TimeSeries ts) {
        int size = labelFieldSize(NAME_LABEL_BYTES.length, ts.metricNameUtf8().length);
        for (int i = 0; i < ts.labelCount(); i++) {
            size += labelFieldSize(ts.labelNameUtf8(i).length, ts.labelValueUtf8(i).length);
        }
        return size;
    }

    /** Size of one {@code samples} field of a TimeSeries message (tag, length, value and timestamp fields). */
    public static int sampleFieldSize(long timestamp) {
        int sample = 9 + 1 + varintSize(timestamp);
        return 1 + varintSize(sample) + sample;
    }

    /** Size of one {@code timeseries} field of the WriteRequest whose TimeSeries message is {@code messageSize}. */
    public static int seriesFieldSize(int messageSize) {
        return lengthDelimitedSize(messageSize);
    }

    private static int labelFieldSize(int nameBytes, int valueBytes) {
        return lengthDelimitedSize(labelMessageSize(nameBytes, valueBytes));
    }

    private static int labelMessageSize(int nameBytes, int valueBytes) {
        return lengthDelimitedSize(nameBytes) + lengthDelimitedSize(valueBytes);
    }

    /** Size of a length-delimited field with a one-byte tag and a body of {@code bodySize} bytes. */
    private static int lengthDelimitedSize(int bodySize) {
        return 1 + varintSize(bodySize) + bodySize;
    }

    static int varintSize(long v) {
        // 7 payload bits per byte; a negative int64 always takes 10 bytes.
        int bits = 64 - Long.numberOfLeadingZeros(v);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }
}
