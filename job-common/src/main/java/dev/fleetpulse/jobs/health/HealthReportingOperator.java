package dev.fleetpulse.jobs.health;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

/**
 * An operator that reports part of its job's health ({@link PipelineHealth}): it restores and checkpoints the counts,
 * writes counters when a checkpoint completes (every {@link PipelineHealth#INTERVAL} without checkpointing) and gauges
 * every {@link PipelineHealth#INTERVAL} from when it opens, and everything once more when its input ends. Subclasses
 * register their counters and gauges with {@link #health()} in {@code open}, after {@code super.open()}: the first
 * emission runs on the mailbox after {@code open} returns.
 */
public abstract class HealthReportingOperator<OUT> extends AbstractStreamOperator<OUT> {

    private static final long serialVersionUID = 1L;

    private final String job;
    private transient PipelineHealth health;

    /** @param job the job's name, the {@code job} label of its health series */
    protected HealthReportingOperator(String job) {
        this.job = job;
    }

    protected PipelineHealth health() {
        return health;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        health = new PipelineHealth(job, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        health.initializeState(context);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        health.snapshotState(context);
    }

    @Override
    public void open() throws Exception {
        super.open();
        health.start(getProcessingTimeService(), output);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        super.notifyCheckpointComplete(checkpointId);
        health.checkpointCompleted(checkpointId, output, getProcessingTimeService().getCurrentProcessingTime());
    }

    @Override
    public void finish() throws Exception {
        health.emitFinal(output, getProcessingTimeService().getCurrentProcessingTime());
        super.finish();
    }
}
