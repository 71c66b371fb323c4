package dev.fleetpulse.prometheus;

import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.FaultPlan;
import dev.fleetpulse.localstack.fault.RecordedRequest;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A fault-injecting proxy between the sink and a real Prometheus: every sample still lands exactly once. */
class PrometheusSinkFaultITCase {

    private static final Duration LOOKBACK = Duration.ofMinutes(30);

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldWriteEverySampleExactlyOnceThrough429s5xxResetsAndSlowAnswers() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_faults", 20, 50);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(
                    Fault.pass(),
                    Fault.respond(429, "rate limited (fault proxy)"),
                    Fault.pass(),
                    Fault.respond(503, "service unavailable (fault proxy)"),
                    Fault.respond(503, "service unavailable (fault proxy)"),
                    Fault.pass(),
                    Fault.resetBeforeForwarding(),
                    Fault.pass(),
                    Fault.resetAfterForwarding(),
                    Fault.delay(Duration.ofMillis(200)),
                    Fault.respond(502, "bad gateway (fault proxy)"))
                    // A reset after forwarding makes the retry a replay, which is isolated sample by sample;
                    // bounding the faulty requests bounds the test's run time.
                    .onlyForFirst(55));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxBatchSamples(50).maxInFlightRequests(4).basicAuth("fleet", "pulse")
                    .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200))
                    .requestTimeout(Duration.ofSeconds(5)).build();

            JobID job = run(workload, sink);

            assertThat(SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(workload.selector(), LOOKBACK)))
                    .isEqualTo(workload.expected());
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isZero();
            assertThat(FLINK.counter(job, "prometheusSink", "numWriteRequestsRetries")).isPositive();
            List<RecordedRequest> requests = proxy.requests();
            Map<Integer, Long> statuses = requests.stream()
                    .collect(Collectors.groupingBy(RecordedRequest::status, Collectors.counting()));
            assertThat(statuses).containsKeys(204, 429, 503, 502, -1);
            // Every attempt, retries included, was signed afresh.
            assertThat(requests).allSatisfy(request ->
                    assertThat(request.header("Authorization")).contains("Basic ZmxlZXQ6cHVsc2U="));
        }
    }

    @Test
    void shouldWaitAtLeastRetryAfterBeforeRetrying() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_retry_after", 1, 10);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.firstRequests(Fault.tooManyRequests(Duration.ofSeconds(2))));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20)).build();

            JobID job = run(workload, sink);

            List<RecordedRequest> requests = proxy.requests();
            assertThat(requests).extracting(RecordedRequest::status).containsExactly(429, 204);
            assertThat(Duration.between(requests.get(0).receivedAt(), requests.get(1).receivedAt()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            assertThat(FLINK.counter(job, "prometheusSink", "numWriteRequestsRetries")).isEqualTo(1);
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isEqualTo(10);
        }
    }

    private static JobID run(SampleWorkload workload, PrometheusSink sink) throws Exception {
        StreamExecutionEnvironment env = FLINK.environment();
        workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                .uid("prometheus-sink").name("Prometheus");
        return env.execute("prometheus-sink-" + workload.metric()).getJobID();
    }
}
