package dev.fleetpulse.prometheus;

import java.util.Arrays;

/**
 * A growable byte buffer with the few protobuf primitives the remote-write encoding needs. The caller reserves room
 * with {@link #ensureRoom} before writing (the encoding measures every message first), so the writes themselves do
 * no bounds bookkeeping beyond the array's own.
 */
final class ProtoBuffer {

    private byte[] bytes;
    private int pos;

    ProtoBuffer(int initialCapacity) {
        bytes = new byte[initialCapacity];
    }

    /** Makes room for {@code extra} more bytes, keeping what was written. */
    void ensureRoom(int extra) {
        long needed = (long) pos + extra;
        if (needed > bytes.length) {
            if (needed > Integer.MAX_VALUE - 64) {
                throw new IllegalArgumentException("Write request of " + needed + " bytes is too large to encode");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 64L, bytes.length * 2L)));
        }
    }

    /** The backing array; valid for {@link #length()} bytes until the next write. */
    byte[] array() {
        return bytes;
    }

    int length() {
        return pos;
    }

    void clear() {
        pos = 0;
    }

    void writeByte(int b) {
        bytes[pos++] = (byte) b;
    }

    void writeVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            bytes[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[pos++] = (byte) v;
    }

    void writeFixed64(long v) {
        for (int i = 0; i < 8; i++) {
            bytes[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /** UTF-8 straight into the buffer: no intermediate byte[] per string. */
    void writeUtf8(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes[pos++] = (byte) c;
            } else if (c < 0x800) {
                bytes[pos++] = (byte) (0xC0 | (c >> 6));
                bytes[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                bytes[pos++] = (byte) (0xF0 | (cp >> 18));
                bytes[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                bytes[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                bytes[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // An unpaired surrogate has no UTF-8 form; '?' is what String.getBytes(UTF_8) writes too.
                bytes[pos++] = (byte) '?';
            } else {
                bytes[pos++] = (byte) (0xE0 | (c >> 12));
                bytes[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                bytes[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
