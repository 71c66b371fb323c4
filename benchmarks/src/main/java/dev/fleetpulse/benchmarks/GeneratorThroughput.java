package dev.fleetpulse.benchmarks;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.generator.VehicleEventGeneratorJob;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.localstack.LocalKafka;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Events/s the vehicle-event-generator writes to a local Kafka broker with the rate limit off: the job's real
 * {@code buildPipeline} and Kafka sink (with its producer defaults), {@code DataGen.max.events} events, on a local
 * MiniCluster in a child JVM, at each parallelism. Rate = events / the job's net runtime as Flink measures it (from
 * submission to finish, MiniCluster start excluded). The topic's end offsets are checked to hold every event.
 *
 * <p>Run: {@code benchmarks/run.sh GeneratorThroughput [--events 5M] [--vehicles 100000] [--parallelism 1,2]
 * [--partitions 4] [--xmx 1g] [--max-load 2.5]}
 */
public final class GeneratorThroughput {

    static final String JOB_MODE = "job";
    static final String DEFAULT_XMX = "1g";

    private GeneratorThroughput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ChildJvm.CHILD_FLAG)) {
            runJob(args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[6]));
            return;
        }
        HarnessArgs options = HarnessArgs.parse(args, "events", "vehicles", "parallelism", "partitions", "xmx",
                "max-load");
        long events = options.count("events", 5_000_000);
        int vehicles = (int) options.count("vehicles", 100_000);
        int partitions = (int) options.count("partitions", 4);
        String xmx = options.text("xmx", DEFAULT_XMX);
        double maxLoad = options.decimal("max-load", 2.5);
        Report.start("GeneratorThroughput", args);

        Report report = new Report("GeneratorThroughput", "parallelism", "events", "vehicles", "partitions",
                "seconds", "events/s", "peak RSS MiB", "load before", "load after");
        try (LocalKafka kafka = LocalKafka.start()) {
            for (int parallelism : options.ints("parallelism", List.of(1, 2))) {
                String topic = kafka.newTopic(partitions);
                double loadBefore = Machine.awaitQuiet(maxLoad, Duration.ofSeconds(90));
                ChildJvm.Result result = fill(kafka, topic, events, vehicles, parallelism, xmx);
                long millis = result.longValue("netRuntimeMs");
                report.row(parallelism, events, vehicles, partitions, millis / 1000.0, events * 1000 / millis,
                        result.longValue("peakRssKiB") / 1024, loadBefore, Machine.oneMinuteLoad());
            }
        }
        report.note("job JVM: " + childFlags(xmx) + "; Kafka broker in the harness JVM; checkpoints every "
                + JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL.toSeconds() + " s; at-least-once");
        report.print();
    }

    static List<String> childFlags(String xmx) {
        return List.of("-Xmx" + xmx, "-XX:+UseParallelGC");
    }

    /**
     * Writes {@code events} generator events for {@code vehicles} vehicles to {@code topic}, as fast as the job can,
     * in a child JVM; checks that the topic holds them all.
     */
    static ChildJvm.Result fill(LocalKafka kafka, String topic, long events, int vehicles, int parallelism,
                                String xmx) {
        long before = endOffsetTotal(kafka, topic);
        ChildJvm.Result result = ChildJvm.run(GeneratorThroughput.class, childFlags(xmx), List.of(JOB_MODE,
                kafka.bootstrapServers(), topic, Long.toString(events), Integer.toString(vehicles),
                Integer.toString(parallelism)));
        long written = endOffsetTotal(kafka, topic) - before;
        if (written != events) {
            throw new IllegalStateException("The generator should have written " + events + " events to " + topic
                    + " but the topic grew by " + written);
        }
        return result;
    }

    static long endOffsetTotal(LocalKafka kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.clientProperties(Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static void runJob(String bootstrapServers, String topic, long events, int vehicles, int parallelism)
            throws Exception {
        GeneratorConfig config = GeneratorConfig.from(ApplicationProperties.of(Map.of(
                GeneratorConfig.DATAGEN, Map.of(
                        GeneratorConfig.EVENTS_PER_SEC, GeneratorConfig.UNLIMITED_TEXT,
                        GeneratorConfig.MAX_EVENTS, Long.toString(events),
                        GeneratorConfig.VEHICLES, Integer.toString(vehicles)),
                GeneratorConfig.KAFKA_SINK, Map.of(
                        "bootstrap.servers", bootstrapServers,
                        GeneratorConfig.TOPIC, topic))));
        StreamExecutionEnvironment env = LocalJobEnvironment.create(parallelism);
        VehicleEventGeneratorJob.buildPipeline(env, VehicleEventGeneratorJob.createSink(config), config);
        JobExecutionResult result = env.execute("generator benchmark");
        ChildJvm.report(Map.of("netRuntimeMs", result.getNetRuntime()));
    }
}
