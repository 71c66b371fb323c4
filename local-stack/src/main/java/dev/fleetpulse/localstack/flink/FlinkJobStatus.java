package dev.fleetpulse.localstack.flink;

/**
 * The state of a job as the Flink REST API reports it. Mirrors Flink's own {@code JobStatus} so that local-stack needs
 * no Flink classes at compile time.
 */
public enum FlinkJobStatus {
    INITIALIZING(false),
    CREATED(false),
    RUNNING(false),
    FAILING(false),
    FAILED(true),
    CANCELLING(false),
    CANCELED(true),
    FINISHED(true),
    RESTARTING(false),
    SUSPENDED(false),
    RECONCILING(false);

    private final boolean globallyTerminal;

    FlinkJobStatus(boolean globallyTerminal) {
        this.globallyTerminal = globallyTerminal;
    }

    /** FAILED, CANCELED and FINISHED: the job will never change state again, so waiting for any other is pointless. */
    public boolean isGloballyTerminal() {
        return globallyTerminal;
    }
}
