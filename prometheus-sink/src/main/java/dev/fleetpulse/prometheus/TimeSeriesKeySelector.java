package dev.fleetpulse.prometheus;

import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys a stream of {@link TimeSeries} by series (metric name and labels). Use it in the {@code keyBy} before
 * {@link PrometheusSink} so each series is written by exactly one subtask, which keeps its samples in order.
 */
public final class TimeSeriesKeySelector implements KeySelector<TimeSeries, SeriesKey> {

    @Override
    public SeriesKey getKey(TimeSeries series) {
        return series.seriesKey();
    }
}
