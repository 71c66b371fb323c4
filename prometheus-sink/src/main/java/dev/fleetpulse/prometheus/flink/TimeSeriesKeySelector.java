package dev.fleetpulse.prometheus.flink;

import dev.fleetpulse.prometheus.model.SeriesKey;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

/**
 * Keys a stream of {@link TimeSeries} by series (metric name and labels). Use it in the {@code keyBy} before
 * the sink so each series is written by exactly one subtask, which keeps its samples in order. It tells Flink its key
 * type, so the key is serialized by {@link SeriesKeySerializer}, never Kryo.
 */
public final class TimeSeriesKeySelector implements KeySelector<TimeSeries, SeriesKey>,
        ResultTypeQueryable<SeriesKey> {

    @Override
    public SeriesKey getKey(TimeSeries series) {
        return series.seriesKey();
    }

    @Override
    public TypeInformation<SeriesKey> getProducedType() {
        return SeriesKeyTypeInfoFactory.TYPE_INFO;
    }
}
