package dev.fleetpulse.jobs.health;

/**
 * One sample of a job's own health ({@link PipelineHealth}), before it becomes a series of whatever the job writes
 * to: the jobs that write to Prometheus turn it into a {@code TimeSeries} with labels {@code job}, {@code subtask} and
 * the optional label of its own.
 *
 * @param name the series name, e.g. {@code fleetpulse_pipeline_dead_letters_total}
 * @param job the job's name
 * @param subtask the operator subtask that reports it
 * @param labelName the sample's own label, e.g. {@code reason}, or null
 * @param labelValue that label's value, or null
 * @param value the count or the gauge's value
 * @param timestamp when it was taken, epoch milliseconds
 */
public record HealthSample(String name, String job, int subtask, String labelName, String labelValue, double value,
                           long timestamp) {
}
