package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.http.RequestSigner;
import dev.fleetpulse.prometheus.http.SignableRequest;
import dev.fleetpulse.prometheus.writer.PrometheusSinkException;
import dev.fleetpulse.prometheus.writer.RejectedBehaviour;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.FaultPlan;
import dev.fleetpulse.localstack.fault.RecordedRequest;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                    .maxBatchSamples(50).maxInFlightRequests(4).requestSigner(new AttemptNonceSigner())
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
            // Every retry was signed afresh: the next attempt of a body answered 429 or 5xx carries a nonce of its own.
            List<RecordedRequest> inOrder = requests.stream()
                    .sorted(Comparator.comparingLong(RecordedRequest::number)).toList();
            long retriesChecked = 0;
            for (int i = 0; i < inOrder.size(); i++) {
                RecordedRequest failed = inOrder.get(i);
                if (failed.status() != 429 && failed.status() < 500) {
                    continue;
                }
                RecordedRequest retry = inOrder.stream().skip(i + 1L)
                        .filter(later -> Arrays.equals(later.body(), failed.body())).findFirst().orElseThrow();
                assertThat(nonce(retry)).as("nonce of the retry of request %d", failed.number())
                        .isNotEqualTo(nonce(failed));
                retriesChecked++;
            }
            assertThat(retriesChecked).isGreaterThanOrEqualTo(3);
            // The one repeat of a nonce is the HTTP client's: an attempt whose kept-alive connection was reset before
            // any byte of an answer goes out once more, as it was, on a new connection.
            inOrder.stream().collect(Collectors.groupingBy(PrometheusSinkFaultITCase::nonce)).values().stream()
                    .filter(same -> same.size() > 1)
                    .forEach(same -> assertThat(same.subList(0, same.size() - 1)).extracting(RecordedRequest::status)
                            .as("status of an attempt the client sent again").containsOnly(-1));
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

    /**
     * An endpoint that asks for a wait beyond the retry budget, in either form of {@code Retry-After}: the request
     * reaches its retry limit at once (here: the job fails, the default), instead of a retry scheduled centuries
     * away that wedges its lane and every checkpoint after it.
     */
    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = {"9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT"})
    void shouldReachTheRetryLimitAtOnceWhenRetryAfterIsBeyondTheRetryBudget(String retryAfter) throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_retry_after_beyond_budget", 1, 10);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(
                    Fault.respond(429, "slow down (fault proxy)", Map.of("Retry-After", retryAfter))));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .build();
            StreamExecutionEnvironment env = FLINK.environment();
            workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                    .uid("prometheus-sink").name("Prometheus");
            JobClient job = env.executeAsync("prometheus-sink-retry-after-beyond-budget");
            try {
                assertThatThrownBy(() -> job.getJobExecutionResult().get(1, TimeUnit.MINUTES))
                        .rootCause()
                        .isInstanceOf(PrometheusSinkException.class)
                        .hasMessageContaining("still failed after 1 attempts")
                        .hasMessageContaining("last failure: HTTP 429 slow down (fault proxy)")
                        .hasMessageContaining("Retry-After asks to wait")
                        .hasMessageContaining("onRetryLimit=FAIL");
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get(1, TimeUnit.MINUTES);
                }
            }
            assertThat(proxy.requests()).extracting(RecordedRequest::status).containsOnly(429);
        }
    }

    /**
     * A receiver that refuses every request for the same reason (a label limit, a misconfigured proxy): the sink
     * stops splitting once both halves of a batch are refused for that reason, and drops and counts the batch,
     * instead of isolating all 64 samples one by one (127 requests for one batch).
     */
    @Test
    void shouldStopSplittingOnceBothHalvesAreRefusedForTheSameReason() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_systematic_refusal", 64, 1);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(Fault.respond(400, "series has too many labels (fault proxy)")));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxBatchSamples(64).maxInFlightRequests(1).maxBatchAge(Duration.ofMinutes(1)).build();

            JobID job = runAtParallelismOne(workload, sink);

            // The batch, then at each of the six levels down to one sample a first half and its second half.
            assertThat(proxy.requests()).hasSize(1 + 2 * 6);
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesNonRetryableDropped")).isEqualTo(64);
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isEqualTo(64);
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isZero();
        }
    }

    @Test
    void shouldFailTheJobAtTheFirstRefusalWhenOnRejectedIsFail() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_refusal_fails", 64, 1);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(Fault.respond(400, "series has too many labels (fault proxy)")));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxBatchSamples(64).maxInFlightRequests(1).maxBatchAge(Duration.ofMinutes(1))
                    .onRejected(RejectedBehaviour.FAIL).build();

            assertThatThrownBy(() -> runAtParallelismOne(workload, sink))
                    .rootCause()
                    .isInstanceOf(PrometheusSinkException.class)
                    .hasMessageContaining("refused 64 samples with HTTP 400 (series has too many labels (fault proxy))")
                    .hasMessageContaining("onRejected=FAIL");
            assertThat(proxy.requests()).hasSize(1);
        }
    }

    private static String nonce(RecordedRequest request) {
        return request.header(AttemptNonceSigner.HEADER).orElseThrow();
    }

    /** Signs every attempt with a value of its own, as a time-bound signature (SigV4) does. */
    static final class AttemptNonceSigner implements RequestSigner {
        static final String HEADER = "X-Attempt-Nonce";

        @Override
        public void sign(SignableRequest request) {
            request.setHeader(HEADER, UUID.randomUUID().toString());
        }
    }

    private static JobID runAtParallelismOne(SampleWorkload workload, PrometheusSink sink) throws Exception {
        StreamExecutionEnvironment env = FLINK.environment(1);
        workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                .uid("prometheus-sink").name("Prometheus");
        return env.execute("prometheus-sink-" + workload.metric()).getJobID();
    }

    private static JobID run(SampleWorkload workload, PrometheusSink sink) throws Exception {
        StreamExecutionEnvironment env = FLINK.environment();
        workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                .uid("prometheus-sink").name("Prometheus");
        return env.execute("prometheus-sink-" + workload.metric()).getJobID();
    }
}
