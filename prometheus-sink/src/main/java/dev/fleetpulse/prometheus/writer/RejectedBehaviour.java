package dev.fleetpulse.prometheus.writer;

/**
 * What the sink does with a sample the receiver refuses for good (an answer that no retry can change, such as a
 * 400 for a label limit or {@code out of bounds}). Out-of-order and duplicate-timestamp refusals are counted in both
 * cases: after a restore they are the normal answer to replayed samples.
 */
public enum RejectedBehaviour {
    /** Drop the refused samples, count them in {@code numSamplesNonRetryableDropped}, write the others, carry on. */
    DROP_AND_COUNT,
    /**
     * Fail the job at the first such refusal, naming the answer. The job restarts from its last checkpoint and meets
     * the same samples again, so it stays down until the receiver (or its limits) or the input is fixed: for a
     * receiver that must take every sample, where losing one silently is worse than stopping.
     */
    FAIL
}
