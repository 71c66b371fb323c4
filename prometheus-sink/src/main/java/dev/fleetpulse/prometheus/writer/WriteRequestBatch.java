package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.wire.RemoteWriteEncoder;

import java.util.Arrays;

/**
 * The samples of one remote-write request: a list of series slices (a series and a range of its samples) and
 * the request's bytes ({@link RemoteWriteEncoder}), each slice encoded as it is added (while the series' objects are
 * still in the CPU cache, just deserialized), so the batch limits are byte-exact and sending only compresses.
 *
 * <p>Limits: a batch takes samples until it holds {@code maxSamples} or the next sample would push the encoded
 * {@code WriteRequest} past {@code maxBytes}. An empty batch always takes at least one sample, so a single
 * oversized series cannot stall the sink (the receiver then answers 413 and the sample is counted as dropped).
 * A series with more samples than fit is split across batches, keeping its samples in order.
 *
 * <p>Within one batch, a series' timestamps strictly increase: a sample whose timestamp is not newer than the
 * series' newest one in the batch does not fit, so it starts the next request. Prometheus silently drops such a
 * sample when it comes in the same request (it answers 204), but rejects it with a 400 when it comes in a later
 * one; the sink then counts it, as a duplicate, with the other already-written samples. Two readings of one series
 * in the same millisecond (e.g. two raw events) are therefore visible in the counters instead of vanishing.
 *
 * <p>Not thread-safe; reusable after {@link #clear()}.
 */
public final class WriteRequestBatch {

    private final int maxSamples;
    private final long maxBytes;

    private TimeSeries[] series = new TimeSeries[16];
    private int[] from = new int[16];
    private int[] to = new int[16];
    private int slices;
    private int samples;
    private long encodedBytes;
    private long firstEnqueuedMillis;
    private final NewestTimestamps newest = new NewestTimestamps();
    /** The request's bytes: the slices so far as protobuf, always {@link #encodedBytes} long, and the body. */
    private final RemoteWriteEncoder request = new RemoteWriteEncoder();
    /**
     * Isolation of a refused batch (the writer's bookkeeping): on the first half of a split, its second half, which
     * is sent after it; on a second half, the refusal its first half got, or null.
     */
    WriteRequestBatch secondHalf;
    String firstHalfRefusal;

