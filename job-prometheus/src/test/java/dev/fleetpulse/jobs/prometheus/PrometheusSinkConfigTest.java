package dev.fleetpulse.jobs.prometheus;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.config.InvalidConfigurationException;
import dev.fleetpulse.prometheus.http.BearerTokenSigner;
import dev.fleetpulse.prometheus.writer.PrometheusSinkSettings;
import dev.fleetpulse.prometheus.writer.RejectedBehaviour;
import dev.fleetpulse.prometheus.writer.RetryLimitBehaviour;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusSinkConfigTest {

    private static final String LOCAL = "http://127.0.0.1:9090/api/v1/write";

    @Test
    void shouldBuildASinkWithTheBuilderDefaultsAndNoAuthForAPlainUrl() {
        PrometheusSinkConfig config = read(Map.of("endpoint.url", LOCAL));

        PrometheusSinkSettings settings = config.sink().settings();
        assertThat(settings.endpointUrl().toString()).isEqualTo(LOCAL);
        assertThat(settings.maxBatchSamples()).isEqualTo(500);
        assertThat(settings.onRetryLimit()).isEqualTo(RetryLimitBehaviour.FAIL);
        assertThat(settings.onRejected()).isEqualTo(RejectedBehaviour.DROP_AND_COUNT);
        assertThat(settings.maxFutureSkew()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.sink().requestSigner()).isNull();
    }

    @Test
    void shouldApplyEveryBatchingAndRetryKey() {
        PrometheusSinkConfig config = read(Map.ofEntries(Map.entry("endpoint.url", LOCAL),
                Map.entry("max.batch.samples", "2000"), Map.entry("max.batch.bytes", "4096"),
                Map.entry("max.batch.age.ms", "250"), Map.entry("max.buffered.samples", "8000"),
                Map.entry("max.in.flight.requests", "8"), Map.entry("retry.initial.backoff.ms", "50"),
                Map.entry("retry.max.backoff.ms", "2000"), Map.entry("max.retries", "7"),
                Map.entry("max.retry.duration.ms", "60000"), Map.entry("on.retry.limit", "discard-and-continue"),
                Map.entry("on.rejected", "fail"), Map.entry("max.future.ms", "120000"),
                Map.entry("connect.timeout.ms", "1500"), Map.entry("request.timeout.ms", "9000"),
                Map.entry("metric.group.name", "kinesisAnalytics"),
                Map.entry("auth.mode", "bearer"), Map.entry("auth.bearer.token", "t0ken")));

        PrometheusSinkSettings s = config.sink().settings();
        assertThat(s.maxBatchSamples()).isEqualTo(2000);
        assertThat(s.maxBatchBytes()).isEqualTo(4096);
        assertThat(s.maxBatchAge()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.maxBufferedSamples()).isEqualTo(8000);
        assertThat(s.maxInFlightRequests()).isEqualTo(8);
        assertThat(s.initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.maxBackoff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.maxRetries()).isEqualTo(7);
        assertThat(s.maxRetryDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(s.onRetryLimit()).isEqualTo(RetryLimitBehaviour.DISCARD_AND_CONTINUE);
        assertThat(s.onRejected()).isEqualTo(RejectedBehaviour.FAIL);
        assertThat(s.maxFutureSkew()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(s.metricGroupName()).isEqualTo("kinesisAnalytics");
        assertThat(config.sink().requestSigner()).isInstanceOf(BearerTokenSigner.class);
    }

    @Test
    void shouldListEveryProblemOfTheGroupAtOnce() {
        ConfigReader reader = new ConfigReader("job", ApplicationProperties.of(Map.of("PrometheusSink", Map.of(
                "max.batch.samples", "many", "on.retry.limit", "retry-forever", "auth.mode", "bearer"))));

        PrometheusSinkConfig.read(reader, "test-job");

        assertThatThrownBy(reader::validate)
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "PrometheusSink.endpoint.url: is required",
                                "PrometheusSink.max.batch.samples: must be an integer, was 'many'",
                                "PrometheusSink.on.retry.limit: must be one of fail, discard-and-continue,"
                                        + " was 'retry-forever'",
                                "PrometheusSink.auth.bearer.token: is required when PrometheusSink.auth.mode is bearer"));
    }

    @Test
    void shouldReportARuleSpanningTwoKeysWithTheOtherProblems() {
        ConfigReader reader = new ConfigReader("job", ApplicationProperties.of(Map.of("PrometheusSink", Map.of(
                "endpoint.url", LOCAL, "max.batch.samples", "5000", "max.buffered.samples", "1000"))));

        PrometheusSinkConfig.read(reader, "test-job");

        assertThat(reader.problems()).singleElement().asString()
                .startsWith("PrometheusSink: Invalid PrometheusSink settings: maxBufferedSamples must be at least");
    }

    @Test
    void shouldRefuseUserInfoInTheEndpointUrlWithoutRepeatingIt() {
        ConfigReader reader = new ConfigReader("job", ApplicationProperties.of(Map.of("PrometheusSink", Map.of(
                "endpoint.url", "https://fleet:s3cr3t-pa55@prometheus.example.com/api/v1/write"))));

        PrometheusSinkConfig config = PrometheusSinkConfig.read(reader, "test-job");

        assertThat(reader.problems()).containsExactly("PrometheusSink.endpoint.url: must not carry user info"
                + " ('https://****@prometheus.example.com/api/v1/write'): the job logs its endpoint URL; set"
                + " PrometheusSink.auth.mode basic with auth.basic.username and auth.basic.password instead");
        assertThat(config.toString()).doesNotContain("s3cr3t-pa55");
        assertThat(config.endpointUrl()).isEqualTo("https://****@prometheus.example.com/api/v1/write");
    }

    @Test
    void shouldNotRepeatUserInfoOfAnAmpUrl() {
        ConfigReader reader = new ConfigReader("job", ApplicationProperties.of(Map.of("PrometheusSink", Map.of(
                "endpoint.url", "https://key:s3cr3t-pa55@aps-workspaces.eu-west-1.amazonaws.com/workspaces/"
                        + "ws-3f2b8c1e-7d4a-4e2b-9c61-0a5d8e7f1b24/api/v1/remote_write"))));

        PrometheusSinkConfig.read(reader, "test-job");

        assertThat(reader.problems()).isNotEmpty().allSatisfy(problem ->
                assertThat(problem).doesNotContain("s3cr3t-pa55"));
    }

    private static PrometheusSinkConfig read(Map<String, String> group) {
        ConfigReader reader = new ConfigReader("job", ApplicationProperties.of(Map.of("PrometheusSink", group)));
        PrometheusSinkConfig config = PrometheusSinkConfig.read(reader, "test-job");
        reader.validate();
        return config;
    }
}
