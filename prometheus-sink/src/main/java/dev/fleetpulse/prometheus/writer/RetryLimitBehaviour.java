package dev.fleetpulse.prometheus.writer;

/** What the sink does with a request that still fails after the retry limit (count or total time). */
public enum RetryLimitBehaviour {
    /** Fail the job; it restarts from the last checkpoint per its restart strategy. Nothing is lost. */
    FAIL,
    /** Drop the request's samples, count them in {@code numSamplesRetryLimitDropped}, and carry on. */
    DISCARD_AND_CONTINUE
}
