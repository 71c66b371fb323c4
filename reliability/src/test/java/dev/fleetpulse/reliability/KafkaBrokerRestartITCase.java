package dev.fleetpulse.reliability;

import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.generator.VehicleEventGeneratorJob;
import dev.fleetpulse.generator.VehicleIds;
import dev.fleetpulse.localstack.FlinkMiniClusterExtension;
import dev.fleetpulse.localstack.KafkaRecord;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import dev.fleetpulse.localstack.LocalPrometheusExtension;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ExpectedAggregates;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.testkit.WrittenAggregates;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scenario 4, a Kafka broker restart: the generator (exactly-once, Kafka transactions committed on checkpoints), the
 * pre-processor and the raw writer all run when the only broker is stopped and started again on the same log
 * directory. All three recover; the topic read with {@code read_committed} holds every generated event exactly
 * once; and the two readers' output is exact for what the topic holds.
 *
 * <p>The readers run without end, as in production. Once the generator has finished, one marker event per partition,
 * later than every generated event, moves event time past the last generated window, so every window of generated
 * events closes; the markers' own windows stay open and are not compared.
 */
class KafkaBrokerRestartITCase {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerRestartITCase.class);

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();
    @RegisterExtension
    static final LocalPrometheusExtension PROMETHEUS = new LocalPrometheusExtension();
    @RegisterExtension
    static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(6);

    /** Each job gets 2 of the cluster's slots, so they run side by side. */
    private static final int PARALLELISM = 2;
    private static final int PARTITIONS = 4;
    private static final int VEHICLES = 300;
    private static final int MAX_EVENTS = 30_000;
    /** Frequent checkpoints (the generator commits its transactions on them), and restarts while the broker is away. */
    private static final Configuration CHECKPOINTED = Pipelines.checkpointedJob(Duration.ofSeconds(1), 20);

    @Test
    void shouldRecoverAllThreeJobsWithEveryEventExactlyOnceAndExactOutputWhenTheBrokerRestarts() throws Exception {
        String topic = KAFKA.newTopic(PARTITIONS);
        GeneratorConfig generator = GeneratorConfig.from(ApplicationProperties.of(Map.of(
                "DataGen", Map.of("events.per.sec", "2000", "max.events", Integer.toString(MAX_EVENTS),
                        "vehicles", Integer.toString(VEHICLES), "seed", "4"),
                "KafkaSink", Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "topic", topic,
                        "delivery.guarantee", "exactly-once",
                        "transactional.id.prefix", "restart-" + UUID.randomUUID()))));
        ModelTable models = ModelTable.forVehicles(LongStream.range(0, VEHICLES).mapToObj(VehicleIds::of).toList());
        PreProcessorConfig aggregates = Pipelines.preProcessorConfig(KAFKA.bootstrapServers(), topic,
                KAFKA.newTopic(1), PROMETHEUS.remoteWriteUrl(), models);
        RawEventWriterConfig raw = Pipelines.rawWriterConfig(KAFKA.bootstrapServers(), topic, KAFKA.newTopic(1),
                PROMETHEUS.remoteWriteUrl());

        StreamExecutionEnvironment preProcessorEnv = FLINK.environment(CHECKPOINTED);

        preProcessorEnv.setParallelism(PARALLELISM);
        Pipelines.unboundedPreProcessor(preProcessorEnv, aggregates);
        JobClient preProcessor = preProcessorEnv.executeAsync("pre-processor through a broker restart");
        StreamExecutionEnvironment rawWriterEnv = FLINK.environment(CHECKPOINTED);
        rawWriterEnv.setParallelism(PARALLELISM);
        Pipelines.unboundedRawWriter(rawWriterEnv, raw);
        JobClient rawWriter = rawWriterEnv.executeAsync("raw writer through a broker restart");
        StreamExecutionEnvironment generatorEnv = FLINK.environment(CHECKPOINTED);
        generatorEnv.setParallelism(PARALLELISM);
        VehicleEventGeneratorJob.buildPipeline(generatorEnv, VehicleEventGeneratorJob.createSink(generator), generator);
        JobClient generatorJob = generatorEnv.executeAsync("generator through a broker restart");

        KAFKA.readAll(topic, 2_000, Duration.ofMinutes(1));
        long restartStarted = System.nanoTime();
        KAFKA.kafka().restart();
        LOG.info("Broker restarted in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStarted));
        generatorJob.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        List<VehicleEvent> events = parse(KAFKA.readAll(topic, MAX_EVENTS, Duration.ofMinutes(1)));
        assertThat(events).as("committed events").hasSize(MAX_EVENTS);
        SeededSequence.assertFollowsTheSeed(events, generator.simulator(), VEHICLES, MAX_EVENTS / VEHICLES);
        long first = events.stream().mapToLong(VehicleEvent::timestamp).min().orElseThrow();
        long last = events.stream().mapToLong(VehicleEvent::timestamp).max().orElseThrow();
        long lastWindowEnd = EndOfStream.windowEnd(last);
        List<VehicleEvent> markers = EndOfStream.writeMarkers(KAFKA.kafka(), topic, PARTITIONS, lastWindowEnd);
        List<VehicleEvent> all = new ArrayList<>(events);
        all.addAll(markers);

        Map<ExpectedAggregates.Sample, Double> expected = ExpectedAggregates.of(events, Pipelines.WINDOW_MS, models);
        Map<String, Double> expectedRaw = RawSamples.expected(all);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            WrittenAggregates.assertSameSamples(
                    WrittenAggregates.samplesIn(PROMETHEUS.queryClient(), first, lastWindowEnd), expected,
                    "aggregates after a broker restart");
            RawSamples.assertSame(RawSamples.written(PROMETHEUS.queryClient(), ".*"), expectedRaw,
                    "raw events after a broker restart");
        });
        for (JobClient reader : List.of(preProcessor, rawWriter)) {
            assertThat(reader.getJobStatus().get().isGloballyTerminalState()).as("reader still running").isFalse();
            assertThat(FLINK.counter(reader.getJobID(), "prometheusSink", "numSamplesDropped")).isZero();
            reader.cancel().get(1, TimeUnit.MINUTES);
        }
    }


    private static List<VehicleEvent> parse(List<KafkaRecord> records) {
        VehicleEventJson json = new VehicleEventJson();
        return records.stream().map(r -> json.parse(r.value()))
                .map(result -> ((ParseResult.Valid) result).event()).toList();
    }

}
