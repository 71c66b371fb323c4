package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.http.EndpointUrls;
import dev.fleetpulse.prometheus.http.RequestSigner;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.writer.PrometheusSinkSettings;
import dev.fleetpulse.prometheus.writer.PrometheusSinkWriter;
import dev.fleetpulse.prometheus.writer.RejectedBehaviour;
import dev.fleetpulse.prometheus.writer.RetryLimitBehaviour;
import dev.fleetpulse.prometheus.writer.SelfMonitoring;
import dev.fleetpulse.prometheus.writer.SinkCounts;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Flink sink that writes {@link TimeSeries} to a Prometheus Remote-Write 1.0 endpoint (Prometheus, Amazon
 * Managed Service for Prometheus, VictoriaMetrics, ...), at least once, keeping every series' samples in order.
 *
 * <pre>{@code
 * stream.keyBy(new TimeSeriesKeySelector())
 *       .sinkTo(PrometheusSink.builder().endpointUrl("http://127.0.0.1:9090/api/v1/write").build())
 *       .uid("prometheus-sink").name("Prometheus");
 * }</pre>
 *
 * See {@code docs/prometheus-sink.md} for the settings, guarantees and error handling.
 */
public final class PrometheusSink implements Sink<TimeSeries>, SupportsWriterState<TimeSeries, SinkCounts> {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSink.class);

    private final PrometheusSinkSettings settings;
    private final RequestSigner signer;

    private PrometheusSink(PrometheusSinkSettings settings, RequestSigner signer) {
        this.settings = settings;
        this.signer = signer;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SinkWriter<TimeSeries> createWriter(WriterInitContext context) throws IOException {
        return PrometheusSinkWriter.create(settings, signer, context, List.of());
    }

    @Override
    public StatefulSinkWriter<TimeSeries, SinkCounts> restoreWriter(WriterInitContext context,
                                                                    Collection<SinkCounts> recoveredState)
            throws IOException {
        return PrometheusSinkWriter.create(settings, signer, context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<SinkCounts> getWriterStateSerializer() {
        return new SinkCounts.Serializer();
    }

    public PrometheusSinkSettings settings() {
        return settings;
    }

    /** The signer the sink uses, or null. */
    public RequestSigner requestSigner() {
        return signer;
    }

    /** Collects settings; {@link #build()} applies defaults, validates all of them at once and logs the result. */
    public static final class Builder {
        public static final int DEFAULT_MAX_BATCH_SAMPLES = 500;
        public static final long DEFAULT_MAX_BATCH_BYTES = 1024 * 1024;
        public static final Duration DEFAULT_MAX_BATCH_AGE = Duration.ofSeconds(1);
        public static final int DEFAULT_MAX_BUFFERED_SAMPLES = 10_000;
        public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = 4;
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
        public static final int DEFAULT_MAX_RETRIES = 100;
        public static final Duration DEFAULT_MAX_RETRY_DURATION = Duration.ofMinutes(10);
        public static final RetryLimitBehaviour DEFAULT_ON_RETRY_LIMIT = RetryLimitBehaviour.FAIL;
        public static final RejectedBehaviour DEFAULT_ON_REJECTED = RejectedBehaviour.DROP_AND_COUNT;
        /**
         * Ten minutes: far more than the clock difference of two hosts or a window's length, and well inside the
         * hour of the future that Prometheus already takes before ordinary samples go "out of bounds".
         */
        public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(10);
        public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
        public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
        public static final String DEFAULT_USER_AGENT = "FleetPulse-PrometheusSink/1.0";
        public static final String DEFAULT_METRIC_GROUP_NAME = "prometheusSink";
        private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
        private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

        private String endpointUrl;
        private int maxBatchSamples = DEFAULT_MAX_BATCH_SAMPLES;
        private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private Duration maxBatchAge = DEFAULT_MAX_BATCH_AGE;
        private int maxBufferedSamples = DEFAULT_MAX_BUFFERED_SAMPLES;
        private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT_REQUESTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration maxRetryDuration = DEFAULT_MAX_RETRY_DURATION;
        private RetryLimitBehaviour onRetryLimit = DEFAULT_ON_RETRY_LIMIT;
        private RejectedBehaviour onRejected = DEFAULT_ON_REJECTED;
        private Duration maxFutureSkew = DEFAULT_MAX_FUTURE_SKEW;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String userAgent = DEFAULT_USER_AGENT;
        private String metricGroupName = DEFAULT_METRIC_GROUP_NAME;
        private SelfMonitoring selfMonitoring;
        private RequestSigner requestSigner;

        private Builder() {
        }

        /** The remote-write URL, e.g. {@code http://127.0.0.1:9090/api/v1/write}. Required. */
        public Builder endpointUrl(String endpointUrl) {
            this.endpointUrl = endpointUrl;
            return this;
        }

        /** Most samples in one request. */
        public Builder maxBatchSamples(int maxBatchSamples) {
            this.maxBatchSamples = maxBatchSamples;
            return this;
        }

        /** Most bytes of uncompressed protobuf in one request (receivers such as AMP reject large ones). */
        public Builder maxBatchBytes(long maxBatchBytes) {
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /** Longest a sample waits in a batch that is not full before the batch is sent. */
        public Builder maxBatchAge(Duration maxBatchAge) {
            this.maxBatchAge = maxBatchAge;
            return this;
        }

        /** Samples a subtask holds (batching, in flight, retrying) before {@code write} blocks (backpressure). */
        public Builder maxBufferedSamples(int maxBufferedSamples) {
            this.maxBufferedSamples = maxBufferedSamples;
            return this;
        }

        /** Lanes per subtask: series are hashed to lanes, each lane has at most one request in flight. */
        public Builder maxInFlightRequests(int maxInFlightRequests) {
            this.maxInFlightRequests = maxInFlightRequests;
            return this;
        }

        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /** Retries of one request before {@link #onRetryLimit} applies. */
        public Builder maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** Longest time one request may spend retrying before {@link #onRetryLimit} applies. */
        public Builder maxRetryDuration(Duration maxRetryDuration) {
            this.maxRetryDuration = maxRetryDuration;
            return this;
        }

        public Builder onRetryLimit(RetryLimitBehaviour onRetryLimit) {
            this.onRetryLimit = onRetryLimit;
            return this;
        }

        /** What to do with samples the receiver refuses for good: drop and count them, or fail the job. */
        public Builder onRejected(RejectedBehaviour onRejected) {
            this.onRejected = onRejected;
            return this;
        }

        /**
         * How far past the task manager's clock a sample may be dated; a later one is dropped and counted in
         * {@code numSamplesFutureDropped}, never sent (it would make Prometheus refuse ordinary samples).
         */
        public Builder maxFutureSkew(Duration maxFutureSkew) {
            this.maxFutureSkew = maxFutureSkew;
            return this;
        }

        /**
         * Signs every request, retries included: e.g. {@code new BearerTokenSigner(token)},
         * {@code new BasicAuthSigner(user, password)}, or SigV4 for AMP from {@code prometheus-sink-amp}.
         */
        public Builder requestSigner(RequestSigner requestSigner) {
            this.requestSigner = requestSigner;
            return this;
        }

        /** Metric group under the sink operator's group; use {@code kinesisAnalytics} on Amazon MSF. */
        public Builder metricGroupName(String metricGroupName) {
            this.metricGroupName = metricGroupName;
            return this;
        }

        /**
         * Also write the sink's own health to the endpoint, as series named {@code seriesPrefix} + a name of
         * {@link SelfMonitoring}, with {@code labels} and the writer's {@code subtask} (off by default): for
         * dashboards and alerts where nothing scrapes the job.
         */
        public Builder selfMonitoring(String seriesPrefix, Map<String, String> labels) {
            this.selfMonitoring = new SelfMonitoring(seriesPrefix, labels);
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Timeout of one HTTP request, response included; a timeout is retried like a network error. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        /**
         * Validates every setting and builds the sink.
         *
         * @throws IllegalArgumentException listing every invalid setting by name
         */
        public PrometheusSink build() {
            List<String> problems = new ArrayList<>();
            URI uri = validateEndpoint(problems);
            positive(problems, "maxBatchSamples", maxBatchSamples);
            if (maxBatchBytes < 1024) {
                problems.add("maxBatchBytes must be at least 1024, was " + maxBatchBytes);
            }
            positive(problems, "maxBatchAge", maxBatchAge);
            if (maxBufferedSamples < maxBatchSamples) {
                problems.add("maxBufferedSamples must be at least maxBatchSamples (" + maxBatchSamples + "), was "
                        + maxBufferedSamples);
            }
            if (maxInFlightRequests < 1 || maxInFlightRequests > 256) {
                problems.add("maxInFlightRequests must be between 1 and 256, was " + maxInFlightRequests);
            }
            positive(problems, "initialBackoff", initialBackoff);
            positive(problems, "maxBackoff", maxBackoff);
            if (initialBackoff != null && maxBackoff != null && maxBackoff.compareTo(initialBackoff) < 0) {
                problems.add("maxBackoff (" + maxBackoff + ") must not be less than initialBackoff ("
                        + initialBackoff + ")");
            }
            if (maxRetries < 0) {
                problems.add("maxRetries must be 0 or more, was " + maxRetries);
            }
            positive(problems, "maxRetryDuration", maxRetryDuration);
            if (onRetryLimit == null) {
                problems.add("onRetryLimit must be FAIL or DISCARD_AND_CONTINUE, was null");
            }
            if (onRejected == null) {
                problems.add("onRejected must be DROP_AND_COUNT or FAIL, was null");
            }
            positive(problems, "maxFutureSkew", maxFutureSkew);
            positive(problems, "connectTimeout", connectTimeout);
            positive(problems, "requestTimeout", requestTimeout);
            if (userAgent == null || userAgent.isBlank()) {
                problems.add("userAgent must not be blank");
            }
            if (metricGroupName == null || metricGroupName.isBlank()) {
                problems.add("metricGroupName must not be blank");
            }
            if (selfMonitoring != null) {
                validateSelfMonitoring(problems);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid PrometheusSink settings: " + String.join("; ", problems));
            }
            PrometheusSinkSettings settings = new PrometheusSinkSettings(uri, maxBatchSamples, maxBatchBytes,
                    maxBatchAge, maxBufferedSamples, maxInFlightRequests, initialBackoff, maxBackoff, maxRetries,
                    maxRetryDuration, onRetryLimit, onRejected, maxFutureSkew, connectTimeout, requestTimeout,
                    userAgent, metricGroupName, selfMonitoring);
            if (requestSigner != null && "http".equals(uri.getScheme())) {
                LOG.warn("PrometheusSink sends credentials over plain http to {}", uri);
            }
            LOG.info("PrometheusSink settings: {}", settings.describe(requestSigner));
            return new PrometheusSink(settings, requestSigner);
        }

        private URI validateEndpoint(List<String> problems) {
            if (endpointUrl == null || endpointUrl.isBlank()) {
                problems.add("endpointUrl is required, e.g. http://127.0.0.1:9090/api/v1/write");
                return null;
            }
            // The URL is logged and named in exception messages: every message shows it without user info.
            String shown = EndpointUrls.redact(endpointUrl);
            if (EndpointUrls.hasUserInfo(endpointUrl)) {
                problems.add("endpointUrl must not carry user info ('" + shown + "'): the sink logs its endpoint"
                        + " URL; pass credentials with a requestSigner, e.g. new BasicAuthSigner(user, password)");
                return null;
            }
            try {
                URI uri = new URI(endpointUrl.trim());
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                    problems.add("endpointUrl must be an http or https URL, was '" + shown + "'");
                } else if (uri.getHost() == null) {
                    problems.add("endpointUrl has no host: '" + shown + "'");
                }
                return uri;
            } catch (URISyntaxException e) {
                // Not e.getMessage(): it repeats the whole input.
                problems.add("endpointUrl is not a valid URL: '" + shown + "' (" + e.getReason() + " at index "
                        + e.getIndex() + ")");
                return null;
            }
        }

        private void validateSelfMonitoring(List<String> problems) {
            if (!METRIC_NAME.matcher(selfMonitoring.seriesPrefix()).matches()) {
                problems.add("selfMonitoring's series prefix must be a metric name start ([a-zA-Z_:][a-zA-Z0-9_:]*),"
                        + " was '" + selfMonitoring.seriesPrefix() + "'");
            }
            selfMonitoring.labels().forEach((name, value) -> {
                if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")
                        || name.equals(SelfMonitoring.SUBTASK)) {
                    problems.add("selfMonitoring's label '" + name + "' must be a label name of its own"
                            + " ([a-zA-Z_][a-zA-Z0-9_]*, not __*, not " + SelfMonitoring.SUBTASK + ")");
                }
            });
        }

        private static void positive(List<String> problems, String name, int value) {
            if (value < 1) {
                problems.add(name + " must be at least 1, was " + value);
            }
        }

        private static void positive(List<String> problems, String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                problems.add(name + " must be a positive duration, was " + value);
            }
        }
    }
}
