package dev.fleetpulse.reliability;

import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.localstack.flink.FlinkJob;
import dev.fleetpulse.localstack.flink.FlinkJobStatus;
import dev.fleetpulse.localstack.flink.LocalFlinkCluster;
import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.generator.VehicleIds;
import dev.fleetpulse.generator.VehicleSimulator;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import static dev.fleetpulse.localstack.flink.LocalFlinkCluster.taskManagerId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 7, a real cluster: a standalone Flink cluster (a JobManager and two TaskManagers, separate JVMs on
 * 127.0.0.1) runs the three fat jars, submitted through the REST API with {@code --Group.key value} arguments as an
 * operator would: the generator (bounded, exactly-once), the pre-processor and the raw writer (reading without end).
 * One TaskManager is killed while all three run; every job recovers on the other from its last checkpoint. The topic
 * then holds every generated event exactly once, and Prometheus exactly the oracle's aggregates and every raw event.
 *
 * <p>As in the broker-restart scenario, marker events later than the generated ones close the last windows.
 */
class RealClusterITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();

    private static final int PARTITIONS = 4;
    private static final int PARALLELISM = 2;
    private static final int VEHICLES = 300;
    private static final int MAX_EVENTS = 30_000;
    private static final long SEED = 7;
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static LocalFlinkCluster flink;

    @BeforeAll
    static void startCluster() {
        // Either TaskManager alone must take all three jobs (3 x parallelism 2) when the other is killed.
        flink = LocalFlinkCluster.builder().taskManagers(2).slotsPerTaskManager(3 * PARALLELISM)
                .taskManagerProcessMemory("1536m")
                .configure("execution.checkpointing.interval", "2 s")
                .start();
    }

    @AfterAll
    static void stopCluster() {
        if (flink != null) {
            flink.close();
        }
    }

    @Test
    void shouldRunTheThreeJarsEndToEndAndRecoverOnTheOtherTaskManagerWhenOneIsKilled() throws Exception {
        String topic = KAFKA.newTopic(PARTITIONS);
        String remoteWrite = PROMETHEUS.remoteWriteUrl();
        ModelTable models = ModelTable.forVehicles(LongStream.range(0, VEHICLES).mapToObj(VehicleIds::of).toList());
        FlinkJob preProcessor = flink.submitJar(JobJars.of(JobJars.PRE_PROCESSOR), List.of(
                "--KafkaSource.bootstrap.servers", KAFKA.bootstrapServers(), "--KafkaSource.topic", topic,
                "--KafkaSource.dlq.topic", KAFKA.newTopic(1), "--KafkaSource.starting.offsets", "earliest",
                "--Aggregation.window.size.sec", Integer.toString(Pipelines.WINDOW_SEC),
                "--Enrichment.models.file", models.file().toString(),
                "--PrometheusSink.endpoint.url", remoteWrite, "--PrometheusSink.max.batch.age.ms", "200"), PARALLELISM);
        FlinkJob rawWriter = flink.submitJar(JobJars.of(JobJars.RAW_WRITER), List.of(
                "--KafkaSource.bootstrap.servers", KAFKA.bootstrapServers(), "--KafkaSource.topic", topic,
                "--KafkaSource.dlq.topic", KAFKA.newTopic(1), "--KafkaSource.starting.offsets", "earliest",
                "--PrometheusSink.endpoint.url", remoteWrite, "--PrometheusSink.max.batch.age.ms", "200"), PARALLELISM);
        FlinkJob generator = flink.submitJar(JobJars.of(JobJars.GENERATOR), List.of(
                "--DataGen.events.per.sec", "1500", "--DataGen.max.events", Integer.toString(MAX_EVENTS),
                "--DataGen.vehicles", Integer.toString(VEHICLES), "--DataGen.seed", Long.toString(SEED),
                "--KafkaSink.bootstrap.servers", KAFKA.bootstrapServers(), "--KafkaSink.topic", topic,
                "--KafkaSink.delivery.guarantee", "exactly-once",
                "--KafkaSink.transactional.id.prefix", "cluster-" + UUID.randomUUID()), PARALLELISM);
        List<FlinkJob> jobs = List.of(generator, preProcessor, rawWriter);
        for (FlinkJob job : jobs) {
            job.awaitStatus(FlinkJobStatus.RUNNING, TIMEOUT);
            job.awaitCompletedCheckpoints(1, TIMEOUT);
            assertThat(job.taskManagersRunning()).as("job %s on both TaskManagers", job.id())
                    .containsExactly(taskManagerId(0), taskManagerId(1));
        }
        KAFKA.readAll(topic, 2_000, TIMEOUT);

        flink.killTaskManager(0);

        for (FlinkJob job : jobs) {
            job.awaitCheckpoints(counts -> counts.restored() >= 1, "a restore after the kill", TIMEOUT);
        }
        generator.awaitStatus(FlinkJobStatus.FINISHED, TIMEOUT);
        List<VehicleEvent> events = parse(KAFKA.readAll(topic, MAX_EVENTS, TIMEOUT));
        assertThat(events).as("committed events").hasSize(MAX_EVENTS);
        SeededSequence.assertFollowsTheSeed(events, new VehicleSimulator(SEED,
                GeneratorConfig.DEFAULT_PROB_MOTION_STATE_CHANGE, GeneratorConfig.DEFAULT_PROB_WARNING_CHANGE),
                VEHICLES, MAX_EVENTS / VEHICLES);
        long first = events.stream().mapToLong(VehicleEvent::timestamp).min().orElseThrow();
        long last = events.stream().mapToLong(VehicleEvent::timestamp).max().orElseThrow();
        long lastWindowEnd = EndOfStream.windowEnd(last);
        List<VehicleEvent> all = new ArrayList<>(events);
        all.addAll(EndOfStream.writeMarkers(KAFKA.kafka(), topic, PARTITIONS, lastWindowEnd));

        Map<ExpectedAggregates.Sample, Double> expected = ExpectedAggregates.of(events, Pipelines.WINDOW_MS, models);
        Map<String, Double> expectedRaw = RawSamples.expected(all);
        await().atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            WrittenAggregates.assertSameSamples(
                    WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), first, lastWindowEnd), expected,
                    "aggregates on a real cluster after a TaskManager kill");
            RawSamples.assertSame(RawSamples.written(PROMETHEUS.queryClient(), ".*"), expectedRaw,
                    "raw events on a real cluster after a TaskManager kill");
        });
        for (FlinkJob reader : List.of(preProcessor, rawWriter)) {
            assertThat(reader.status()).isEqualTo(FlinkJobStatus.RUNNING);
            assertThat(reader.taskManagersRunning()).containsExactly(taskManagerId(1));
        }
        flink.cancelAllJobs();
    }


    private static List<VehicleEvent> parse(List<KafkaRecord> records) {
        VehicleEventJson json = new VehicleEventJson();
        return records.stream().map(r -> ((ParseResult.Valid) json.parse(r.value())).event()).toList();
    }

}
