package dev.fleetpulse.reliability;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.source.DeadLetterRecordSerializer;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
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
 * is malformed, and on a clean topic of the same size, in the same test. The flooded run's throughput stays within
 * 20 % of the clean run's, every bad record is in the dead-letter topic with its reason, and the aggregates of the
 * good events are exact.
 *
 * <p>Throughput is records over the job's net run time (submission to finish, start-up included, the same for both
 * runs). A small warm-up run with bad records first takes class loading, JIT compilation and the dead-letter
 * producer's start out of both figures. On a
 * shared 2-core machine one run can still be slowed by a neighbour; each run is several seconds long so a short
 * disturbance stays well inside the 20 % margin.
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
    void shouldKeepThroughputDeadLetterEveryBadRecordAndAggregateExactlyWhenTenPercentOfTheInputIsMalformed()
            throws Exception {
        long now = System.currentTimeMillis() / 5_000 * 5_000;
        // Warm-up with bad records too, so both measured runs find every code path compiled and connected.
        run(topicOf(TestFleet.events(50, "W", VEHICLES, 100, now - Duration.ofMinutes(29).toMillis(),
                Duration.ofMinutes(2).toMillis()), BAD_EVERY), KAFKA.newTopic(1));

        long cleanStart = now - Duration.ofMinutes(26).toMillis();
        List<VehicleEvent> clean = TestFleet.events(51, "C", VEHICLES, RECORDS / VEHICLES, cleanStart, SPAN_MS);
        EventTopic cleanTopic = topicOf(clean, 0);
        JobExecutionResult cleanRun = run(cleanTopic, KAFKA.newTopic(1));

        long floodStart = now - Duration.ofMinutes(16).toMillis();
        int good = RECORDS - RECORDS / BAD_EVERY;
        List<VehicleEvent> flood = TestFleet.events(52, "D", VEHICLES, good / VEHICLES, floodStart, SPAN_MS);
        Map<String, String> badValues = new HashMap<>();
        EventTopic floodTopic = topicOf(flood, BAD_EVERY, badValues);
        String dlqTopic = KAFKA.newTopic(2);
        JobExecutionResult floodRun = run(floodTopic, dlqTopic);

        assertThat(floodTopic.size()).isEqualTo(cleanTopic.size()).isEqualTo(RECORDS);
        double cleanRate = RECORDS * 1000.0 / cleanRun.getNetRuntime();
        double floodRate = RECORDS * 1000.0 / floodRun.getNetRuntime();
        LOG.info("Catch-up over {} records at parallelism 2: clean {} records/s, 10% bad {} records/s ({}%)", RECORDS,
                Math.round(cleanRate), Math.round(floodRate), Math.round(100 * floodRate / cleanRate));
        assertThat(floodRate).as("records/s with 10%% bad input (clean: %.0f records/s)", cleanRate)
                .isGreaterThanOrEqualTo(0.8 * cleanRate);
        List<KafkaRecord> deadLetters = KAFKA.readAll(dlqTopic, badValues.size(), Duration.ofMinutes(1));
        Map<String, String> reasonByValue = new HashMap<>();
        deadLetters.forEach(letter -> reasonByValue.put(letter.valueAsString(),
                letter.header(DeadLetterRecordSerializer.REASON).orElseThrow()));
        assertThat(deadLetters).hasSize(badValues.size());
        assertThat(reasonByValue).isEqualTo(badValues);
        WrittenAggregates.assertSameSamples(
                WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), cleanStart, cleanStart + SPAN_MS + 5_000),
                ExpectedAggregates.of(clean, WINDOW_SEC * 1000L), "clean run");
        WrittenAggregates.assertSameSamples(
                WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), floodStart, floodStart + SPAN_MS + 5_000),
                ExpectedAggregates.of(flood, WINDOW_SEC * 1000L), "good events of the flooded run");
    }

    private static EventTopic topicOf(List<VehicleEvent> events, int badEvery) {
        return topicOf(events, badEvery, new HashMap<>());
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

    private static JobExecutionResult run(EventTopic topic, String dlqTopic) throws Exception {
        PreProcessorConfig config = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic.name(), dlqTopic,
                PROMETHEUS.remoteWriteUrl(), WINDOW_SEC);
        StreamExecutionEnvironment env = FLINK.environment();
        Pipelines.preProcessor(env, config, topic.endOffsets());
        return env.execute("pre-processor catching up on " + topic.size() + " records");
    }
}
