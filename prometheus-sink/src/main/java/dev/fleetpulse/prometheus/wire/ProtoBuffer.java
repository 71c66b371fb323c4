package dev.fleetpulse.prometheus.wire;

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

    void writeBytes(byte[] b) {
        System.arraycopy(b, 0, bytes, pos, b.length);
        pos += b.length;
    }
}
