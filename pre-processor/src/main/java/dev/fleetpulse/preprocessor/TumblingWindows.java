package dev.fleetpulse.preprocessor;

import java.io.Serializable;

/**
 * Tumbling event-time windows {@code [start, start + size)} aligned to the epoch, like Flink's own tumbling windows:
 * an event exactly on a boundary opens the next window.
 *
 * <p>A window is identified by its end, which is also the timestamp of its samples. It is closed once the watermark
 * reaches its last millisecond ({@code end - 1}): a watermark {@code W} promises that no event at or below {@code W}
 * follows, which is the same rule Flink's window operator applies ({@code maxTimestamp() <= watermark}).
 *
 * @param sizeMillis window length in milliseconds, positive
 */
public record TumblingWindows(long sizeMillis) implements Serializable {

    public TumblingWindows {
        if (sizeMillis <= 0) {
            throw new IllegalArgumentException("window size must be positive, was " + sizeMillis + " ms");
        }
    }

    /** End (exclusive) of the window holding this event time. */
    public long endOf(long timestamp) {
        return timestamp - Math.floorMod(timestamp, sizeMillis) + sizeMillis;
    }

    /** Last event time inside the window ending at {@code windowEnd}. */
    public static long lastTimestampOf(long windowEnd) {
        return windowEnd - 1;
    }

    /** True when no further event of the window ending at {@code windowEnd} can arrive on time. */
    public static boolean isClosed(long windowEnd, long watermark) {
        return lastTimestampOf(windowEnd) <= watermark;
    }
}
