package dev.fleetpulse.benchmarks;

import dev.fleetpulse.prometheus.writer.FutureSampleBound;
import dev.fleetpulse.prometheus.PrometheusSink;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesSerializer;
import dev.fleetpulse.prometheus.writer.WriteRequestBatch;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * What the {@code keyBy} in front of the sink costs per series, on each side of the shuffle, in the raw-event
 * writer's shape ({@code vehicle_ic_rpm{region, vehicle_id}}, one sample). Scores are series per second.
 *
 * <ul>
 *   <li>{@code build}: the upstream task: build the series (as a job does per event), key it to pick its key group,
 *       serialize it into the network buffer.</li>
 *   <li>{@code receive}: the sink's task: deserialize the series, key it (Flink sets the key context of a keyed
 *       operator for every record), and take the hash the writer assigns its lane by.</li>
 *   <li>{@code receiveAndEncode}: all the sink's task does per series up to the bytes it sends: {@code receive}, then
 *       check its newest timestamp against the future bound (as the writer does), add the series to a 500-sample
 *       request and encode and compress that request.</li>
 * </ul>
 *
 * <p>Run: {@code benchmarks/run.sh jmh TimeSeriesShuffleBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TimeSeriesShuffleBenchmark {

    private static final int SERIES = 500;

    private final TimeSeriesKeySelector keys = new TimeSeriesKeySelector();
    private final DataOutputSerializer out = new DataOutputSerializer(64 * 1024);
    private final DataInputDeserializer in = new DataInputDeserializer();
    private String[] vehicleIds;
    private String[] regions;
    private final WriteRequestBatch batch = new WriteRequestBatch(SERIES,
            PrometheusSink.Builder.DEFAULT_MAX_BATCH_BYTES);
    private final FutureSampleBound futureBound = new FutureSampleBound(
            PrometheusSink.Builder.DEFAULT_MAX_FUTURE_SKEW, System::currentTimeMillis);
    private byte[] serialized;
    private int serializedLength;

    @Setup
    public void setUp() throws IOException {
        vehicleIds = SinkThroughput.vehicleIds(SERIES);
        regions = SinkThroughput.regions(SERIES);
        build();
        serialized = out.getCopyOfBuffer();
        serializedLength = out.length();
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public int build() throws IOException {
        out.clear();
        int keyHashes = 0;
        for (int k = 0; k < SERIES; k++) {
            TimeSeries series = SinkThroughput.sample("vehicle_ic_rpm", k, SERIES, 0L, vehicleIds, regions);
            keyHashes += keys.getKey(series).hashCode();
            TimeSeriesSerializer.INSTANCE.serialize(series, out);
        }
        return keyHashes + out.length();
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public long receive() throws IOException {
        in.setBuffer(serialized, 0, serializedLength);
        long hashes = 0;
        for (int k = 0; k < SERIES; k++) {
            TimeSeries series = TimeSeriesSerializer.INSTANCE.deserialize(in);
            hashes += keys.getKey(series).hashCode() + series.seriesHash();
        }
        return hashes;
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public int receiveAndEncode() throws IOException {
        in.setBuffer(serialized, 0, serializedLength);
        batch.clear();
        int keyHashes = 0;
        for (int k = 0; k < SERIES; k++) {
            TimeSeries series = TimeSeriesSerializer.INSTANCE.deserialize(in);
            keyHashes += keys.getKey(series).hashCode();
            batch.add(series, 0, futureBound.acceptedEnd(series), 0L);
        }
        return keyHashes + batch.compress();
    }
}
