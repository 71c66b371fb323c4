package dev.fleetpulse.localstack.flink;

/**
 * The checkpoint counters of one job ({@code GET /jobs/:id/checkpoints}). {@code restored} counts how often the job
 * was restored from a checkpoint or savepoint, so it proves that a recovery really went through state.
 */
public record CheckpointCounts(long completed, long failed, long inProgress, long restored) {
}
