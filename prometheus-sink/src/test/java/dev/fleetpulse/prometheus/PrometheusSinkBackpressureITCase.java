package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.FaultPlan;
import dev.fleetpulse.localstack.fault.RecordedRequest;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver slower than the job keeps the sink at its buffer limit for the whole run: requests must stay full, as a
 * stream of nearly empty requests would make the per-request cost the limit.
 */
class PrometheusSinkBackpressureITCase {

    private static final Duration LOOKBACK = Duration.ofMinutes(30);
    private static final int BATCH_SAMPLES = 100;

    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    @Test
    void shouldSendFullRequestsWhenEveryAnswerIsSlow() throws Exception {
        SampleWorkload workload = SampleWorkload.of("fp_it_backpressure", 400, 50);
        try (FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(PROMETHEUS.prometheus().baseUrl()))) {
            proxy.plan(FaultPlan.cycle(Fault.delay(Duration.ofMillis(20))));
            PrometheusSink sink = PrometheusSink.builder().endpointUrl(proxy.proxiedUrl(PROMETHEUS.remoteWriteUrl()))
                    .maxBatchSamples(BATCH_SAMPLES).maxBufferedSamples(10 * BATCH_SAMPLES).maxInFlightRequests(4)
                    .maxBatchAge(Duration.ofSeconds(30)).build();

            StreamExecutionEnvironment env = FLINK.environment();
            workload.stream(env, 0).keyBy(new TimeSeriesKeySelector()).sinkTo(sink)
                    .uid("prometheus-sink").name("Prometheus");
            env.execute("prometheus-sink-backpressure");

            assertThat(SampleWorkload.stored(PROMETHEUS.queryClient().rawSamples(workload.selector(), LOOKBACK)))
                    .isEqualTo(workload.expected());
            List<RecordedRequest> requests = proxy.requests();
            long fullRequests = workload.totalSamples() / BATCH_SAMPLES;
            // Beyond the full requests, only each lane's last partial batch (2 subtasks x 4 lanes) and those sealed
            // by checkpoints; without the fix every wait at the buffer limit added a nearly empty one per lane.
            assertThat(requests.size()).as("requests for %d samples", workload.totalSamples())
                    .isLessThanOrEqualTo((int) (fullRequests * 5 / 4));
        }
    }
}
