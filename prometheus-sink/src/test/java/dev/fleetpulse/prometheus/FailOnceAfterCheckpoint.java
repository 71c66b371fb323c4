package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

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
