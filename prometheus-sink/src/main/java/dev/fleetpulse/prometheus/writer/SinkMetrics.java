package dev.fleetpulse.prometheus.writer;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

import java.util.function.LongSupplier;

/**
 * The sink's metrics, in the group {@code metricGroupName} under the sink operator. Dropped-sample counters
 * roll up into {@code numSamplesDropped} and Flink's standard {@code numRecordsSendErrors}; written samples
 * and bytes also feed {@code numRecordsSend} and {@code numBytesSend}. Updated on the task thread only.
 */
final class SinkMetrics {

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
        samplesOut = group.counter("numSamplesOut");
        writeRequestsOut = group.counter("numWriteRequestsOut");
        writeRequestsRetries = group.counter("numWriteRequestsRetries");
        samplesDropped = group.counter("numSamplesDropped");
        samplesNonRetryableDropped = group.counter("numSamplesNonRetryableDropped");
        samplesRetryLimitDropped = group.counter("numSamplesRetryLimitDropped");
        samplesFutureDropped = group.counter("numSamplesFutureDropped");
        writeRequestsPermanentlyFailed = group.counter("numWriteRequestsPermanentlyFailed");
        samplesRejectedOutOfOrder = group.counter("numSamplesRejectedOutOfOrder");
        samplesRejectedDuplicate = group.counter("numSamplesRejectedDuplicate");
        group.gauge("bufferedSamples", (Gauge<Long>) bufferedSamples::getAsLong);
        group.gauge("inFlightRequests", (Gauge<Long>) inFlightRequests::getAsLong);
        group.gauge("oldestUnsentSampleAgeMs", (Gauge<Long>) oldestUnsentSampleAgeMillis::getAsLong);
        group.gauge("lastSuccessfulWriteTimeMs", (Gauge<Long>) lastSuccessfulWriteMillis::getAsLong);
        recordsSend = operatorGroup.getNumRecordsSendCounter();
        bytesSend = operatorGroup.getNumBytesSendCounter();
        recordsSendErrors = operatorGroup.getNumRecordsSendErrorsCounter();
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
