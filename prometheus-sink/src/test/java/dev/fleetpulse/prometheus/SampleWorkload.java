package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.localstack.QuerySeries;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A known set of samples: {@code seriesCount} series of metric {@code metric} (label {@code series="s007"}),
 * {@code samplesPerSeries} samples each, one second apart, starting ten minutes ago (inside Prometheus' head
 * block). Sample {@code j} of series {@code i} has the exact value {@code i * 100000 + j}, so any lost,
 * duplicated or misplaced sample shows in the comparison.
 */
record SampleWorkload(String metric, int seriesCount, int samplesPerSeries, long startMillis)
        implements Serializable {

    static SampleWorkload of(String metric, int seriesCount, int samplesPerSeries) {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        return new SampleWorkload(metric, seriesCount, samplesPerSeries, start);
    }

    long totalSamples() {
        return (long) seriesCount * samplesPerSeries;
    }

    /**
     * Element k of the stream is sample {@code k / seriesCount} of series {@code k % seriesCount}: every series
     * advances in time order. The source runs at parallelism 1 so that order reaches the keyBy intact.
     */
    DataStream<TimeSeries> stream(StreamExecutionEnvironment env, int maxPerSecond) {
        DataStream<Long> indexes = env.fromSequence(0, totalSamples() - 1).setParallelism(1)
                .uid("sample-indexes").name("Sample indexes");
        if (maxPerSecond > 0) {
            indexes = indexes.map(new Throttle(maxPerSecond)).setParallelism(1).uid("throttle").name("Throttle");
        }
        return indexes.map(new ToSample(this), TimeSeriesTypeInfoFactory.TYPE_INFO).setParallelism(1)
                .uid("to-sample").name("To sample");
    }

    TimeSeries sample(long index) {
        int series = (int) (index % seriesCount);
        int j = (int) (index / seriesCount);
        return TimeSeries.builder(metric).label("series", seriesLabel(series))
                .sample(value(series, j), startMillis + j * 1000L).build();
    }

    static String seriesLabel(int series) {
        return String.format("s%03d", series);
    }

    static double value(int series, int j) {
        return series * 100_000.0 + j;
    }

    /** Every expected sample as "series@timestamp=value", per series in time order. */
    Map<String, List<String>> expected() {
        Map<String, List<String>> expected = new TreeMap<>();
        for (int i = 0; i < seriesCount; i++) {
            List<String> points = new ArrayList<>();
            for (int j = 0; j < samplesPerSeries; j++) {
                points.add((startMillis + j * 1000L) + "=" + value(i, j));
            }
            expected.put(seriesLabel(i), points);
        }
        return expected;
    }

    /** What a receiver returned, in the shape of {@link #expected()}. */
    static Map<String, List<String>> stored(List<QuerySeries> series) {
        Map<String, List<String>> stored = new TreeMap<>();
        for (QuerySeries s : series) {
            stored.put(s.label("series"), s.points().stream()
                    .map(p -> p.timestampMs() + "=" + p.value()).collect(Collectors.toList()));
        }
        return stored;
    }

    String selector() {
        return metric;
    }

    private static final class ToSample implements MapFunction<Long, TimeSeries> {
        private final SampleWorkload workload;

        ToSample(SampleWorkload workload) {
            this.workload = workload;
        }

        @Override
        public TimeSeries map(Long index) {
            return workload.sample(index);
        }
    }

    /** Limits the rate so a job runs long enough for outages and checkpoints to happen mid-stream. */
    private static final class Throttle extends RichMapFunction<Long, Long> {
        private final int maxPerSecond;
        private transient long startNanos;
        private transient long seen;

        Throttle(int maxPerSecond) {
            this.maxPerSecond = maxPerSecond;
        }

        @Override
        public void open(OpenContext openContext) {
            startNanos = System.nanoTime();
        }

        @Override
        public Long map(Long index) throws InterruptedException {
            seen++;
            long dueNanos = startNanos + seen * 1_000_000_000L / maxPerSecond;
            long waitNanos = dueNanos - System.nanoTime();
            if (waitNanos > 0) {
                Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
            }
            return index;
        }
    }
}
