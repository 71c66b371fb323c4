package dev.fleetpulse.localstack.flink;

/**
 * One failure in a job's exception history ({@code GET /jobs/:id/exceptions}). {@code taskName} and
 * {@code taskManagerId} are null for a global failure that no single task caused.
 */
public record JobExceptionEntry(long timestamp, String exceptionName, String stacktrace, String taskName,
        String taskManagerId) {
}
