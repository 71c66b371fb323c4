package dev.fleetpulse.localstack.flink;

import dev.fleetpulse.localstack.flink.FlinkRestClient.SavepointOperation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * One job submitted to a {@link LocalFlinkCluster}, as {@link LocalFlinkCluster#submitJar} or
 * {@link LocalFlinkCluster#runJar} return it: its status, checkpoints and exception history, and the operations an
 * operator would run on it, all through the REST API.
 *
 * <p>Every wait fails at once if the job ends in another state than the awaited one, and every failed wait reports
 * the job's latest exception, so a test that times out says why the job did not get there.
 */
public final class FlinkJob {

    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_WITH_SAVEPOINT_TIMEOUT = Duration.ofMinutes(2);

    private final String id;
    private final FlinkRestClient rest;
    private final Path jobManagerLog;

    FlinkJob(String id, FlinkRestClient rest, Path jobManagerLog) {
        this.id = id;
        this.rest = rest;
        this.jobManagerLog = jobManagerLog;
    }

    /** The job id, as the REST API and the web UI show it. */
    public String id() {
        return id;
    }

    public FlinkJobStatus status() {
        return rest.jobStatus(id);
    }

    /**
     * Waits for the job to reach {@code expected}. Fails at once if the job ends in another terminal state: waiting for
     * RUNNING on a FAILED job would only burn the timeout.
     */
    public FlinkJobStatus awaitStatus(FlinkJobStatus expected, Duration timeout) {
        return Await.until(timeout, this::status, status -> status == expected,
                status -> {
                    if (status.isGloballyTerminal()) {
                        throw failure("Job " + id + " is " + status + ", so it will never be " + expected);
                    }
                },
                status -> failure("Job " + id + " is still " + status + " after " + timeout
                        + ", expected " + expected));
    }

    /** Cancels the job and waits until it is CANCELED. */
    public void cancel() {
        rest.cancel(id);
        awaitStatus(FlinkJobStatus.CANCELED, CANCEL_TIMEOUT);
    }

    /**
     * Stop-with-savepoint ({@code POST /jobs/:id/stop}, no drain): waits for the savepoint and for the job to be
     * FINISHED, and returns the savepoint's path to pass to
     * {@link LocalFlinkCluster#runJar(String, List, int, String)}.
     */
    public String stopWithSavepoint(Path targetDirectory) {
        String triggerId = rest.triggerStopWithSavepoint(id, targetDirectory.toUri().toString());
        SavepointOperation savepoint = Await.until(STOP_WITH_SAVEPOINT_TIMEOUT,
                () -> rest.savepointOperation(id, triggerId), SavepointOperation::completed,
                // Nothing to fail fast on: a job that fails while stopping completes the operation with the failure.
                inProgress -> { },
                inProgress -> failure("Stop-with-savepoint of job " + id + " did not complete within "
                        + STOP_WITH_SAVEPOINT_TIMEOUT));
        if (savepoint.failureStackTrace() != null) {
            throw new IllegalStateException("Stop-with-savepoint of job " + id + " failed: "
                    + savepoint.failureStackTrace());
        }
        awaitStatus(FlinkJobStatus.FINISHED, STOP_WITH_SAVEPOINT_TIMEOUT);
        return savepoint.location();
    }

    /** The job's exception history as Flink keeps it (the last web.exception-history-size failures, 16 by default). */
    public List<JobExceptionEntry> exceptions() {
        return rest.jobExceptions(id);
    }

    public CheckpointCounts checkpoints() {
        return rest.checkpoints(id);
    }

    /** Waits until the job has completed at least {@code completed} checkpoints in total. */
    public CheckpointCounts awaitCompletedCheckpoints(long completed, Duration timeout) {
        return awaitCheckpoints(counts -> counts.completed() >= completed, completed + " completed checkpoints",
                timeout);
    }

    /**
     * Waits until the job's checkpoint counters satisfy {@code condition}, e.g. {@code c -> c.restored() >= 1} after a
     * failure; fails at once if the job ends first.
     */
    public CheckpointCounts awaitCheckpoints(Predicate<CheckpointCounts> condition, String description,
            Duration timeout) {
        return Await.until(timeout, this::checkpoints, condition,
                counts -> {
                    FlinkJobStatus status = status();
                    if (status.isGloballyTerminal()) {
                        throw failure("Job " + id + " is " + status + " at " + counts + ", awaiting " + description);
                    }
                },
                counts -> failure("Job " + id + " is at " + counts + " after " + timeout
                        + ", awaiting " + description));
    }

    /** Resource ids of the TaskManagers that run at least one RUNNING subtask of the job, sorted. */
    public List<String> taskManagersRunning() {
        return rest.taskManagersRunning(id);
    }

    private IllegalStateException failure(String message) {
        return new IllegalStateException(message + ". " + failureSummary());
    }

    /** The latest failure of the job, which is usually why a wait on it failed. */
    private String failureSummary() {
        List<JobExceptionEntry> exceptions = exceptions();
        if (exceptions.isEmpty()) {
            return "No exceptions in its history; JobManager log: " + jobManagerLog;
        }
        JobExceptionEntry latest = exceptions.stream().max(Comparator.comparingLong(JobExceptionEntry::timestamp))
                .orElseThrow();
        return exceptions.size() + " exceptions in its history; the latest: " + latest.stacktrace();
    }
}
