package dev.fleetpulse.prometheus.amp;

import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.QuerySeries;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.FaultPlan;
import dev.fleetpulse.localstack.fault.RecordedRequest;
import dev.fleetpulse.prometheus.PrometheusSink;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.fleetpulse.prometheus.amp.SigV4Reference.sha256Hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sink with the AMP signer writes to a real Prometheus (which ignores the signature) through a recording proxy:
 * the samples arrive, and every request on the wire carries a complete SigV4 signature that an independent
 * verifier accepts for the headers and body actually sent, a retried request included.
 *
 * <p>Credentials are static test values in the {@code aws.*} system properties, the first source of the SDK's
 * default chain, so the signer resolves them exactly as on AWS but offline. The proxy's URL names no region, so
 * the region is given explicitly.
 */
class AmpSignedRemoteWriteITCase {

    static final String ACCESS_KEY = "ASIAFLEETPULSEEXAMPLE";
    static final String SECRET_KEY = "fleetpulse/Test+Secret/EXAMPLEKEY0123456789";
    static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLEsessionToken/for+offline=tests==";
    static final String REGION = "us-west-2";
    /** Each test writes its own metric: the tests share one Prometheus. */
    static final String METRIC = "amp_signer_it_rpm";
    static final List<String> VEHICLES = List.of("V0000000001", "V0000000002", "V0000000003");
    static final int SAMPLES_PER_VEHICLE = 4;
    /**
     * Over a second even after the jitter takes up to half of it off, so a retry is signed with a later X-Amz-Date
     * (one-second resolution) than the attempt it repeats; SigV4 is deterministic, so within the same second a
     * re-signed retry carries the very same signature. (At 1,100 ms the retry came 550-1,100 ms later and this test
     * failed once in CI when the attempt and its retry fell in one second.)
     */
    static final Duration RETRY_BACKOFF = Duration.ofMillis(2100);

