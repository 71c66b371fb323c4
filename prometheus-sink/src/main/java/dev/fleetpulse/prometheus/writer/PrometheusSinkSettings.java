package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.http.RequestSigner;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;

/**
 * The resolved, validated settings of a sink, as its builder checked them.
 *
 * @param selfMonitoring the sink's own health series, or null for none
 */
public record PrometheusSinkSettings(
        URI endpointUrl,
        int maxBatchSamples,
        long maxBatchBytes,
        Duration maxBatchAge,
        int maxBufferedSamples,
        int maxInFlightRequests,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxRetries,
        Duration maxRetryDuration,
        RetryLimitBehaviour onRetryLimit,
        RejectedBehaviour onRejected,
        Duration maxFutureSkew,
        Duration connectTimeout,
        Duration requestTimeout,
        String userAgent,
        String metricGroupName,
        SelfMonitoring selfMonitoring) implements Serializable {

    /** One log line of the effective settings (no secrets: credentials live in the signer). */
    public String describe(RequestSigner signer) {
        return "endpointUrl=" + endpointUrl
                + ", maxBatchSamples=" + maxBatchSamples
                + ", maxBatchBytes=" + maxBatchBytes
                + ", maxBatchAge=" + maxBatchAge
                + ", maxBufferedSamples=" + maxBufferedSamples
                + ", maxInFlightRequests=" + maxInFlightRequests
                + ", initialBackoff=" + initialBackoff
                + ", maxBackoff=" + maxBackoff
                + ", maxRetries=" + maxRetries
                + ", maxRetryDuration=" + maxRetryDuration
                + ", onRetryLimit=" + onRetryLimit
                + ", onRejected=" + onRejected
                + ", maxFutureSkew=" + maxFutureSkew
                + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout
                + ", userAgent=" + userAgent
                + ", metricGroupName=" + metricGroupName
                + ", selfMonitoring=" + (selfMonitoring == null ? "off" : selfMonitoring.seriesPrefix() + "*"
                        + selfMonitoring.labels())
                + ", requestSigner=" + (signer == null ? "none" : signer.toString());
    }
}
