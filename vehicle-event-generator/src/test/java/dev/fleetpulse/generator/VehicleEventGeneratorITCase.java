package dev.fleetpulse.generator;

import dev.fleetpulse.jobs.metrics.JobMetrics;
import dev.fleetpulse.localstack.DocumentedMetrics;
import org.apache.flink.api.common.JobID;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole job on a MiniCluster (parallelism 2, generic types off) writing into a real Kafka topic. */
class VehicleEventGeneratorITCase {

    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
    private static final long SEED = 7;

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(4);

    @Test
    void shouldWriteExactlyMaxEventsAsValidKeyedJsonOnePartitionPerVehicleWhenBounded() throws Exception {
        String topic = KAFKA.newTopic(4);
        int vehicles = 1_000;
        int maxEvents = 200_000;
        GeneratorConfig config = config(topic, Map.of("events.per.sec", "unlimited", "max.events", "" + maxEvents,
                "vehicles", "" + vehicles, "prob.warning.change", "0.05"), Map.of());

        JobID job = run(FLINK.environment(2), config);
        List<KafkaRecord> records = KAFKA.readAll(topic, maxEvents, READ_TIMEOUT);

        assertThat(records).hasSize(maxEvents);
        assertThat(FLINK.counter(job, JobMetrics.CLOUDWATCH_GROUP, "eventsOut")).isEqualTo(maxEvents);
        assertThat(FLINK.metricNamesUnder(job, JobMetrics.CLOUDWATCH_GROUP))
                .as("metrics for CloudWatch, as docs/aws-deployment.md lists them").isEqualTo(
                        DocumentedMetrics.cloudWatch(Path.of("..", "docs", "aws-deployment.md"),
                                "vehicle-event-generator"));
        Map<String, List<VehicleEvent>> byVehicle = new HashMap<>();
        Map<String, Set<Integer>> partitions = new HashMap<>();
        VehicleEventJson json = new VehicleEventJson();
        for (KafkaRecord record : records) {
            VehicleEvent event = parse(json, record);
            assertThat(record.keyAsString()).isEqualTo(event.vehicleId());
            assertThat(record.timestamp()).isEqualTo(event.timestamp());
            assertThat(event.vehicleId()).matches("V\\d{10}");
            byVehicle.computeIfAbsent(event.vehicleId(), v -> new ArrayList<>()).add(event);
            partitions.computeIfAbsent(event.vehicleId(), v -> new HashSet<>()).add(record.partition());
        }
        assertThat(byVehicle).hasSize(vehicles);
        assertThat(partitions.values()).allSatisfy(p -> assertThat(p).hasSize(1));
        assertThat(byVehicle.values()).allSatisfy(events -> {
            assertThat(events).hasSize(maxEvents / vehicles);
            assertThat(events).extracting(VehicleEvent::region).containsOnly(events.get(0).region());
            assertThat(events).extracting(VehicleEvent::timestamp).isSorted();
        });
        assertThatEachVehicleFollowsItsSimulation(config, byVehicle);

        List<VehicleEvent> all = byVehicle.values().stream().flatMap(List::stream).toList();
        assertThat(share(all, e -> e.eventType() == EventType.WARNINGS)).isBetween(0.08, 0.12);
        assertThat(share(all, e -> e.eventType() == EventType.IC_RPM)).isBetween(0.42, 0.48);
        assertThat(share(all, e -> e.eventType() == EventType.ELECTRIC_RPM)).isBetween(0.42, 0.48);
        List<VehicleEvent> rpm = all.stream().filter(e -> e.eventType().isRpm()).toList();
        assertThat(share(rpm, VehicleEvent::indicatesMotion)).isBetween(0.3, 0.7);
        assertThat(rpm).filteredOn(e -> e.eventType() == EventType.IC_RPM && e.measurement() != 0)
                .allSatisfy(e -> assertThat(e.measurement()).isBetween(800L, 6_500L));
        assertThat(rpm).filteredOn(e -> e.eventType() == EventType.ELECTRIC_RPM)
                .anySatisfy(e -> assertThat(e.measurement()).isNegative());
        List<Long> warnings = all.stream().filter(e -> e.eventType() == EventType.WARNINGS)
                .map(VehicleEvent::measurement).toList();
        assertThat(warnings).allSatisfy(w -> assertThat(w).isBetween(0L, 5L));
        assertThat(warnings.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(1);

        List<Region> regions = byVehicle.values().stream().map(events -> events.get(0).region()).toList();
        assertThat(share(regions, r -> r == Region.US)).isBetween(0.15, 0.25);
        assertThat(share(regions, r -> r == Region.NEW_ZEALAND)).isBetween(0.0, 0.03);
        assertThat(new HashSet<>(regions)).hasSizeGreaterThanOrEqualTo(18);
    }

    @Test
    void shouldWriteNoDuplicatesReadCommittedWhenExactlyOnce() throws Exception {
        String topic = KAFKA.newTopic(4);
        int maxEvents = 20_000;
        GeneratorConfig config = config(topic, Map.of("events.per.sec", "unlimited", "max.events", "" + maxEvents,
                "vehicles", "100"), Map.of("delivery.guarantee", "exactly-once",
                "transactional.id.prefix", "gen-" + UUID.randomUUID()));
        StreamExecutionEnvironment env = FLINK.environment(2);
        env.enableCheckpointing(200);

        run(env, config);
        List<KafkaRecord> records = KAFKA.readAll(topic, maxEvents, READ_TIMEOUT);

        assertThat(records).hasSize(maxEvents);
        assertThatEachVehicleFollowsItsSimulation(config, byVehicle(records));
    }

    @Test
    void shouldContinueEveryVehicleWhenRestoredFromSavepointAtAnotherParallelism(@TempDir Path savepoints)
            throws Exception {
        String topic = KAFKA.newTopic(4);
        GeneratorConfig config = config(topic, Map.of("events.per.sec", "4000", "vehicles", "50",
                "prob.motion.state.change", "0.05", "prob.warning.change", "0.05"), Map.of());

        StreamExecutionEnvironment first = FLINK.environment(2);
        VehicleEventGeneratorJob.buildPipeline(first, VehicleEventGeneratorJob.createSink(config), config);
        JobClient firstJob = first.executeAsync("generator-before-restart");
        KAFKA.readAll(topic, 3_000, READ_TIMEOUT);
        String savepoint = firstJob.stopWithSavepoint(false, savepoints.toUri().toString(),
                SavepointFormatType.CANONICAL).get();
        Map<String, List<VehicleEvent>> firstRun = byVehicle(KAFKA.readAll(topic, 3_000, READ_TIMEOUT));
        int beforeRestart = firstRun.values().stream().mapToInt(List::size).sum();

        // The restore path goes in the environment's configuration: an environment that submits through REST
        // applies its own restore settings to the job, whatever the stream graph says.
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment second = FLINK.environment(restore);
        second.setParallelism(3);
        VehicleEventGeneratorJob.buildPipeline(second, VehicleEventGeneratorJob.createSink(config), config);
        JobClient secondJob = second.executeAsync("generator-after-restart");
        KAFKA.readAll(topic, beforeRestart + 3_000, READ_TIMEOUT);
        secondJob.cancel().get();
        List<KafkaRecord> records = KAFKA.readAll(topic, beforeRestart + 3_000, READ_TIMEOUT);

        Map<String, List<VehicleEvent>> byVehicle = byVehicle(records);
        assertThat(byVehicle).hasSize(50);
        assertThatEachVehicleFollowsItsSimulation(config, byVehicle);
        assertThat(byVehicle.values()).allSatisfy(events ->
                assertThat(events).extracting(VehicleEvent::timestamp).isSorted());
        // Had the restored job started its vehicles afresh, their events after the restart would repeat the start
        // of their simulation; that is told apart from continuing for most vehicles, so the check above can fail.
        long distinguishable = byVehicle.entrySet().stream().filter(e -> {
            List<VehicleEvent> events = e.getValue();
            int before = firstRun.getOrDefault(e.getKey(), List.of()).size();
            List<String> afterRestart = events.subList(before, events.size()).stream()
                    .map(VehicleEventGeneratorITCase::typeAndMeasurement).toList();
            return !afterRestart.equals(simulated(config, e.getKey(), afterRestart.size()));
        }).count();
        assertThat(distinguishable).isGreaterThan(40);
    }


    private static void assertThatEachVehicleFollowsItsSimulation(GeneratorConfig config,
                                                                  Map<String, List<VehicleEvent>> byVehicle) {
        byVehicle.forEach((id, events) -> assertThat(events).as(id)
                .extracting(VehicleEventGeneratorITCase::typeAndMeasurement)
                .containsExactlyElementsOf(simulated(config, id, events.size())));
    }

    /** The first {@code count} events of a vehicle simulated from scratch, as type=measurement. */
    private static List<String> simulated(GeneratorConfig config, String vehicleId, int count) {
        VehicleSimulator simulator = config.simulator();
        long vehicle = Long.parseLong(vehicleId.substring(1));
        VehicleState state = simulator.initialState(vehicle);
        List<String> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(typeAndMeasurement(simulator.next(vehicle, state, 0)));
        }
        return events;
    }

