package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.source.DeadLetterRecordSerializer;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 5, a flood of bad input: the pre-processor catches up on a topic of 600,000 records of which every tenth
 * is malformed. Every bad record is in the dead-letter topic with its reason, and the aggregates of the good events are
 * exact.
 *
 * <p>The scenario's throughput figure, the flooded rate against a clean run's, is measured by the benchmark harness
 * {@code BadInputFlood} (docs/benchmarks.md), not here: a timed assertion in a test fails whenever another process
 * shares the machine, and the rate is only logged.
 */
class BadInputFloodITCase {

    private static final Logger LOG = LoggerFactory.getLogger(BadInputFloodITCase.class);

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);

    private static final int WINDOW_SEC = 5;
    private static final int VEHICLES = 1_000;
    private static final int RECORDS = 600_000;
    private static final int BAD_EVERY = 10;
    private static final long SPAN_MS = Duration.ofMinutes(8).toMillis();

    @Test
    void shouldDeadLetterEveryBadRecordAndAggregateTheGoodOnesExactlyWhenTenPercentOfTheInputIsMalformed()
            throws Exception {
        long floodStart = System.currentTimeMillis() / 5_000 * 5_000 - Duration.ofMinutes(16).toMillis();
        int good = RECORDS - RECORDS / BAD_EVERY;
        List<VehicleEvent> flood = TestFleet.events(52, "D", VEHICLES, good / VEHICLES, floodStart, SPAN_MS);
        Map<String, String> badValues = new HashMap<>();
        EventTopic floodTopic = topicOf(flood, BAD_EVERY, badValues);
        String dlqTopic = KAFKA.newTopic(2);
        ModelTable models = ModelTable.forEvents(flood);
        JobExecutionResult floodRun = run(floodTopic, dlqTopic, models);

        assertThat(floodTopic.size()).isEqualTo(RECORDS);
        LOG.info("Catch-up over {} records, 10% bad, at parallelism 2: {} records/s (a figure, not a check)", RECORDS,
                Math.round(RECORDS * 1000.0 / floodRun.getNetRuntime()));
        List<KafkaRecord> deadLetters = KAFKA.readAll(dlqTopic, badValues.size(), Duration.ofMinutes(1));
        Map<String, String> reasonByValue = new HashMap<>();
        deadLetters.forEach(letter -> reasonByValue.put(letter.valueAsString(),
                letter.header(DeadLetterRecordSerializer.REASON).orElseThrow()));
        assertThat(deadLetters).hasSize(badValues.size());
        assertThat(reasonByValue).isEqualTo(badValues);
        WrittenAggregates.assertSameSamples(
                WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), floodStart, floodStart + SPAN_MS + 5_000),
                ExpectedAggregates.of(flood, WINDOW_SEC * 1000L, models), "good events of the flooded run");
    }

    /**
     * The events, and after every {@code badEvery - 1} of them one bad record (malformed, truncated, unknown type,
     * missing field, in turn); each bad value is unique and recorded with the reason the job must give it.
     */
    private static EventTopic topicOf(List<VehicleEvent> events, int badEvery, Map<String, String> badValues) {
        EventTopic topic = new EventTopic(KAFKA.newTopic(4), 4);
        for (int i = 0; i < events.size(); i++) {
            topic.add(List.of(events.get(i)));
            if (badEvery > 0 && (i + 1) % (badEvery - 1) == 0) {
                int n = badValues.size();
                long t = events.get(i).timestamp();
                String id = "X" + String.format("%010d", n);
                String[] kinds = {
                    "not json " + n,
                    "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"" + id,
                    "{\"eventType\":\"FUEL\",\"vehicleId\":\"" + id + "\",\"region\":\"UK\",\"timestamp\":" + t
                            + ",\"measurement\":1}",
                    "{\"eventType\":\"IC_RPM\",\"vehicleId\":\"" + id + "\",\"region\":\"UK\",\"measurement\":1}"};
                String[] reasons = {"malformed-json", "malformed-json", "unknown-event-type", "missing-field"};
                badValues.put(kinds[n % 4], reasons[n % 4]);
                topic.add(id, kinds[n % 4].getBytes(StandardCharsets.UTF_8), t);
            }
        }
        topic.writeAll(KAFKA.kafka());
        return topic;
    }

    private static JobExecutionResult run(EventTopic topic, String dlqTopic, ModelTable models) throws Exception {
        PreProcessorConfig config = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic.name(), dlqTopic,
                PROMETHEUS.remoteWriteUrl(), models, WINDOW_SEC);
        StreamExecutionEnvironment env = FLINK.environment();
        Pipelines.preProcessor(env, config, topic.endOffsets());
        return env.execute("pre-processor catching up on " + topic.size() + " records");
    }
}
