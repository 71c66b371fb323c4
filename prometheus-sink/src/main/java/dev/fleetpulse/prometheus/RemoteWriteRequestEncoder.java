package dev.fleetpulse.prometheus;

import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Encodes a {@link WriteRequestBatch} as a Remote-Write 1.0 {@code prometheus.WriteRequest} protobuf and
 * compresses it with snappy (block format), writing straight into buffers that are reused across requests.
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
 * <p>Not thread-safe: one encoder per lane. The buffers returned by {@link #body()} stay valid until the next
 * {@link #encode} call.
 */
public final class RemoteWriteRequestEncoder {

    private static final String NAME_LABEL = "__name__";
    private static final int TAG_TIMESERIES = 1 << 3 | 2;
    private static final int TAG_LABELS = 1 << 3 | 2;
    private static final int TAG_SAMPLES = 2 << 3 | 2;
    private static final int TAG_LABEL_NAME = 1 << 3 | 2;
    private static final int TAG_LABEL_VALUE = 2 << 3 | 2;
    private static final int TAG_SAMPLE_VALUE = 1 << 3 | 1;
    private static final int TAG_SAMPLE_TIMESTAMP = 2 << 3;

    private byte[] proto = new byte[64 * 1024];
    private byte[] compressed = new byte[Snappy.maxCompressedLength(64 * 1024)];
    private int protoLength;
    private int bodyLength;
    private int pos;

    /** Encodes and compresses the batch; returns the compressed length (the body is {@link #body()}). */
    public int encode(WriteRequestBatch batch) {
        long size = batch.encodedBytes();
        if (size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("Write request of " + size + " bytes is too large to encode");
        }
        protoLength = (int) size;
        if (proto.length < protoLength) {
            proto = new byte[Math.max(protoLength, proto.length * 2)];
        }
        pos = 0;
        for (int s = 0; s < batch.sliceCount(); s++) {
            writeSlice(batch.series(s), batch.from(s), batch.to(s), batch.messageSize(s));
        }
        if (pos != protoLength) {
            throw new IllegalStateException("Encoded " + pos + " bytes but the batch measured " + protoLength);
        }
        int maxCompressed = Snappy.maxCompressedLength(protoLength);
        if (compressed.length < maxCompressed) {
            compressed = new byte[Math.max(maxCompressed, compressed.length * 2)];
        }
        try {
            bodyLength = Snappy.compress(proto, 0, protoLength, compressed, 0);
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

    /** The uncompressed protobuf of the last request (for tests and benchmarks). */
    public byte[] uncompressedProtobuf() {
        return Arrays.copyOf(proto, protoLength);
    }

    private void writeSlice(TimeSeries ts, int start, int end, int messageSize) {
        writeByte(TAG_TIMESERIES);
        writeVarint(messageSize);
        String[] names = ts.labelNamesArray();
        String[] values = ts.labelValuesArray();
        boolean nameWritten = false;
        for (int i = 0; i < names.length; i++) {
            if (!nameWritten && names[i].compareTo(NAME_LABEL) > 0) {
                writeLabel(NAME_LABEL, ts.metricName());
                nameWritten = true;
            }
            writeLabel(names[i], values[i]);
        }
        if (!nameWritten) {
            writeLabel(NAME_LABEL, ts.metricName());
        }
        for (int i = start; i < end; i++) {
            long timestamp = ts.timestamp(i);
            writeByte(TAG_SAMPLES);
            writeVarint(9 + 1 + varintSize(timestamp));
            writeByte(TAG_SAMPLE_VALUE);
            writeFixed64(Double.doubleToRawLongBits(ts.value(i)));
            writeByte(TAG_SAMPLE_TIMESTAMP);
            writeVarint(timestamp);
        }
    }

    private void writeLabel(String name, String value) {
        int nameBytes = utf8Length(name);
        int valueBytes = utf8Length(value);
        writeByte(TAG_LABELS);
        writeVarint(labelMessageSize(nameBytes, valueBytes));
        writeByte(TAG_LABEL_NAME);
        writeVarint(nameBytes);
        writeUtf8(name);
        writeByte(TAG_LABEL_VALUE);
        writeVarint(valueBytes);
        writeUtf8(value);
    }

    private void writeByte(int b) {
        proto[pos++] = (byte) b;
    }

    private void writeVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            proto[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        proto[pos++] = (byte) v;
    }

    private void writeFixed64(long v) {
        for (int i = 0; i < 8; i++) {
            proto[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /** UTF-8 straight into the buffer: no intermediate byte[] per string. */
    private void writeUtf8(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                proto[pos++] = (byte) c;
            } else if (c < 0x800) {
                proto[pos++] = (byte) (0xC0 | (c >> 6));
                proto[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                proto[pos++] = (byte) (0xF0 | (cp >> 18));
                proto[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                proto[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                proto[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // An unpaired surrogate has no UTF-8 form; '?' is what String.getBytes(UTF_8) writes too.
                proto[pos++] = (byte) '?';
            } else {
                proto[pos++] = (byte) (0xE0 | (c >> 12));
                proto[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                proto[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** Size of all label fields of a series, the {@code __name__} label included. */
    static int labelsSize(TimeSeries ts) {
        int size = lengthDelimitedSize(labelMessageSize(NAME_LABEL.length(), utf8Length(ts.metricName())));
        String[] names = ts.labelNamesArray();
        String[] values = ts.labelValuesArray();
        for (int i = 0; i < names.length; i++) {
            size += lengthDelimitedSize(labelMessageSize(utf8Length(names[i]), utf8Length(values[i])));
        }
        return size;
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

    static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
