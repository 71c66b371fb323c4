package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.http.BearerTokenSigner;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.http.RemoteWriteHttpClient;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.writer.PrometheusSinkException;
import dev.fleetpulse.prometheus.writer.RetryLimitBehaviour;
import dev.fleetpulse.prometheus.writer.WriteRequestBatch;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.FaultPlan;
import dev.fleetpulse.localstack.fault.RecordedRequest;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sink in a Flink job (parallelism 2) against a real Prometheus, read back through its query API. */
class PrometheusSinkITCase {

    private static final Duration LOOKBACK = Duration.ofMinutes(30);

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldStoreEverySampleOfManySeriesExactlyAndInOrderWithSeveralLanes() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_many_series", 60, 100);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxBatchSamples(50).maxInFlightRequests(4).requestSigner(new BearerTokenSigner("it-token")).build();

            JobID job = run(workload, sink, 0);

            assertThat(stored(workload)).isEqualTo(workload.expected());
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isEqualTo(workload.totalSamples());
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isZero();
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesRejectedOutOfOrder")).isZero();
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesRejectedDuplicate")).isZero();
            assertThat(FLINK.counter(job, "prometheusSink", "numWriteRequestsOut")).isGreaterThanOrEqualTo(6000 / 50);
            List<RecordedRequest> requests = proxy.requests();
            assertThat(requests).allSatisfy(request -> {
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/api/v1/write");
                assertThat(request.header("Content-Encoding")).contains("snappy");
                assertThat(request.header("Content-Type")).contains("application/x-protobuf");
                assertThat(request.header("X-Prometheus-Remote-Write-Version")).contains("0.1.0");
                assertThat(request.header("User-Agent")).contains("FleetPulse-PrometheusSink/1.0");
                assertThat(request.header("Authorization")).contains("Bearer it-token");
                assertThat(request.status()).isEqualTo(204);
            });
        }
    }

    @Test
    void shouldStoreGoodSamplesOfARejectedBatchAndCountTheBadOnes() throws Exception {
        String metric = "fp_it_mixed_batch";
        long t0 = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        // Already in Prometheus before the job: series "replayed" up to t0+10s, as after a recovery.
        writeDirectly(TimeSeries.builder(metric).label("series", "replayed").sample(10, t0 + 10_000).build());
        // Series "clash" holds 5 at t0; the job brings a different reading for the same millisecond.
        writeDirectly(TimeSeries.builder(metric).label("series", "clash").sample(5, t0).build());
        List<TimeSeries> input = new ArrayList<>();
        input.add(TimeSeries.builder(metric).label("series", "clash").sample(6, t0).build());
        for (int j = 0; j < 20; j++) {
            input.add(TimeSeries.builder(metric).label("series", "replayed").sample(j, t0 + j * 1000L).build());
            input.add(TimeSeries.builder(metric).label("series", "fresh").sample(100 + j, t0 + j * 1000L).build());
        }
        // A new series three hours old: Prometheus rejects it as out of bounds; it can never be written.
        input.add(TimeSeries.builder(metric).label("series", "ancient")
                .sample(1, t0 - Duration.ofHours(3).toMillis()).build());
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(PROMETHEUS.remoteWriteUrl())
                .maxBatchSamples(500).maxBatchAge(Duration.ofSeconds(5)).maxInFlightRequests(1).build();

        StreamExecutionEnvironment env = FLINK.environment();
        env.fromData(TimeSeriesTypeInfoFactory.TYPE_INFO, input.toArray(new TimeSeries[0])).setParallelism(1)
                .uid("mixed-input").name("Mixed input")
                .keyBy(new TimeSeriesKeySelector()).sinkTo(sink).uid("prometheus-sink").name("Prometheus");
        JobID job = env.execute("prometheus-sink-mixed-batch").getJobID();

        Map<String, List<String>> stored = SampleWorkload.stored(
                PROMETHEUS.queryClient().rawSamples(metric, LOOKBACK));
        List<String> replayedTail = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (int j = 0; j < 20; j++) {
            if (j >= 10) {
                replayedTail.add((t0 + j * 1000L) + "=" + (double) j);
            }
            fresh.add((t0 + j * 1000L) + "=" + (100.0 + j));
        }
        assertThat(stored).containsOnlyKeys("replayed", "fresh", "clash");
        assertThat(stored.get("replayed")).isEqualTo(replayedTail);
        assertThat(stored.get("fresh")).isEqualTo(fresh);
        assertThat(stored.get("clash")).containsExactly(t0 + "=5.0");
        // Older than the series' newest: a replay here (Prometheus holds them), a late reading elsewhere.
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesRejectedOutOfOrder")).isEqualTo(10);
        // Another value for a stored millisecond: this reading is not stored.
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesRejectedDuplicate")).isEqualTo(1);
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesNonRetryableDropped")).isEqualTo(1);
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isEqualTo(1);
        assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isEqualTo(30);
    }

    @Test
    void shouldFailTheJobWhenTheRetryLimitIsReachedAndBehaviourIsFail() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_retry_limit_fail", 4, 5);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(Fault.respond(503, "unavailable (fault proxy)")));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxRetries(2).initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20))
                    .onRetryLimit(RetryLimitBehaviour.FAIL).build();

            assertThatThrownBy(() -> run(workload, sink, 0))
                    .rootCause()
                    .isInstanceOf(PrometheusSinkException.class)
                    .hasMessageContaining("still failed after 3 attempts")
                    .hasMessageContaining("last failure: HTTP 503 unavailable (fault proxy)")
                    .hasMessageContaining("onRetryLimit=FAIL");
        }
    }

    @Test
    void shouldDropAndCountSamplesAtTheRetryLimitAndCarryOnWhenBehaviourIsDiscard() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_retry_limit_discard", 10, 50);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            // The first six attempts fail; with two attempts per request, some requests are dropped, later ones pass.
            Fault unavailable = Fault.respond(503, "unavailable (fault proxy)");
            proxy.plan(FaultPlan.firstRequests(unavailable, unavailable, unavailable, unavailable, unavailable,
                    unavailable));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxBatchSamples(50).maxInFlightRequests(1).maxRetries(1)
                    .initialBackoff(Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(20))
                    .onRetryLimit(RetryLimitBehaviour.DISCARD_AND_CONTINUE).build();

            JobID job = run(workload, sink, 0);

            long storedSamples = stored(workload).values().stream().mapToLong(List::size).sum();
            long dropped = FLINK.counter(job, "prometheusSink", "numSamplesRetryLimitDropped");
            assertThat(dropped).isPositive();
            assertThat(storedSamples).isPositive().isEqualTo(workload.totalSamples() - dropped);
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesDropped")).isEqualTo(dropped);
            assertThat(FLINK.counter(job, "prometheusSink", "numSamplesOut")).isEqualTo(storedSamples);
            // Six failed attempts: a dropped request used two of them and one retry, a request whose retry
            // passed used one and one retry; so retries + dropped requests = 6 however the two subtasks shared them.
            long failedRequests = FLINK.counter(job, "prometheusSink", "numWriteRequestsPermanentlyFailed");
            assertThat(failedRequests).isPositive();
            assertThat(FLINK.counter(job, "prometheusSink", "numWriteRequestsRetries") + failedRequests).isEqualTo(6);
        }
    }

    @Test
    void shouldFailTheJobWithAClearMessageWhenTheEndpointDoesNotExist() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_wrong_path", 2, 2);
        PrometheusSink sink = PrometheusSink.builder()
                .endpointUrl(PROMETHEUS.prometheus().baseUrl() + "/api/v1/no-such-endpoint").build();

        assertThatThrownBy(() -> run(workload, sink, 0))
                .rootCause()
                .isInstanceOf(PrometheusSinkException.class)
                .hasMessageContaining("answered HTTP 404")
                .hasMessageContaining("check the endpoint URL and the credentials");
    }

    static JobID run(SampleWorkload workload, PrometheusSink sink, int maxPerSecond) throws Exception {
        StreamExecutionEnvironment env = FLINK.environment();
        DataStream<TimeSeries> samples = workload.stream(env, maxPerSecond);
        samples.keyBy(new TimeSeriesKeySelector()).sinkTo(sink).uid("prometheus-sink").name("Prometheus");
        JobExecutionResult result = env.execute("prometheus-sink-" + workload.metric());
        return result.getJobID();
    }

    private static Map<String, List<String>> stored(SampleWorkload workload) {
        return SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(workload.selector(), LOOKBACK));
    }

    private static void writeDirectly(TimeSeries series) throws Exception {
        WriteRequestBatch batch = new WriteRequestBatch(10, 1_000_000);
        batch.add(series, 0, System.currentTimeMillis());
        int length = batch.compress();
        try (RemoteWriteHttpClient client = new RemoteWriteHttpClient(URI.create(PROMETHEUS.remoteWriteUrl()),
                Duration.ofSeconds(5), Duration.ofSeconds(10), "it", null, 1, null)) {
            assertThat(client.send(batch.body(), length).get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
        }
    }
}
