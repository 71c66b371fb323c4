package dev.fleetpulse.localstack.flink;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * An unbounded job packed into a jar by the test: a rate-limited sequence, keyed running sums (keyed state, so a
 * restore has something to restore, and a shuffle between TaskManagers), checkpoints every 500 ms. Rate-limited so
 * it leaves the two cores to the other JVMs.
 */
public final class PacedCountingJob {

    private static final int KEYS = 16;

    private PacedCountingJob() {
    }

    public static void main(String[] args) throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(500);
        DataGeneratorSource<Long> sequence = new DataGeneratorSource<>(
                index -> index, Long.MAX_VALUE, RateLimiterStrategy.perSecond(200), Types.LONG);
        env.fromSource(sequence, WatermarkStrategy.noWatermarks(), "Paced sequence").uid("paced-sequence")
                .keyBy(value -> value % KEYS, Types.LONG)
                .reduce(Long::sum).uid("running-sum").name("Running sum per key")
                .sinkTo(new DiscardingSink<>()).uid("discard").name("Discard");
        env.execute("paced-counting");
    }
}
