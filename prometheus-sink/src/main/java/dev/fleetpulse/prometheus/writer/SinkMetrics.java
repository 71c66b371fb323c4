package dev.fleetpulse.prometheus.writer;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The sink's metrics, in the group {@code metricGroupName} under the sink operator. Dropped-sample counters
 * roll up into {@code numSamplesDropped} and Flink's standard {@code numRecordsSendErrors}; written samples
 * and bytes also feed {@code numRecordsSend} and {@code numBytesSend}. Updated on the task thread only.
 */
final class SinkMetrics {

    static final String SAMPLES_OUT = "numSamplesOut";
    static final String WRITE_REQUESTS_OUT = "numWriteRequestsOut";
    static final String WRITE_REQUESTS_RETRIES = "numWriteRequestsRetries";
    static final String SAMPLES_DROPPED = "numSamplesDropped";
    static final String SAMPLES_NON_RETRYABLE_DROPPED = "numSamplesNonRetryableDropped";
    static final String SAMPLES_RETRY_LIMIT_DROPPED = "numSamplesRetryLimitDropped";
    static final String SAMPLES_FUTURE_DROPPED = "numSamplesFutureDropped";
    static final String WRITE_REQUESTS_PERMANENTLY_FAILED = "numWriteRequestsPermanentlyFailed";
    static final String SAMPLES_REJECTED_OUT_OF_ORDER = "numSamplesRejectedOutOfOrder";
    static final String SAMPLES_REJECTED_DUPLICATE = "numSamplesRejectedDuplicate";

    /** The sink's own counters by name, for its writer state and its health series. */
    private final Map<String, Counter> counters = new LinkedHashMap<>();

    private final Counter samplesOut;
    private final Counter writeRequestsOut;
    private final Counter writeRequestsRetries;
    private final Counter samplesDropped;
    private final Counter samplesNonRetryableDropped;
    private final Counter samplesRetryLimitDropped;
    private final Counter samplesFutureDropped;
    private final Counter writeRequestsPermanentlyFailed;
    private final Counter samplesRejectedOutOfOrder;
    private final Counter samplesRejectedDuplicate;
    private final Counter recordsSend;
    private final Counter bytesSend;
    private final Counter recordsSendErrors;

    SinkMetrics(SinkWriterMetricGroup operatorGroup, String groupName, LongSupplier bufferedSamples,
            LongSupplier inFlightRequests, LongSupplier oldestUnsentSampleAgeMillis,
            LongSupplier lastSuccessfulWriteMillis) {
        MetricGroup group = operatorGroup.addGroup(groupName);
        samplesOut = counter(group, SAMPLES_OUT);
        writeRequestsOut = counter(group, WRITE_REQUESTS_OUT);
        writeRequestsRetries = counter(group, WRITE_REQUESTS_RETRIES);
        samplesDropped = counter(group, SAMPLES_DROPPED);
        samplesNonRetryableDropped = counter(group, SAMPLES_NON_RETRYABLE_DROPPED);
        samplesRetryLimitDropped = counter(group, SAMPLES_RETRY_LIMIT_DROPPED);
        samplesFutureDropped = counter(group, SAMPLES_FUTURE_DROPPED);
        writeRequestsPermanentlyFailed = counter(group, WRITE_REQUESTS_PERMANENTLY_FAILED);
        samplesRejectedOutOfOrder = counter(group, SAMPLES_REJECTED_OUT_OF_ORDER);
        samplesRejectedDuplicate = counter(group, SAMPLES_REJECTED_DUPLICATE);
        group.gauge("bufferedSamples", (Gauge<Long>) bufferedSamples::getAsLong);
        group.gauge("inFlightRequests", (Gauge<Long>) inFlightRequests::getAsLong);
        group.gauge("oldestUnsentSampleAgeMs", (Gauge<Long>) oldestUnsentSampleAgeMillis::getAsLong);
        group.gauge("lastSuccessfulWriteTimeMs", (Gauge<Long>) lastSuccessfulWriteMillis::getAsLong);
        recordsSend = operatorGroup.getNumRecordsSendCounter();
        bytesSend = operatorGroup.getNumBytesSendCounter();
        recordsSendErrors = operatorGroup.getNumRecordsSendErrorsCounter();
    }

    private Counter counter(MetricGroup group, String name) {
        Counter counter = group.counter(name);
        counters.put(name, counter);
        return counter;
    }

    /** Every counter's count now, by name. */
    Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counters.forEach((name, counter) -> counts.put(name, counter.getCount()));
        return counts;
    }

    /** Adds counts a restored subtask had at its checkpoint, so its counters go on from there. */
    void restore(Map<String, Long> counts) {
        counts.forEach((name, count) -> {
            Counter counter = counters.get(name);
            if (counter != null) {
                counter.inc(count);
            }
        });
    }

    void written(int samples, int bodyBytes) {
        samplesOut.inc(samples);
        writeRequestsOut.inc();
        recordsSend.inc(samples);
        bytesSend.inc(bodyBytes);
    }

    void retried() {
        writeRequestsRetries.inc();
    }

    /** Refused as older than their series' newest sample: replays after a restore, or late readings (lost). */
    void rejectedOutOfOrder(int samples) {
        samplesRejectedOutOfOrder.inc(samples);
    }

    /** Refused as another value for a timestamp the series holds: lost (the receiver keeps the first value). */
    void rejectedDuplicate(int samples) {
        samplesRejectedDuplicate.inc(samples);
    }

    void nonRetryableDropped(int samples) {
        samplesNonRetryableDropped.inc(samples);
        dropped(samples);
    }

    void retryLimitDropped(int samples) {
        samplesRetryLimitDropped.inc(samples);
        dropped(samples);
    }

    /** Dated later than now plus maxFutureSkew: never sent, so no request failed. */
    void futureDropped(int samples) {
        samplesFutureDropped.inc(samples);
        samplesDropped.inc(samples);
        recordsSendErrors.inc(samples);
    }

    private void dropped(int samples) {
        samplesDropped.inc(samples);
        recordsSendErrors.inc(samples);
        writeRequestsPermanentlyFailed.inc();
    }
}
