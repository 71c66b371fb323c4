package dev.fleetpulse.jobs.prometheus;

import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.health.PipelineHealth;
import dev.fleetpulse.prometheus.PrometheusSink;
import dev.fleetpulse.prometheus.http.EndpointUrls;
import dev.fleetpulse.prometheus.http.RequestSigner;
import dev.fleetpulse.prometheus.writer.RejectedBehaviour;
import dev.fleetpulse.prometheus.writer.RetryLimitBehaviour;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code PrometheusSink} group: the remote-write endpoint, batching, retries and authentication of a job's
 * {@link PrometheusSink}. Every key but {@code endpoint.url} has the sink builder's default; authentication is chosen
 * by {@link PrometheusAuth} (an AMP workspace URL means SigV4 unless {@code auth.mode} says otherwise).
 *
 * <p>Reading builds the sink once, so cross-key rules of the builder (e.g. {@code max.buffered.samples} at least
 * {@code max.batch.samples}) are reported with the other configuration problems before the job starts, and the
 * builder logs the effective settings.
 */
public final class PrometheusSinkConfig {

    public static final String GROUP = "PrometheusSink";
    public static final String ENDPOINT_URL = "endpoint.url";
    public static final String MAX_BATCH_SAMPLES = "max.batch.samples";
    public static final String MAX_BATCH_BYTES = "max.batch.bytes";
    public static final String MAX_BATCH_AGE_MS = "max.batch.age.ms";
    public static final String MAX_BUFFERED_SAMPLES = "max.buffered.samples";
    public static final String MAX_IN_FLIGHT_REQUESTS = "max.in.flight.requests";
    public static final String RETRY_INITIAL_BACKOFF_MS = "retry.initial.backoff.ms";
    public static final String RETRY_MAX_BACKOFF_MS = "retry.max.backoff.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String MAX_RETRY_DURATION_MS = "max.retry.duration.ms";
    public static final String ON_RETRY_LIMIT = "on.retry.limit";
    public static final String ON_REJECTED = "on.rejected";
    public static final String MAX_FUTURE_MS = "max.future.ms";
    public static final String CONNECT_TIMEOUT_MS = "connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String METRIC_GROUP_NAME = "metric.group.name";
    public static final String AUTH_MODE = "auth.mode";
    public static final String AWS_REGION = "aws.region";
    public static final String AWS_ROLE_ARN = "aws.role.arn";
    public static final String AWS_ROLE_SESSION_NAME = "aws.role.session.name";
    public static final String AWS_ROLE_EXTERNAL_ID = "aws.role.external.id";
    public static final String AUTH_BEARER_TOKEN = "auth.bearer.token";
    public static final String AUTH_BASIC_USERNAME = "auth.basic.username";
    public static final String AUTH_BASIC_PASSWORD = "auth.basic.password";

    public static final String FAIL = "fail";
    public static final String DISCARD_AND_CONTINUE = "discard-and-continue";
    public static final String DROP_AND_COUNT = "drop-and-count";

    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final String endpointUrl;
    private final PrometheusSink sink;

    private PrometheusSinkConfig(String endpointUrl, PrometheusSink sink) {
        this.endpointUrl = endpointUrl;
        this.sink = sink;
    }

