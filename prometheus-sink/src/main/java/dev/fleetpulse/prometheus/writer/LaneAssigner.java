package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.model.TimeSeries;

/**
 * Maps a series to one of N lanes. Each lane has at most one request in flight, so all samples of a series
 * travel in order even with N requests in flight.
 *
 * <p>The series hash is re-mixed (SplitMix64 finalizer) before the modulo: Flink routes keys to subtasks from
 * the same series, so without re-mixing, the series that reach one subtask could share hash bits and crowd
 * into a few lanes.
 */
public final class LaneAssigner {

    private final int lanes;

    public LaneAssigner(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be at least 1, was " + lanes);
        }
        this.lanes = lanes;
    }

    public int laneOf(TimeSeries series) {
        return laneOf(series.seriesHash());
    }

    int laneOf(long seriesHash) {
        long z = seriesHash;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        z ^= z >>> 31;
        return (int) Long.remainderUnsigned(z, lanes);
    }

    public int lanes() {
        return lanes;
    }
}
