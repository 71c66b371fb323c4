package dev.fleetpulse.benchmarks;

import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.localstack.LocalKafka;
import dev.fleetpulse.localstack.LocalPrometheus;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.PreProcessorJob;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Catch-up throughput of the pre-processor: a topic pre-filled by the generator (default 10M events, 100k vehicles,
 * 4 partitions, timestamps = creation time, so within the last minutes), read from the earliest offset to the end by
 * the job's real {@code buildPipeline} (bounded Kafka source, real dead-letter sink, real {@code PrometheusSink} into
 * a fresh local Prometheus per run), on a local MiniCluster in a child JVM, at each parallelism. Prints events/s
 * (events / the job's net runtime), the job JVM's peak RSS ({@code VmHWM}), the samples Prometheus holds afterwards,
 * and the same topic read by plain Kafka consumers that only parse the JSON (1 and 2 threads, the floor of any
 * Kafka-to-parse pipeline here) with the job's ratio to them.
 *
 * <p>Run: {@code benchmarks/run.sh PreProcessorCatchUp [--events 10M] [--vehicles 100000] [--parallelism 1,2]
 * [--xmx 512m] [--max-load 2.5]}
 */
public final class PreProcessorCatchUp {

    static final String JOB_MODE = "job";
    static final String PARSE_MODE = "parse";
    static final int PARTITIONS = 4;

    private PreProcessorCatchUp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ChildJvm.CHILD_FLAG)) {
            if (args[1].equals(JOB_MODE)) {
                runJob(args[2], args[3], args[4], args[5], Integer.parseInt(args[6]));
            } else {
                parseOnly(args[2], args[3], Integer.parseInt(args[4]));
            }
            return;
        }
        HarnessArgs options = HarnessArgs.parse(args, "events", "vehicles", "parallelism", "xmx", "max-load");
        long events = options.count("events", 10_000_000);
        int vehicles = (int) options.count("vehicles", 100_000);
        List<Integer> parallelisms = options.ints("parallelism", List.of(1, 2));
        String xmx = options.text("xmx", "512m");
        double maxLoad = options.decimal("max-load", 2.5);
        Duration maxWait = Duration.ofSeconds(60);
        Report.start("PreProcessorCatchUp", args);

        Report report = new Report("PreProcessorCatchUp", "run", "parallelism", "events", "seconds", "events/s",
                "peak RSS MiB", "samples written", "dead letters", "vs parse-only", "load before", "load after");
        try (LocalKafka kafka = LocalKafka.start()) {
            String topic = kafka.newTopic(PARTITIONS);
            System.out.printf("filling %s with %,d events of %,d vehicles%n", topic, events, vehicles);
            ChildJvm.Result fill = GeneratorThroughput.fill(kafka, topic, events, vehicles, 2,
                    GeneratorThroughput.DEFAULT_XMX);
            report.note(String.format("topic filled by the generator at parallelism 2 in %.1f s (%,d events/s)",
                    fill.longValue("netRuntimeMs") / 1000.0, events * 1000 / fill.longValue("netRuntimeMs")));

            Map<Integer, Long> parseRates = new HashMap<>();
            for (int threads : parallelisms) {
                double loadBefore = Machine.awaitQuiet(maxLoad, maxWait);
                ChildJvm.Result parse = ChildJvm.run(PreProcessorCatchUp.class, childFlags(xmx),
                        List.of(PARSE_MODE, kafka.bootstrapServers(), topic, Integer.toString(threads)));
                long parsed = parse.longValue("events");
                if (parsed != events) {
                    throw new IllegalStateException("Parse-only read " + parsed + " valid events, expected " + events);
                }
                long millis = parse.longValue("millis");
                long rate = events * 1000 / millis;
                parseRates.put(threads, rate);
                report.row("parse-only consumer, " + threads + " thread(s)", threads, events, millis / 1000.0, rate,
                        parse.longValue("peakRssKiB") / 1024, "-", "-", "-", loadBefore, Machine.oneMinuteLoad());
            }

            for (int parallelism : parallelisms) {
                String deadLetters = kafka.newTopic(1);
                try (LocalPrometheus prometheus = LocalPrometheus.builder().start()) {
                    double loadBefore = Machine.awaitQuiet(maxLoad, maxWait);
                    ChildJvm.Result job = ChildJvm.run(PreProcessorCatchUp.class, childFlags(xmx), List.of(JOB_MODE,
                            kafka.bootstrapServers(), topic, deadLetters, prometheus.remoteWriteUrl(),
                            Integer.toString(parallelism)));
                    double loadAfter = Machine.oneMinuteLoad();
                    long millis = job.longValue("netRuntimeMs");
                    long rate = events * 1000 / millis;
                    Long parseRate = parseRates.get(parallelism);
                    report.row("pre-processor job", parallelism, events, millis / 1000.0, rate,
                            job.longValue("peakRssKiB") / 1024,
                            StoredSamples.samples(prometheus, "vehicles_in_motion", "warnings"),
                            GeneratorThroughput.endOffsetTotal(kafka, deadLetters),
                            parseRate == null ? "-" : String.format("%.0f%%", 100.0 * rate / parseRate),
                            loadBefore, loadAfter);
                }
            }
        }
        report.note("job and parse-only JVMs: " + childFlags(xmx) + "; Kafka broker in the harness JVM; job "
                + "checkpoints every " + JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL.toSeconds() + " s; "
                + "'vs parse-only': the job at parallelism N against the parse-only consumer with N threads");
        report.print();
    }

    static List<String> childFlags(String xmx) {
        return List.of("-Xmx" + xmx, "-XX:+UseParallelGC");
    }

    private static void runJob(String bootstrapServers, String topic, String deadLetters, String remoteWriteUrl,
                               int parallelism) throws Exception {
        PreProcessorConfig config = PreProcessorConfig.from(ApplicationProperties.of(Map.of(
                KafkaSourceConfig.GROUP, Map.of(
                        "bootstrap.servers", bootstrapServers,
                        KafkaSourceConfig.TOPIC, topic,
                        KafkaSourceConfig.DLQ_TOPIC, deadLetters,
                        KafkaSourceConfig.GROUP_ID, "benchmark-" + UUID.randomUUID(),
                        "starting.offsets", "earliest"),
                "PrometheusSink", Map.of("endpoint.url", remoteWriteUrl))));
        StreamExecutionEnvironment env = LocalJobEnvironment.create(parallelism);
        PreProcessorJob.buildPipeline(env,
                VehicleEventSources.kafkaSourceBuilder(config.source()).setBounded(OffsetsInitializer.latest()).build(),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
        JobExecutionResult result = env.execute("pre-processor benchmark");
        ChildJvm.report(Map.of("netRuntimeMs", result.getNetRuntime()));
    }

    /**
     * Reads the whole topic with {@code threads} plain consumers (partitions split between them), parsing every value
     * with the events codec and nothing else.
     */
    private static void parseOnly(String bootstrapServers, String topic, int threads) throws Exception {
        List<List<TopicPartition>> assignments = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            assignments.add(new ArrayList<>());
        }
        for (int p = 0; p < PARTITIONS; p++) {
            assignments.get(p % threads).add(new TopicPartition(topic, p));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<long[]>> results = new ArrayList<>();
        for (List<TopicPartition> assignment : assignments) {
            results.add(pool.submit(() -> parseAll(bootstrapServers, assignment)));
        }
        long valid = 0;
        long checksum = 0;
        for (Future<long[]> result : results) {
            valid += result.get()[0];
            checksum += result.get()[1];
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        pool.shutdown();
        ChildJvm.report(Map.of("events", valid, "millis", millis, "checksum", checksum));
    }

    /** Returns the number of valid events and the sum of their measurements (so the parsing cannot be skipped). */
    private static long[] parseAll(String bootstrapServers, List<TopicPartition> partitions) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        VehicleEventJson json = new VehicleEventJson();
        long valid = 0;
        long checksum = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (json.parse(record.value()) instanceof ParseResult.Valid v) {
                        valid++;
                        checksum += v.event().measurement();
                    }
                }
            }
        }
        return new long[] {valid, checksum};
    }
}