    private static String typeAndMeasurement(VehicleEvent event) {
        return event.eventType() + "=" + event.measurement();
    }

    private static JobID run(StreamExecutionEnvironment env, GeneratorConfig config) throws Exception {
        VehicleEventGeneratorJob.buildPipeline(env, VehicleEventGeneratorJob.createSink(config), config);
        return env.execute("vehicle-event-generator-it").getJobID();
    }

    private static GeneratorConfig config(String topic, Map<String, String> dataGen, Map<String, String> sink) {
        Map<String, String> dataGenGroup = new LinkedHashMap<>(dataGen);
        dataGenGroup.put("seed", String.valueOf(SEED));
        Map<String, String> sinkGroup = new LinkedHashMap<>(sink);
        sinkGroup.put("bootstrap.servers", KAFKA.bootstrapServers());
        sinkGroup.put("topic", topic);
        return GeneratorConfig.from(ApplicationProperties.of(Map.of("DataGen", dataGenGroup, "KafkaSink", sinkGroup)));
    }

    /** Each vehicle's events in the order Kafka holds them (records come sorted by partition, then offset). */
    private static Map<String, List<VehicleEvent>> byVehicle(List<KafkaRecord> records) {
        VehicleEventJson json = new VehicleEventJson();
        Map<String, List<VehicleEvent>> byVehicle = new HashMap<>();
        for (KafkaRecord record : records) {
            VehicleEvent event = parse(json, record);
            byVehicle.computeIfAbsent(event.vehicleId(), v -> new ArrayList<>()).add(event);
        }
        return byVehicle;
    }

    private static VehicleEvent parse(VehicleEventJson json, KafkaRecord record) {
        ParseResult result = json.parse(record.value());
        assertThat(result).as(record.valueAsString()).isInstanceOf(ParseResult.Valid.class);
        return ((ParseResult.Valid) result).event();
    }

    private static <T> double share(List<T> items, Predicate<T> predicate) {
        return (double) items.stream().filter(predicate).count() / items.size();
    }
}
