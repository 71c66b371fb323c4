package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import dev.fleetpulse.jobs.source.DeadLetterRecordSerializer;
import dev.fleetpulse.localstack.DocumentedMetrics;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import java.nio.file.Path;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.fleetpulse.preprocessor.PipelineRun.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Garbage mixed into the event stream: the job keeps running, the good events are aggregated exactly, and every bad
 * record is in the dead-letter topic with its original bytes, its reason and where it came from.
 */
class PreProcessorBadInputITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    private static final long WINDOW = 5_000;

    @Test
    void shouldAggregateTheGoodEventsExactlyAndDeadLetterEveryBadRecordWithItsReason() throws Exception {
        long start = (System.currentTimeMillis() - Duration.ofMinutes(10).toMillis()) / WINDOW * WINDOW;
        String topic = KAFKA.newTopic(4);
        String dlqTopic = KAFKA.newTopic(1);
        List<VehicleEvent> good = goodEvents(start);
        String late = Long.toString(start + 1_000);
        // key -> {value, expected reason}; keys are unique so each dead letter can be matched to its record
        Map<String, String[]> bad = new LinkedHashMap<>();
        bad.put("bad-truncated", new String[]{"{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V1\"", "malformed-json"});
        bad.put("bad-not-json", new String[]{"engine on, 3000 rpm", "malformed-json"});
        bad.put("bad-empty", new String[]{"", "malformed-json"});
        bad.put("bad-type", new String[]{event("OIL_PRESSURE", "V0000000001", "UK", late, "3"), "unknown-event-type"});
        bad.put("bad-missing", new String[]{"{\"eventType\":\"IC_RPM\",\"vehicleId\":\"V0000000002\",\"region\":\"UK\","
                + "\"timestamp\":" + late + "}", "missing-field"});
        bad.put("bad-far-future", new String[]{event("IC_RPM", "V0000000003", "UK", "99999999999999999", "900"),
                "bad-timestamp"});
        bad.put("bad-negative-time", new String[]{event("IC_RPM", "V0000000004", "UK", "-5", "900"), "bad-timestamp"});
        bad.put("bad-region", new String[]{event("IC_RPM", "V0000000005", "Atlantis", late, "900"), "unknown-region"});
        bad.put("bad-rpm", new String[]{event("IC_RPM", "V0000000006", "UK", late, "-900"), "bad-measurement"});
        bad.put("bad-wrong-type", new String[]{event("WARNINGS", "V0000000007", "UK", late, "\"two\""), "wrong-type"});

        VehicleEventJson json = new VehicleEventJson();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int badIndex = 0;
        List<Map.Entry<String, String[]>> badRecords = new ArrayList<>(bad.entrySet());
        // A bad record's Kafka timestamp 50 minutes ahead: if dead letters moved the watermark, every good event
        // after it would be late and the aggregates would be wrong.
        long futureRecordTime = System.currentTimeMillis() + Duration.ofMinutes(50).toMillis();
        for (int i = 0; i < good.size(); i++) {
            records.add(PipelineRun.record(topic, good.get(i), json));
            if (i % 150 == 75 && badIndex < badRecords.size()) {
                Map.Entry<String, String[]> b = badRecords.get(badIndex++);
                records.add(new ProducerRecord<>(topic, null, futureRecordTime, utf8(b.getKey()), utf8(b.getValue()[0])));
            }
        }
        assertThat(badIndex).isEqualTo(bad.size());
        PipelineRun.write(KAFKA.kafka(), topic, records);

        ModelTable models = ModelTable.forEvents(good);
        JobExecutionResult result = PipelineRun.runToEnd(FLINK.environment(), PipelineRun.config(
                KAFKA.bootstrapServers(), topic, dlqTopic, PROMETHEUS.remoteWriteUrl(), models));

        long end = good.stream().mapToLong(VehicleEvent::timestamp).max().orElseThrow() + WINDOW;
        WrittenAggregates.assertSameSamples(WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), start, end),
                ExpectedAggregates.of(good, WINDOW, models), "good events among bad records");
        List<KafkaRecord> deadLetters = KAFKA.readAll(dlqTopic, bad.size(), Duration.ofSeconds(30));
        assertThat(deadLetters).hasSize(bad.size());
        for (KafkaRecord letter : deadLetters) {
            String[] original = bad.get(letter.keyAsString());
            assertThat(original).as("dead letter with key %s", letter.keyAsString()).isNotNull();
            assertThat(letter.valueAsString()).isEqualTo(original[0]);
            assertThat(letter.header(DeadLetterRecordSerializer.REASON)).contains(original[1]);
            assertThat(letter.header(DeadLetterRecordSerializer.DETAIL)).isPresent();
            assertThat(letter.header(DeadLetterRecordSerializer.SOURCE_TOPIC)).contains(topic);
            assertThat(letter.header(DeadLetterRecordSerializer.SOURCE_OFFSET)).isPresent();
            assertThat(letter.header(DeadLetterRecordSerializer.SOURCE_TIMESTAMP))
                    .contains(Long.toString(futureRecordTime));
        }
        assertThat(FLINK.counter(result.getJobID(), "malformed-json", "invalidRecordsByReason")).isEqualTo(3);
        assertThat(FLINK.counter(result.getJobID(), "bad-timestamp", "invalidRecordsByReason")).isEqualTo(2);
        assertThat(FLINK.metricNamesUnder(result.getJobID(), JobMetrics.CLOUDWATCH_GROUP))
                .as("metrics for CloudWatch, as docs/aws-deployment.md lists them")
                .isEqualTo(DocumentedMetrics.cloudWatch(Path.of("..", "docs", "aws-deployment.md"), "pre-processor"));
    }

    /** 60 vehicles reporting every 2 s for a minute: 12 windows, in event-time order. */
    private static List<VehicleEvent> goodEvents(long start) {
        Random random = new Random(7);
        List<VehicleEvent> events = new ArrayList<>();
        for (long t = start; t < start + 60_000; t += 2_000) {
            for (int v = 0; v < 60; v++) {
                String id = String.format("V%010d", 100 + v);
                Region region = Region.values()[v % 5];
                EventType type = EventType.values()[random.nextInt(3)];
                long measurement = type == EventType.WARNINGS ? random.nextInt(6) : random.nextInt(3) * 1_000L;
                events.add(new VehicleEvent(type, id, region, t + random.nextInt(2_000), measurement));
            }
        }
        return events;
    }

    private static String event(String type, String vehicle, String region, String timestamp, String measurement) {
        return "{\"eventType\":\"" + type + "\",\"vehicleId\":\"" + vehicle + "\",\"region\":\"" + region
                + "\",\"timestamp\":" + timestamp + ",\"measurement\":" + measurement + "}";
    }
}