    public WriteRequestBatch(int maxSamples, long maxBytes) {
        this.maxSamples = maxSamples;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds as many samples of {@code ts}, starting at sample {@code start}, as fit; returns the index of the
     * first sample not added ({@code ts.sampleCount()} when all fitted).
     */
    public int add(TimeSeries ts, int start, long nowMillis) {
        return add(ts, start, ts.sampleCount(), nowMillis);
    }

    /**
     * As {@link #add(TimeSeries, int, long)}, of the samples before {@code limit} only (the writer leaves out samples
     * dated too far in the future); returns the index of the first sample not added ({@code limit} when all fitted).
     */
    public int add(TimeSeries ts, int start, int limit, long nowMillis) {
        long seriesHash = ts.seriesHash();
        // An empty batch holds no series (and takes any sample, even one at Long.MIN_VALUE, which is also what
        // newest.get answers for a series it does not hold: refusing it would leave the writer sealing an empty
        // batch forever).
        if (samples > 0 && ts.timestamp(start) <= newest.get(seriesHash)) {
            return start;
        }
        int labelsSize = RemoteWriteEncoder.labelsSize(ts);
        int end = start;
        int size = labelsSize;
        while (end < limit && samples + (end - start) < maxSamples) {
            if (end > start && ts.timestamp(end) <= ts.timestamp(end - 1)) {
                break;
            }
            int sampleSize = RemoteWriteEncoder.sampleFieldSize(ts.timestamp(end));
            long total = encodedBytes + RemoteWriteEncoder.seriesFieldSize(size + sampleSize);
            boolean first = samples == 0 && end == start;
            if (total > maxBytes && !first) {
                break;
            }
            size += sampleSize;
            end++;
        }
        if (end > start) {
            append(ts, start, end, size, nowMillis);
            newest.put(seriesHash, ts.timestamp(end - 1));
        }
        return end;
    }

    /** Adds a slice regardless of the limits (used when splitting a rejected batch). */
    void addSlice(TimeSeries ts, int start, int end, long enqueuedMillis) {
        int size = RemoteWriteEncoder.labelsSize(ts);
        for (int i = start; i < end; i++) {
            size += RemoteWriteEncoder.sampleFieldSize(ts.timestamp(i));
        }
        append(ts, start, end, size, enqueuedMillis);
    }

    private void append(TimeSeries ts, int start, int end, int messageSize, long nowMillis) {
        if (slices == series.length) {
            int capacity = slices * 2;
            series = Arrays.copyOf(series, capacity);
            from = Arrays.copyOf(from, capacity);
            to = Arrays.copyOf(to, capacity);
        }
        if (samples == 0) {
            firstEnqueuedMillis = nowMillis;
        }
        int fieldSize = RemoteWriteEncoder.seriesFieldSize(messageSize);
        request.appendSeries(ts, start, end, messageSize);
        series[slices] = ts;
        from[slices] = start;
        to[slices] = end;
        slices++;
        samples += end - start;
        encodedBytes += fieldSize;
        if (request.protobufLength() != encodedBytes) {
            throw new IllegalStateException("Encoded " + request.protobufLength() + " bytes but the batch measured "
                    + encodedBytes);
        }
    }

    /** True when no further sample would be accepted, so the batch should be sent. */
    public boolean isFull() {
        return samples >= maxSamples || encodedBytes >= maxBytes;
    }

    public boolean isEmpty() {
        return samples == 0;
    }

    public int sampleCount() {
        return samples;
    }

    /** Exact size of the uncompressed {@code WriteRequest} protobuf. */
    public long encodedBytes() {
        return encodedBytes;
    }

    /** Compresses the request: its body is then {@link #body()}, this many bytes long. */
    public int compress() {
        return request.compress();
    }

    /** The compressed request body, valid until the batch changes or is compressed again. */
    public byte[] body() {
        return request.body();
    }

    /** A copy of the uncompressed {@code WriteRequest} protobuf (for tests and benchmarks). */
    public byte[] protobuf() {
        return request.protobuf();
    }

    /** Wall-clock time the first sample entered this batch: drives the max-age flush and the age gauge. */
    public long firstEnqueuedMillis() {
        return firstEnqueuedMillis;
    }

    int sliceCount() {
        return slices;
    }

    TimeSeries series(int slice) {
        return series[slice];
    }

    int from(int slice) {
        return from[slice];
    }

    int to(int slice) {
        return to[slice];
    }

    /**
     * Moves the first half of the samples (rounded down, at least one) into {@code head} and the rest into
     * {@code tail}, preserving order; both must be empty. Used to isolate rejected samples.
     */
    void splitInto(WriteRequestBatch head, WriteRequestBatch tail) {
        int headSamples = Math.max(1, samples / 2);
        int remaining = headSamples;
        for (int i = 0; i < slices; i++) {
            int start = from[i];
            int end = to[i];
            if (remaining >= end - start) {
                head.addSlice(series[i], start, end, firstEnqueuedMillis);
                remaining -= end - start;
            } else if (remaining > 0) {
                head.addSlice(series[i], start, start + remaining, firstEnqueuedMillis);
                tail.addSlice(series[i], start + remaining, end, firstEnqueuedMillis);
                remaining = 0;
            } else {
                tail.addSlice(series[i], start, end, firstEnqueuedMillis);
            }
        }
    }

    /** Describes the first sample, for log lines about a rejected single-sample request. */
    String describeFirstSample() {
        if (slices == 0) {
            return "(empty)";
        }
        TimeSeries ts = series[0];
        return ts.seriesKey() + " " + ts.value(from[0]) + " @" + ts.timestamp(from[0]);
    }

    public void clear() {
        Arrays.fill(series, 0, slices, null);
        slices = 0;
        samples = 0;
        encodedBytes = 0;
        firstEnqueuedMillis = 0;
        secondHalf = null;
        firstHalfRefusal = null;
        newest.clear();
        request.clear();
    }

    /**
     * The newest timestamp of each series in the batch, by series hash: an open-addressing table that grows with the
     * number of series and is kept across {@link #clear()}, so adding a sample costs one probe and, once warm, no
     * allocation. A hash collision between two series only cuts a batch early, which is harmless.
     */
    static final class NewestTimestamps {

        private static final long EMPTY = 0;

        private long[] keys = new long[64];
        private long[] values = new long[64];
        private int size;

        /** The newest timestamp of the series, or {@link Long#MIN_VALUE} when the batch has none of it. */
        long get(long seriesHash) {
            long key = seriesHash == EMPTY ? 1 : seriesHash;
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    return values[i];
                }
                if (keys[i] == EMPTY) {
                    return Long.MIN_VALUE;
                }
            }
        }

        void put(long seriesHash, long timestamp) {
            if (size * 2 >= keys.length) {
                grow();
            }
            insert(seriesHash == EMPTY ? 1 : seriesHash, timestamp);
        }

        private void insert(long key, long timestamp) {
            int mask = keys.length - 1;
            for (int i = slot(key, mask); ; i = (i + 1) & mask) {
                if (keys[i] == key) {
                    values[i] = timestamp;
                    return;
                }
                if (keys[i] == EMPTY) {
                    keys[i] = key;
                    values[i] = timestamp;
                    size++;
                    return;
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new long[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    insert(oldKeys[i], oldValues[i]);
                }
            }
        }

        void clear() {
            if (size > 0) {
                Arrays.fill(keys, EMPTY);
                size = 0;
            }
        }

        private static int slot(long key, int mask) {
            return (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
        }
    }
}