    static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY
            + "/(\\d{8})/" + REGION + "/aps/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    static final String[] AWS_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken"};

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    private static final Properties SAVED = new Properties();

    @BeforeAll
    static void useStaticTestCredentials() {
        for (String key : AWS_PROPERTIES) {
            if (System.getProperty(key) != null) {
                SAVED.setProperty(key, System.getProperty(key));
            }
        }
        System.setProperty("aws.accessKeyId", ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", SECRET_KEY);
        System.setProperty("aws.sessionToken", SESSION_TOKEN);
    }

    @AfterAll
    static void restoreCredentials() {
        for (String key : AWS_PROPERTIES) {
            System.clearProperty(key);
        }
        SAVED.forEach((key, value) -> System.setProperty((String) key, (String) value));
    }

    @Test
    void shouldWriteEverySampleWithAValidSignatureOnEveryAttemptWhenTheFirstAttemptFails() throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<TimeSeries> input = rpmSeries(METRIC, start);

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.firstRequests(Fault.respond(503, "unavailable (fault proxy)")));
            String endpoint = proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl());

            StreamExecutionEnvironment env = loopbackEnvironment();
            env.fromData(TimeSeriesTypeInfoFactory.TYPE_INFO, input.toArray(new TimeSeries[0])).uid("rpm-series").name("RPM series")
                    .keyBy(new TimeSeriesKeySelector())
                    .sinkTo(PrometheusSink.builder()
                            .endpointUrl(endpoint)
                            .requestSigner(AmpRequestSigner.forWorkspace(endpoint, REGION, null))
                            .initialBackoff(RETRY_BACKOFF)
                            .maxBackoff(RETRY_BACKOFF.multipliedBy(2))
                            .build())
                    .uid("prometheus-sink").name("Prometheus (SigV4)");
            env.execute("amp-signed-remote-write");

            List<RecordedRequest> requests = proxy.requests();
            assertThat(requests).hasSizeGreaterThanOrEqualTo(2);
            requests.forEach(AmpSignedRemoteWriteITCase::assertSignedForTheBytesSent);

            RecordedRequest failed = requests.get(0);
            RecordedRequest retry = requests.stream()
                    .filter(r -> r.number() > failed.number() && Arrays.equals(r.body(), failed.body()))
                    .findFirst().orElseThrow();
            assertThat(failed.status()).isEqualTo(503);
            assertThat(retry.status()).isEqualTo(204);
            assertThat(retry.header("X-Amz-Date")).isNotEqualTo(failed.header("X-Amz-Date"));
            assertThat(signature(retry)).isNotEqualTo(signature(failed));
        }

        assertThat(storedSamples(METRIC)).isEqualTo(expectedSamples(input));
    }

    /**
     * A receiver whose clock is twenty minutes ahead of ours refuses the first attempt as "Signature expired" (AWS's
     * 403): the sink retries it signed on the receiver's clock, taken from the answer's Date header.
     */
    @Test
    void shouldSignTheRetryOnTheReceiversClockWhenItRefusesTheSignatureAsExpired() throws Exception {
        String metric = "amp_signer_it_clock_skew";
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<TimeSeries> input = rpmSeries(metric, start);
        Duration receiverAhead = Duration.ofMinutes(20);
        String receiverNow = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                Instant.now().plus(receiverAhead).atZone(ZoneOffset.UTC));

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.firstRequests(Fault.respond(403, "{\"message\":\"Signature expired: 20261205T070000Z"
                    + " is now earlier than 20261205T071000Z (20261205T071500Z - 5 min.)\"}",
                    Map.of("Date", receiverNow))));

            runSigned(proxy, input, Duration.ofMillis(100));

            List<RecordedRequest> requests = proxy.requests();
            assertThat(requests.get(0).status()).isEqualTo(403);
            assertSignedForTheBytesSent(requests.get(0), Duration.ZERO);
            RecordedRequest retry = retryOf(requests, requests.get(0));
            assertThat(retry.status()).isEqualTo(204);
            assertSignedForTheBytesSent(retry, receiverAhead);
        }

        assertThat(storedSamples(metric)).isEqualTo(expectedSamples(input));
    }

    /** "The security token included in the request is expired": the retry is signed anew with fresh credentials. */
    @Test
    void shouldRetryWithAFreshSignatureWhenTheSessionTokenExpired() throws Exception {
        String metric = "amp_signer_it_expired_token";
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        List<TimeSeries> input = rpmSeries(metric, start);

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.firstRequests(Fault.respond(403,
                    "{\"message\":\"The security token included in the request is expired\"}")));

            runSigned(proxy, input, RETRY_BACKOFF);

            List<RecordedRequest> requests = proxy.requests();
            requests.forEach(AmpSignedRemoteWriteITCase::assertSignedForTheBytesSent);
            RecordedRequest retry = retryOf(requests, requests.get(0));
            assertThat(requests.get(0).status()).isEqualTo(403);
            assertThat(retry.status()).isEqualTo(204);
            assertThat(signature(retry)).isNotEqualTo(signature(requests.get(0)));
        }

        assertThat(storedSamples(metric)).isEqualTo(expectedSamples(input));
    }

    /** A 403 that no new signature can change (a missing permission) still fails the job at once. */
    @Test
    void shouldFailTheJobWhenTheReceiverRefusesThePermission() throws Exception {
        List<TimeSeries> input = rpmSeries("amp_signer_it_forbidden",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));

        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(Fault.respond(403, "{\"message\":\"User: arn:aws:sts::123456789012:"
                    + "assumed-role/fleetpulse/msf is not authorized to perform: aps:RemoteWrite\"}")));

            assertThatThrownBy(() -> runSigned(proxy, input, Duration.ofMillis(100)))
                    .rootCause()
                    .hasMessageContaining("answered HTTP 403")
                    .hasMessageContaining("is not authorized to perform: aps:RemoteWrite");
            assertThat(proxy.requests()).extracting(RecordedRequest::status).containsOnly(403);
        }
    }

    private static void runSigned(FaultInjectingProxy proxy, List<TimeSeries> input, Duration backoff)
            throws Exception {
        String endpoint = proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl());
        StreamExecutionEnvironment env = loopbackEnvironment();
        env.fromData(TimeSeriesTypeInfoFactory.TYPE_INFO, input.toArray(new TimeSeries[0])).uid("rpm-series").name("RPM series")
                .keyBy(new TimeSeriesKeySelector())
                .sinkTo(PrometheusSink.builder()
                        .endpointUrl(endpoint)
                        .requestSigner(AmpRequestSigner.forWorkspace(endpoint, REGION, null))
                        .initialBackoff(backoff)
                        .maxBackoff(backoff.multipliedBy(2))
                        .build())
                .uid("prometheus-sink").name("Prometheus (SigV4)");
        env.execute("amp-signed-remote-write");
    }

    /** The first later attempt with the same body as {@code failed}. */
    private static RecordedRequest retryOf(List<RecordedRequest> requests, RecordedRequest failed) {
        return requests.stream()
                .filter(r -> r.number() > failed.number() && Arrays.equals(r.body(), failed.body()))
                .findFirst().orElseThrow();
    }

    /** The signature must verify against the headers and body the server actually received. */
    static void assertSignedForTheBytesSent(RecordedRequest request) {
        assertSignedForTheBytesSent(request, Duration.ZERO);
    }

    /** As {@link #assertSignedForTheBytesSent(RecordedRequest)}, signed on a clock {@code clockOffset} ahead of ours. */
    static void assertSignedForTheBytesSent(RecordedRequest request, Duration clockOffset) {
        String authorization = request.header("Authorization").orElseThrow();
        Matcher parts = AUTHORIZATION.matcher(authorization);
        assertThat(parts.matches()).as("Authorization of request %d: %s", request.number(), authorization).isTrue();
        String amzDate = request.header("X-Amz-Date").orElseThrow();
        Instant signedAt = AMZ_DATE.parse(amzDate, Instant::from).minus(clockOffset);
        // The Date header the offset comes from has whole seconds.
        assertThat(signedAt).isBetween(request.receivedAt().minusSeconds(6), request.receivedAt().plusSeconds(2));
        assertThat(parts.group(1)).isEqualTo(amzDate.substring(0, 8));
        assertThat(request.header("X-Amz-Content-Sha256")).contains(sha256Hex(request.body()));
        assertThat(request.header("X-Amz-Security-Token")).contains(SESSION_TOKEN);
        List<String> signedHeaders = List.of(parts.group(2).split(";"));
        assertThat(signedHeaders).contains("host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token",
                "content-type", "content-encoding", "x-prometheus-remote-write-version");

        Map<String, String> sent = new LinkedHashMap<>();
        signedHeaders.forEach(name -> sent.put(name, request.header(name).orElseThrow(
                () -> new AssertionError("signed header " + name + " was not sent"))));
        SigV4Reference.Signature verified = SigV4Reference.sign(request.method(), request.path(), Map.of(), sent,
                sha256Hex(request.body()), ACCESS_KEY, SECRET_KEY, REGION, "aps");
        assertThat(authorization).isEqualTo(verified.authorization());
    }

    static String signature(RecordedRequest request) {
        Matcher parts = AUTHORIZATION.matcher(request.header("Authorization").orElseThrow());
        assertThat(parts.matches()).isTrue();
        return parts.group(3);
    }

    static List<TimeSeries> rpmSeries(String metric, Instant start) {
        List<TimeSeries> series = new ArrayList<>();
        for (int v = 0; v < VEHICLES.size(); v++) {
            for (int i = 0; i < SAMPLES_PER_VEHICLE; i++) {
                series.add(TimeSeries.builder(metric)
                        .label("vehicle_id", VEHICLES.get(v))
                        .sample(1000.0 * (v + 1) + i, start.plusSeconds(i).toEpochMilli())
                        .build());
            }
        }
        return series;
    }

    static Map<String, List<QuerySeries.Point>> expectedSamples(List<TimeSeries> input) {
        Map<String, List<QuerySeries.Point>> expected = new LinkedHashMap<>();
        for (TimeSeries series : input) {
            expected.computeIfAbsent(series.labels().get("vehicle_id"), k -> new ArrayList<>())
                    .add(new QuerySeries.Point(series.timestamp(0), series.value(0)));
        }
        return expected;
    }

    static Map<String, List<QuerySeries.Point>> storedSamples(String metric) {
        Map<String, List<QuerySeries.Point>> stored = new LinkedHashMap<>();
        PROMETHEUS.queryClient().rawSamples(metric, Duration.ofMinutes(5)).stream()
                .sorted((a, b) -> a.label("vehicle_id").compareTo(b.label("vehicle_id")))
                .forEach(s -> stored.put(s.label("vehicle_id"), s.points()));
        return stored;
    }

    /** A local Flink cluster bound to 127.0.0.1 only, with Kryo fallbacks disabled. */
    static StreamExecutionEnvironment loopbackEnvironment() {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.set(RestOptions.ADDRESS, "127.0.0.1");
        config.set(RestOptions.PORT, 0);
        config.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        config.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        config.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        config.set(TaskManagerOptions.HOST, "127.0.0.1");
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(config);
        env.setParallelism(2);
        return env;
    }
}
