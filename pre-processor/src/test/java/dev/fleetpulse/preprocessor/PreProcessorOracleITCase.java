package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The correctness oracle: a fixed, seeded input of 100,000 events over 120 windows, written to 4 partitions out of
 * order within the allowed bound, goes through the real job (Kafka source, both aggregation stages, remote-write
 * sink) into a real Prometheus; every expected sample must be there with its exact value and timestamp, and
 * nothing else. The same input runs at parallelism 1 and 2 and gives the same result.
 */
class PreProcessorOracleITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    private static final long WINDOW = 5_000;
    private static final int VEHICLES = 400;
    private static final int EVENTS_PER_VEHICLE = 250;
    private static final long SPAN = Duration.ofMinutes(10).toMillis();
    /** Smaller than the job's default bound of 2 s, so no event is late. */
    private static final long MAX_DISORDER = 1_500;
    /** The second run's input is the first run's, this much later (Prometheus wants each series' samples in order). */
    private static final long SHIFT = Duration.ofMinutes(12).toMillis();

    @Test
    void shouldWriteExactlyTheExpectedAggregatesAtParallelismOneAndTwo() throws Exception {
        long now = System.currentTimeMillis();
        long firstStart = (now - Duration.ofMinutes(28).toMillis()) / WINDOW * WINDOW;
        long secondStart = firstStart + SHIFT;

        Map<ExpectedAggregates.Sample, Double> atParallelismOne = runAt(1, events(firstStart));
        Map<ExpectedAggregates.Sample, Double> atParallelismTwo = runAt(2, events(secondStart));

        assertThat(shifted(atParallelismOne, SHIFT)).isEqualTo(atParallelismTwo);
    }

    private Map<ExpectedAggregates.Sample, Double> runAt(int parallelism, List<VehicleEvent> events) throws Exception {
        String topic = KAFKA.newTopic(4);
        String dlqTopic = KAFKA.newTopic(1);
        VehicleEventJson json = new VehicleEventJson();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        events.forEach(e -> records.add(PipelineRun.record(topic, e, json)));
        PipelineRun.write(KAFKA.kafka(), topic, records);
        ModelTable models = ModelTable.forEvents(events);
        Map<ExpectedAggregates.Sample, Double> expected = ExpectedAggregates.of(events, WINDOW, models);

        StreamExecutionEnvironment env = FLINK.environment();
        env.setParallelism(parallelism);
        PipelineRun.runToEnd(env, PipelineRun.config(KAFKA.bootstrapServers(), topic, dlqTopic,
                PROMETHEUS.remoteWriteUrl(), models));

        long from = events.stream().mapToLong(VehicleEvent::timestamp).min().orElseThrow();
        long to = events.stream().mapToLong(VehicleEvent::timestamp).max().orElseThrow() + WINDOW;
        Map<ExpectedAggregates.Sample, Double> written = WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), from, to);
        assertThat(expected).hasSizeGreaterThan(30_000);
        WrittenAggregates.assertSameSamples(written, expected, "parallelism " + parallelism);
        assertThat(KAFKA.kafka().readAll(dlqTopic, 0, Duration.ofSeconds(2))).as("no late or invalid events").isEmpty();
        return written;
    }

    /**
     * 100,000 events starting at {@code start}: per vehicle a fixed region, zero and non-zero engine RPM, negative
     * motor RPM, warning reports including equal-time pairs, and events exactly on window boundaries. Written in
     * the order of event time plus a random delay below {@link #MAX_DISORDER}, so no event is more than that behind
     * an event written before it.
     */
    private static List<VehicleEvent> events(long start) {
        Random random = new Random(20_241_103);
        List<VehicleEvent> events = new ArrayList<>(VEHICLES * EVENTS_PER_VEHICLE);
        for (int v = 0; v < VEHICLES; v++) {
            String id = String.format("V%010d", 7_000_000 + v * 13);
            Region region = Region.weighted(random.nextDouble());
            int produced = 0;
            while (produced < EVENTS_PER_VEHICLE) {
                long t = start + (long) (random.nextDouble() * SPAN);
                if (random.nextInt(10) == 0) {
                    t = t / WINDOW * WINDOW;
                }
                int kind = random.nextInt(100);
                if (kind < 40) {
                    long rpm = random.nextInt(3) == 0 ? 0 : 700 + random.nextInt(5_000);
                    events.add(new VehicleEvent(EventType.IC_RPM, id, region, t, rpm));
                } else if (kind < 65) {
                    long rpm = random.nextInt(3) == 0 ? 0 : random.nextInt(12_000) - 3_000;
                    events.add(new VehicleEvent(EventType.ELECTRIC_RPM, id, region, t, rpm));
                } else {
                    events.add(new VehicleEvent(EventType.WARNINGS, id, region, t, random.nextInt(6)));
                    if (random.nextInt(8) == 0 && produced + 1 < EVENTS_PER_VEHICLE) {
                        events.add(new VehicleEvent(EventType.WARNINGS, id, region, t, random.nextInt(6)));
                        produced++;
                    }
                }
                produced++;
            }
        }
        long[] delay = new long[events.size()];
        for (int i = 0; i < delay.length; i++) {
            delay[i] = random.nextInt((int) MAX_DISORDER);
        }
        List<Integer> order = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingLong(i -> events.get(i).timestamp() + delay[i]));
        List<VehicleEvent> written = new ArrayList<>(events.size());
        order.forEach(i -> written.add(events.get(i)));
        return written;
    }

    private static Map<ExpectedAggregates.Sample, Double> shifted(Map<ExpectedAggregates.Sample, Double> samples,
                                                                  long by) {
        Map<ExpectedAggregates.Sample, Double> result = new TreeMap<>();
        samples.forEach((s, v) -> result.put(
                new ExpectedAggregates.Sample(s.metric(), s.model(), s.region(), s.timestamp() + by), v));
        return result;
    }
}
