package dev.fleetpulse.rawwriter;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import dev.fleetpulse.jobs.source.DeadLetterRecordSerializer;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.localstack.DocumentedMetrics;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.QuerySeries;
import java.nio.file.Path;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw-event writer against a real Kafka broker and a real Prometheus, checked against an oracle: the samples
 * Prometheus holds are exactly the input events, one each, with the right name, labels, value and timestamp.
 */
class RawEventWriterITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    private final VehicleEventJson json = new VehicleEventJson();

    @Test
    void shouldWriteEveryEventAsExactlyOneSampleAndNothingElse() throws Exception {
        String topic = KAFKA.newTopic(4);
        List<VehicleEvent> events = fleet("A", 40, 25, new Random(11));
        writeInterleaved(topic, events, List.of());

        runToEnd(config(topic, KAFKA.newTopic(1), 0));

        assertThat(samplesOfVehicles("A.*")).isEqualTo(expected(events));
    }

    @Test
    void shouldKeepRunningOnBadInputAndDeadLetterEachBadRecordWithItsReason() throws Exception {
        String topic = KAFKA.newTopic(4);
        String dlqTopic = KAFKA.newTopic(1);
        List<VehicleEvent> events = fleet("B", 20, 20, new Random(12));
        long t = events.get(0).timestamp();
        Map<String, String> badReasons = Map.of(
                "{\"eventType\":\"IC_RPM\",", "malformed-json",
                "{\"eventType\":\"FUEL\",\"vehicleId\":\"B1\",\"region\":\"UK\",\"timestamp\":" + t + ",\"measurement\":1}",
                "unknown-event-type",
                "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"B1\",\"region\":\"UK\",\"measurement\":1}", "missing-field",
                "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"B1\",\"region\":\"UK\",\"timestamp\":99999999999999999,"
                        + "\"measurement\":1}", "bad-timestamp");
        writeInterleaved(topic, events, List.copyOf(badReasons.keySet()));

        JobExecutionResult result = runToEnd(config(topic, dlqTopic, 0));

        assertThat(samplesOfVehicles("B.*")).isEqualTo(expected(events));
        List<KafkaRecord> deadLetters = KAFKA.readAll(dlqTopic, badReasons.size(), Duration.ofSeconds(30));
        Map<String, String> reasonByValue = new HashMap<>();
        for (KafkaRecord letter : deadLetters) {
            reasonByValue.put(letter.valueAsString(), letter.header(DeadLetterRecordSerializer.REASON).orElseThrow());
            assertThat(letter.header(DeadLetterRecordSerializer.SOURCE_TOPIC)).hasValue(topic);
        }
        assertThat(reasonByValue).isEqualTo(badReasons);
        assertThat(FLINK.metricNamesUnder(result.getJobID(), JobMetrics.CLOUDWATCH_GROUP))
                .as("metrics for CloudWatch, as docs/aws-deployment.md lists them")
                .isEqualTo(DocumentedMetrics.cloudWatch(Path.of("..", "docs", "aws-deployment.md"),
                        "raw-event-writer"));
    }

    @Test
    void shouldKeepTheFirstOfTwoReadingsInTheSameMillisecondAndCountTheSecondAsRejectedDuplicate() throws Exception {
        String topic = KAFKA.newTopic(1);
        long t = System.currentTimeMillis() - Duration.ofMinutes(5).toMillis();
        VehicleEvent first = new VehicleEvent(EventType.IC_RPM, "C0000000001", Region.UK, t, 1500);
        VehicleEvent sameMillisecond = new VehicleEvent(EventType.IC_RPM, "C0000000001", Region.UK, t, 1700);
        VehicleEvent next = new VehicleEvent(EventType.IC_RPM, "C0000000001", Region.UK, t + 1, 1800);
        writeInterleaved(topic, List.of(first, sameMillisecond, next), List.of());

        JobExecutionResult result = runToEnd(config(topic, KAFKA.newTopic(1), 0));

        assertThat(samplesOfVehicles("C.*")).isEqualTo(expected(List.of(first, next)));
        assertThat(FLINK.counter(result.getJobID(), "prometheusSink", "numSamplesRejectedDuplicate")).isEqualTo(1);
        assertThat(FLINK.counter(result.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
    }

    @Test
    void shouldTakeAtLeastAsLongAsTheThrottleImpliesAndStillWriteEverything() throws Exception {
        String topic = KAFKA.newTopic(2);
        List<VehicleEvent> events = fleet("D", 10, 100, new Random(13)); // 1000 events
        writeInterleaved(topic, events, List.of());
        long limit = 250;

        long started = System.nanoTime();
        runToEnd(config(topic, KAFKA.newTopic(1), limit));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        long impliedMs = (events.size() - 1) * 1000L / limit;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(impliedMs);
        assertThat(samplesOfVehicles("D.*")).isEqualTo(expected(events));
    }

    /**
     * {@code vehicles} vehicles with ids {@code prefix + 10 digits}, each sending {@code perVehicle} readings of
     * random types at increasing, distinct milliseconds within the last 20 minutes.
     */
    private static List<VehicleEvent> fleet(String prefix, int vehicles, int perVehicle, Random random) {
        long start = System.currentTimeMillis() - Duration.ofMinutes(20).toMillis();
        List<VehicleEvent> events = new ArrayList<>();
        for (int v = 0; v < vehicles; v++) {
            String id = prefix + String.format("%010d", v);
            Region region = Region.weighted(random.nextDouble());
            long t = start + random.nextInt(1000);
            for (int i = 0; i < perVehicle; i++) {
                t += 1 + random.nextInt(2000);
                EventType type = EventType.values()[random.nextInt(3)];
                long measurement = switch (type) {
                    case IC_RPM -> random.nextInt(7000);
                    case ELECTRIC_RPM -> random.nextInt(12000) - 2000;
                    case WARNINGS -> random.nextInt(6);
                };
                events.add(new VehicleEvent(type, id, region, t, measurement));
            }
        }
        return events;
    }

    /**
     * Writes the events keyed by vehicle id with event time as record timestamp, vehicles interleaved but each
     * vehicle's events in order, and the bad values spread among them.
     */
    private void writeInterleaved(String topic, List<VehicleEvent> events, List<String> badValues) {
        List<VehicleEvent> byTime = new ArrayList<>(events);
        byTime.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        int badEvery = badValues.isEmpty() ? Integer.MAX_VALUE : Math.max(1, byTime.size() / badValues.size());
        int bad = 0;
        for (int i = 0; i < byTime.size(); i++) {
            VehicleEvent e = byTime.get(i);
            KAFKA.kafka().produce(topic, e.vehicleId().getBytes(StandardCharsets.UTF_8), json.toJson(e), e.timestamp());
            if (i % badEvery == 0 && bad < badValues.size()) {
                KAFKA.kafka().produce(topic, ("bad-" + bad).getBytes(StandardCharsets.UTF_8),
                        badValues.get(bad).getBytes(StandardCharsets.UTF_8), e.timestamp());
                bad++;
            }
        }
    }

    private static RawEventWriterConfig config(String topic, String dlqTopic, long maxEventsPerSec) {
        return RawEventWriterConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "topic", topic,
                        "dlq.topic", dlqTopic, "starting.offsets", "earliest"),
                "RawWriter", Map.of("max.events.per.sec", Long.toString(maxEventsPerSec)),
                "PrometheusSink", Map.of("endpoint.url", PROMETHEUS.remoteWriteUrl(), "max.batch.age.ms", "200"))));
    }

    private static JobExecutionResult runToEnd(RawEventWriterConfig config) throws Exception {
        StreamExecutionEnvironment env = FLINK.environment();
        RawEventWriterJob.buildPipeline(env,
                VehicleEventSources.kafkaSourceBuilder(config.source()).setBounded(OffsetsInitializer.latest()).build(),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
        return env.execute("raw-event-writer test");
    }

    /** The oracle: (metric, vehicle, region, timestamp) -> value, computed from the input events alone. */
    private static Map<String, Double> expected(List<VehicleEvent> events) {
        Map<String, Double> expected = new TreeMap<>();
        for (VehicleEvent e : events) {
            String metric = switch (e.eventType()) {
                case IC_RPM -> "vehicle_ic_rpm";
                case ELECTRIC_RPM -> "vehicle_electric_rpm";
                case WARNINGS -> "vehicle_warnings";
            };
            expected.put(sample(metric, e.vehicleId(), e.region().label(), e.timestamp()), (double) e.measurement());
        }
        return expected;
    }

    /** Every stored raw sample of the vehicles whose id matches the regex, in the oracle's form. */
    private static Map<String, Double> samplesOfVehicles(String vehicleIdRegex) {
        Map<String, Double> found = new TreeMap<>();
        List<QuerySeries> all = PROMETHEUS.queryClient().rawSamples(
                "{__name__=~\"vehicle_.+\",vehicle_id=~\"" + vehicleIdRegex + "\"}", Duration.ofMinutes(59));
        for (QuerySeries series : all) {
            assertThat(series.labels()).containsOnlyKeys("__name__", "vehicle_id", "region");
            for (QuerySeries.Point p : series.points()) {
                String key = sample(series.label("__name__"), series.label("vehicle_id"), series.label("region"),
                        p.timestampMs());
                assertThat(found.put(key, p.value())).as("a second sample for %s", key).isNull();
            }
        }
        return found;
    }

    private static String sample(String metric, String vehicle, String region, long timestamp) {
        return metric + "{vehicle_id=" + vehicle + ",region=" + region + "}@" + timestamp;
    }
}
