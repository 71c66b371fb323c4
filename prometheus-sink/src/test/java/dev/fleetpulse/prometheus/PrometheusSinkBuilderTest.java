package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.http.BearerTokenSigner;
import dev.fleetpulse.prometheus.http.BasicAuthSigner;
import dev.fleetpulse.prometheus.http.SignableRequest;
import dev.fleetpulse.prometheus.writer.PrometheusSinkSettings;
import dev.fleetpulse.prometheus.writer.RejectedBehaviour;
import dev.fleetpulse.prometheus.writer.RetryLimitBehaviour;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusSinkBuilderTest {

    private static final String ENDPOINT = "http://127.0.0.1:9090/api/v1/write";

    @Test
    void shouldApplyDocumentedDefaults() {
        PrometheusSinkSettings settings = PrometheusSink.builder().endpointUrl(ENDPOINT).build().settings();

        assertThat(settings).isEqualTo(new PrometheusSinkSettings(URI.create(ENDPOINT), 500, 1024 * 1024,
                Duration.ofSeconds(1), 10_000, 4, Duration.ofMillis(100), Duration.ofSeconds(5), 100,
                Duration.ofMinutes(10), RetryLimitBehaviour.FAIL, RejectedBehaviour.DROP_AND_COUNT,
                Duration.ofMinutes(10), Duration.ofSeconds(10), Duration.ofSeconds(30),
                "FleetPulse-PrometheusSink/1.0", "prometheusSink", null));
    }

    @Test
    void shouldListEveryInvalidSettingByName() {
        PrometheusSink.Builder builder = PrometheusSink.builder()
                .endpointUrl("ftp://host/x")
                .maxBatchSamples(0)
                .maxBatchBytes(10)
                .maxBatchAge(Duration.ZERO)
                .maxBufferedSamples(-1)
                .maxInFlightRequests(0)
                .initialBackoff(Duration.ofSeconds(10))
                .maxBackoff(Duration.ofSeconds(1))
                .maxRetries(-1)
                .maxRetryDuration(null)
                .onRetryLimit(null)
                .onRejected(null)
                .maxFutureSkew(Duration.ZERO)
                .connectTimeout(Duration.ofSeconds(-1))
                .requestTimeout(null)
                .userAgent(" ")
                .metricGroupName("");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid PrometheusSink settings: "
                        + "endpointUrl must be an http or https URL, was 'ftp://host/x'; "
                        + "maxBatchSamples must be at least 1, was 0; "
                        + "maxBatchBytes must be at least 1024, was 10; "
                        + "maxBatchAge must be a positive duration, was PT0S; "
                        + "maxBufferedSamples must be at least maxBatchSamples (0), was -1; "
                        + "maxInFlightRequests must be between 1 and 256, was 0; "
                        + "maxBackoff (PT1S) must not be less than initialBackoff (PT10S); "
                        + "maxRetries must be 0 or more, was -1; "
                        + "maxRetryDuration must be a positive duration, was null; "
                        + "onRetryLimit must be FAIL or DISCARD_AND_CONTINUE, was null; "
                        + "onRejected must be DROP_AND_COUNT or FAIL, was null; "
                        + "maxFutureSkew must be a positive duration, was PT0S; "
                        + "connectTimeout must be a positive duration, was PT-1S; "
                        + "requestTimeout must be a positive duration, was null; "
                        + "userAgent must not be blank; "
                        + "metricGroupName must not be blank");
    }

    @Test
    void shouldRefuseCredentialsInTheEndpointUrlWithoutRepeatingThem() {
        assertThatThrownBy(() -> PrometheusSink.builder()
                .endpointUrl("https://fleet:s3cr3t-pa55@prometheus.example.com/api/v1/write").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid PrometheusSink settings: endpointUrl must not carry user info"
                        + " ('https://****@prometheus.example.com/api/v1/write'): the sink logs its endpoint URL;"
                        + " pass credentials with a requestSigner, e.g. new BasicAuthSigner(user, password)");
    }

    @Test
    void shouldNotRepeatCredentialsOfAnEndpointUrlThatDoesNotParse() {
        assertThatThrownBy(() -> PrometheusSink.builder()
                .endpointUrl("http://fleet:s3cr3t-pa55@prometheus example/api/v1/write").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("****@prometheus example")
                .hasMessageNotContaining("s3cr3t-pa55");
    }

    @Test
    void shouldRequireEndpointUrl() {
        assertThatThrownBy(() -> PrometheusSink.builder().build())
                .hasMessage("Invalid PrometheusSink settings: endpointUrl is required, e.g. "
                        + "http://127.0.0.1:9090/api/v1/write");
    }

    @Test
    void shouldRejectBasicAuthUserWithColon() {
        assertThatThrownBy(() -> new BasicAuthSigner("a:b", "p"))
                .hasMessageContaining("basicAuth username must be non-empty and must not contain ':'");
    }

    @Test
    void shouldSurviveJavaSerializationWithItsSettingsAndSigner() throws Exception {
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(ENDPOINT).maxInFlightRequests(8)
                .onRetryLimit(RetryLimitBehaviour.DISCARD_AND_CONTINUE).requestSigner(new BearerTokenSigner("secret-token"))
                .build();

        PrometheusSink copy = InstantiationUtil.clone(sink);

        assertThat(copy.settings()).isEqualTo(sink.settings());
        RecordingRequest request = new RecordingRequest();
        copy.requestSigner().sign(request);
        assertThat(request.headers()).containsEntry("Authorization", "Bearer secret-token");
    }

    @Test
    void shouldNotLogSecretsInSettingsDescription() {
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(ENDPOINT)
                .requestSigner(new BasicAuthSigner("fleet", "hunter2")).build();

        assertThat(sink.settings().describe(sink.requestSigner()))
                .contains("requestSigner=BasicAuthSigner[username=fleet, password=***]")
                .doesNotContain("hunter2");
    }

    @Test
    void shouldSignWithBasicAuthHeader() {
        RecordingRequest request = new RecordingRequest();

        new BasicAuthSigner("Aladdin", "open sesame").sign(request);

        assertThat(request.headers()).containsEntry("Authorization", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    private static final class RecordingRequest implements SignableRequest {
        private final java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public URI uri() {
            return URI.create(ENDPOINT);
        }

        @Override
        public byte[] body() {
            return new byte[0];
        }

        @Override
        public java.util.Map<String, String> headers() {
            return headers;
        }

        @Override
        public void setHeader(String name, String value) {
            headers.put(name, value);
        }
    }
}
