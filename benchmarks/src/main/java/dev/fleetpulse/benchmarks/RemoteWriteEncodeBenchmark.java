package dev.fleetpulse.benchmarks;

import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.writer.WriteRequestBatch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The sink's per-request work: batch 500 samples and encode them as a snappy-compressed Remote-Write request into the
 * encoder's reused buffers. Scores are samples per second.
 *
 * <p>{@code raw}: 500 series of one sample each, the raw-event writer's shape (high cardinality, one sample per
 * event). {@code aggregated}: 10 series of 50 samples each.
 *
 * <p>The same series objects go into every request, so from the second one on their label fields are encoded
 * already, as they are for series that reach the sink through the {@code keyBy} (the serializer encodes them from
 * the bytes it reads). {@code TimeSeriesShuffleBenchmark.receiveAndEncode} measures the sink's whole per-series
 * path, deserialization included.
 *
 * <p>Run: {@code benchmarks/run.sh jmh RemoteWriteEncodeBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RemoteWriteEncodeBenchmark {

    private static final int SAMPLES = 500;

    @Param({"raw", "aggregated"})
    public String shape;

    private TimeSeries[] series;
    private final WriteRequestBatch batch = new WriteRequestBatch(SAMPLES, 1 << 20);

    @Setup
    public void setUp() {
        long t0 = System.currentTimeMillis();
        int seriesCount = shape.equals("raw") ? SAMPLES : 10;
        int perSeries = SAMPLES / seriesCount;
        series = new TimeSeries[seriesCount];
        for (int s = 0; s < seriesCount; s++) {
            TimeSeries.Builder b = TimeSeries.builder("vehicle_ic_rpm")
                    .label("vehicle_id", String.format("V%010d", s * 7919))
                    .label("region", "New Zealand");
            for (int i = 0; i < perSeries; i++) {
                b.sample(800 + (s * 31 + i * 17) % 5000, t0 + i * 1000L);
            }
            series[s] = b.build();
        }
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public int batchAndEncode() {
        batch.clear();
        for (TimeSeries ts : series) {
            batch.add(ts, 0, 0L);
        }
        return batch.compress();
    }
}
