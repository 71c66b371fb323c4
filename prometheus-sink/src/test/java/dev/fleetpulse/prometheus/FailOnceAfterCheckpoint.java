package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;

import java.time.Duration;

/**
 * Fails the first execution attempt once a checkpoint has completed and {@code recordsAfter} more records
 * passed (long enough for the sink to have written them), so the restored attempt replays written samples.
 */
final class FailOnceAfterCheckpoint extends RichMapFunction<TimeSeries, TimeSeries>
        implements CheckpointListener, ResultTypeQueryable<TimeSeries> {
    private final int recordsAfter;
    private transient boolean checkpointed;
    private transient int seenAfterCheckpoint;

    FailOnceAfterCheckpoint(int recordsAfter) {
        this.recordsAfter = recordsAfter;
    }

    /**
     * A checkpoint every 2 s and one restart after 200 ms. With 1,000 records a second and {@code recordsAfter} =
     * 1000, the failure comes 1 s after a completed checkpoint and before the next one, so the restored attempt
     * replays a second of samples the sink wrote before the failure.
     */
    static Configuration restartingOnce() {
        Configuration settings = new Configuration();
        settings.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(2));
        settings.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        settings.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        settings.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return settings;
    }

    @Override
    public TimeSeries map(TimeSeries series) {
        boolean firstAttempt = getRuntimeContext().getTaskInfo().getAttemptNumber() == 0;
        if (firstAttempt && checkpointed && ++seenAfterCheckpoint > recordsAfter) {
            throw new IllegalStateException("Killing the first attempt after a completed checkpoint (test)");
        }
        return series;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }

    @Override
    public TypeInformation<TimeSeries> getProducedType() {
        return TimeSeriesTypeInfoFactory.TYPE_INFO;
    }
}
