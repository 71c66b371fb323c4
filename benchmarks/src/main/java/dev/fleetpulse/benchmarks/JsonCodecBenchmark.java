package dev.fleetpulse.benchmarks;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Parse and write throughput of the event JSON codec, the first step of every job. Inputs are generator-shaped events
 * over 100k vehicles, so field values and lengths vary as they do on the topic.
 *
 * <p>Run: {@code benchmarks/run.sh jmh JsonCodecBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JsonCodecBenchmark {

    private static final int BATCH = 1024;

    private final VehicleEventJson json = new VehicleEventJson();
    private byte[][] records;
    private VehicleEvent[] events;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(7);
        records = new byte[BATCH][];
        events = new VehicleEvent[BATCH];
        long now = System.currentTimeMillis();
        for (int i = 0; i < BATCH; i++) {
            EventType type = EventType.values()[random.nextInt(3)];
            long measurement = type == EventType.WARNINGS ? random.nextInt(6) : random.nextInt(8000);
            events[i] = new VehicleEvent(type, String.format("V%010d", random.nextInt(100_000)),
                    Region.weighted(random.nextDouble()), now + i, measurement);
            records[i] = json.toJson(events[i]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parse(Blackhole bh) {
        for (byte[] record : records) {
            ParseResult result = json.parse(record);
            bh.consume(result);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void write(Blackhole bh) {
        for (VehicleEvent event : events) {
            bh.consume(json.toJson(event));
        }
    }
}
