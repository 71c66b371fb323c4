package dev.fleetpulse.prometheus.flink;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The strings of the sink's Flink serializers, in two forms.
 *
 * <p>{@link #writeUtf8} / {@link #readUtf8Bytes}: the byte length as a 7-bit varint, then the UTF-8 bytes, copied
 * in one call each way ({@link TimeSeriesSerializer}, on every record a job sends to the sink). Lossless for every
 * string a {@code TimeSeries.Builder} accepts, which replaces unpaired surrogates (they have no UTF-8 form) when it
 * is given them.
 *
 * <p>{@link #writeString} / {@link #readString}: Flink's {@link StringValue} wire format (length + 1, then each char,
 * all as 7-bit varints), lossless for any string ({@link SeriesKeySerializer}, whose keys may be in state). Strings
 * are read without {@code StringValue.readString}'s thread-local char buffer, whose slow path (a fresh 4 KiB buffer)
 * a task thread that reads strings of many lengths takes for most of them.
 */
final class LabelsIo {

    private LabelsIo() {
    }

    static void writeUtf8(byte[] utf8, DataOutputView out) throws IOException {
        writeVarint(utf8.length, out);
        out.write(utf8);
    }

    /** The bytes {@link #writeUtf8} wrote, still encoded. */
    static byte[] readUtf8Bytes(DataInputView in) throws IOException {
        byte[] utf8 = new byte[readVarint(in)];
        in.readFully(utf8);
        return utf8;
    }

    private static void writeVarint(int value, DataOutputView out) throws IOException {
        while ((value & ~0x7F) != 0) {
            out.writeByte((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out);
    }

    /** Reads what {@link StringValue#writeString} wrote (null included), as {@link StringValue#readString} would. */
    static String readString(DataInputView in) throws IOException {
        int length = readVarint(in);
        if (length == 0) {
            return null;
        }
        length--;
        byte[] latin1 = new byte[length];
        for (int i = 0; i < length; i++) {
            int c = readVarint(in);
            if (c > 0xFF) {
                return readWideRest(in, latin1, i, c, length);
            }
            latin1[i] = (byte) c;
        }
        return new String(latin1, StandardCharsets.ISO_8859_1);
    }

    /** The rest of a string that has a char above U+00FF at {@code index}. */
    private static String readWideRest(DataInputView in, byte[] latin1, int index, int wide, int length)
            throws IOException {
        char[] chars = new char[length];
        for (int i = 0; i < index; i++) {
            chars[i] = (char) (latin1[i] & 0xFF);
        }
        chars[index] = (char) wide;
        for (int i = index + 1; i < length; i++) {
            chars[i] = (char) readVarint(in);
        }
        return new String(chars);
    }

    private static int readVarint(DataInputView in) throws IOException {
        int b = in.readUnsignedByte();
        if (b < 0x80) {
            return b;
        }
        int value = b & 0x7F;
        int shift = 7;
        while ((b = in.readUnsignedByte()) >= 0x80) {
            value |= (b & 0x7F) << shift;
            shift += 7;
        }
        return value | (b << shift);
    }
}