    /**
     * Reads the group and builds the sink, reporting every problem to {@code reader}. The sink also writes its own
     * health as the job's {@code fleetpulse_pipeline_*} series ({@link HealthSeries}).
     *
     * @param job the job's name, the {@code job} label of its health series
     * @return the configuration; its sink is null when a problem was reported (then {@code reader.validate()} throws)
     */
    public static PrometheusSinkConfig read(ConfigReader reader, String job) {
        ConfigReader.Group group = reader.group(GROUP);
        int problemsBefore = reader.problems().size();
        PrometheusSink.Builder builder = PrometheusSink.builder();
        String url = group.requiredString(ENDPOINT_URL);
        // Jobs log the URL, and messages name it: past this point only the redacted form is shown (for a URL
        // without user info, the two are the same).
        String shownUrl = EndpointUrls.redact(url);
        if (EndpointUrls.hasUserInfo(url)) {
            reader.problem(GROUP + "." + ENDPOINT_URL, "must not carry user info ('" + shownUrl + "'): the job logs"
                    + " its endpoint URL; set " + GROUP + "." + AUTH_MODE + " basic with " + AUTH_BASIC_USERNAME
                    + " and " + AUTH_BASIC_PASSWORD + " instead");
        }
        builder.endpointUrl(url)
                .maxBatchSamples(group.intIn(MAX_BATCH_SAMPLES,
                        PrometheusSink.Builder.DEFAULT_MAX_BATCH_SAMPLES, 1, 1_000_000))
                .maxBatchBytes(group.longIn(MAX_BATCH_BYTES,
                        PrometheusSink.Builder.DEFAULT_MAX_BATCH_BYTES, 1024, 1L << 30))
                .maxBatchAge(millis(group, MAX_BATCH_AGE_MS, PrometheusSink.Builder.DEFAULT_MAX_BATCH_AGE))
                .maxBufferedSamples(group.intIn(MAX_BUFFERED_SAMPLES,
                        PrometheusSink.Builder.DEFAULT_MAX_BUFFERED_SAMPLES, 1, 100_000_000))
                .maxInFlightRequests(group.intIn(MAX_IN_FLIGHT_REQUESTS,
                        PrometheusSink.Builder.DEFAULT_MAX_IN_FLIGHT_REQUESTS, 1, 256))
                .initialBackoff(millis(group, RETRY_INITIAL_BACKOFF_MS, PrometheusSink.Builder.DEFAULT_INITIAL_BACKOFF))
                .maxBackoff(millis(group, RETRY_MAX_BACKOFF_MS, PrometheusSink.Builder.DEFAULT_MAX_BACKOFF))
                .maxRetries(group.intIn(MAX_RETRIES, PrometheusSink.Builder.DEFAULT_MAX_RETRIES, 0, 1_000_000))
                .maxRetryDuration(millis(group, MAX_RETRY_DURATION_MS,
                        PrometheusSink.Builder.DEFAULT_MAX_RETRY_DURATION))
                .onRetryLimit(group.choice(ON_RETRY_LIMIT, FAIL, List.of(FAIL, DISCARD_AND_CONTINUE)).equals(FAIL)
                        ? RetryLimitBehaviour.FAIL : RetryLimitBehaviour.DISCARD_AND_CONTINUE)
                .onRejected(group.choice(ON_REJECTED, DROP_AND_COUNT, List.of(DROP_AND_COUNT, FAIL)).equals(FAIL)
                        ? RejectedBehaviour.FAIL : RejectedBehaviour.DROP_AND_COUNT)
                .maxFutureSkew(millis(group, MAX_FUTURE_MS, PrometheusSink.Builder.DEFAULT_MAX_FUTURE_SKEW))
                .connectTimeout(millis(group, CONNECT_TIMEOUT_MS, PrometheusSink.Builder.DEFAULT_CONNECT_TIMEOUT))
                .requestTimeout(millis(group, REQUEST_TIMEOUT_MS, PrometheusSink.Builder.DEFAULT_REQUEST_TIMEOUT))
                .metricGroupName(group.string(METRIC_GROUP_NAME, PrometheusSink.Builder.DEFAULT_METRIC_GROUP_NAME))
                .selfMonitoring(PipelineHealth.PREFIX, Map.of(PipelineHealth.JOB, job));
        RequestSigner signer = PrometheusAuth.fromSettings(group.raw(AUTH_MODE), url.isEmpty() ? null : shownUrl,
                group.raw(AWS_REGION), group.raw(AWS_ROLE_ARN), group.raw(AWS_ROLE_SESSION_NAME),
                group.raw(AWS_ROLE_EXTERNAL_ID), group.raw(AUTH_BEARER_TOKEN), group.raw(AUTH_BASIC_USERNAME),
                group.raw(AUTH_BASIC_PASSWORD), reader::problem);
        if (signer != null) {
            builder.requestSigner(signer);
        }
        if (reader.problems().size() > problemsBefore) {
            return new PrometheusSinkConfig(shownUrl, null);
        }
        try {
            return new PrometheusSinkConfig(shownUrl, builder.build());
        } catch (IllegalArgumentException e) {
            reader.problem(GROUP, e.getMessage());
            return new PrometheusSinkConfig(shownUrl, null);
        }
    }

    private static Duration millis(ConfigReader.Group group, String key, Duration defaultValue) {
        return Duration.ofMillis(group.longIn(key, defaultValue.toMillis(), 1, DAY_MS));
    }

    public String endpointUrl() {
        return endpointUrl;
    }

    /** The sink, ready to use after {@code ConfigReader.validate()} passed. */
    public PrometheusSink sink() {
        return sink;
    }

    @Override
    public String toString() {
        return GROUP + "(" + endpointUrl + ", auth " + (sink == null || sink.requestSigner() == null
                ? "none" : sink.requestSigner().getClass().getSimpleName().toLowerCase(Locale.ROOT)) + ")";
    }
}
