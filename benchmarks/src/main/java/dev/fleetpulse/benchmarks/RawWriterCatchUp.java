package dev.fleetpulse.benchmarks;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.localstack.LocalKafka;
import dev.fleetpulse.localstack.LocalPrometheus;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import dev.fleetpulse.rawwriter.RawEventWriterJob;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Catch-up throughput of the raw-event writer: a topic pre-filled by the generator (default 5M events, 100k vehicles,
 * 4 partitions), read from the earliest offset to the end by the job's real {@code buildPipeline} into a fresh local
 * Prometheus per run, on a local MiniCluster in a child JVM, at each parallelism. Prints samples/s (samples / the
 * job's net runtime), the CPU time Prometheus spent per million samples ({@code utime + stime} of its process before
 * and after the job), and the samples and series Prometheus holds afterwards. Compare samples/s with
 * {@code SinkThroughput} at the same number of series.
 *
 * <p>Run: {@code benchmarks/run.sh RawWriterCatchUp [--events 5M] [--vehicles 100000] [--parallelism 1,2]
 * [--xmx 1g] [--max-load 2.5]}
 */
public final class RawWriterCatchUp {

    static final String[] METRICS = {"vehicle_ic_rpm", "vehicle_electric_rpm", "vehicle_warnings"};

    private RawWriterCatchUp() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ChildJvm.CHILD_FLAG)) {
            runJob(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]));
            return;
        }
        HarnessArgs options = HarnessArgs.parse(args, "events", "vehicles", "parallelism", "xmx", "max-load");
        long events = options.count("events", 5_000_000);
        int vehicles = (int) options.count("vehicles", 100_000);
        String xmx = options.text("xmx", "1g");
        double maxLoad = options.decimal("max-load", 2.5);
        Report.start("RawWriterCatchUp", args);

        Report report = new Report("RawWriterCatchUp", "parallelism", "events", "seconds", "samples/s",
                "peak RSS MiB", "samples stored", "series", "Prometheus CPU s", "CPU s per 1M samples",
                "load before", "load after");
        try (LocalKafka kafka = LocalKafka.start()) {
            String topic = kafka.newTopic(PreProcessorCatchUp.PARTITIONS);
            System.out.printf("filling %s with %,d events of %,d vehicles%n", topic, events, vehicles);
            ChildJvm.Result fill = GeneratorThroughput.fill(kafka, topic, events, vehicles, 2,
                    GeneratorThroughput.DEFAULT_XMX);
            report.note(String.format("topic filled by the generator at parallelism 2 in %.1f s (%,d events/s)",
                    fill.longValue("netRuntimeMs") / 1000.0, events * 1000 / fill.longValue("netRuntimeMs")));

            for (int parallelism : options.ints("parallelism", List.of(1, 2))) {
                String deadLetters = kafka.newTopic(1);
                try (LocalPrometheus prometheus = LocalPrometheus.builder().start()) {
                    ProcessHandle process = prometheus.processHandle().orElseThrow();
                    double loadBefore = Machine.awaitQuiet(maxLoad, Duration.ofSeconds(60));
                    Duration cpuBefore = Machine.cpuTime(process);
                    ChildJvm.Result job = ChildJvm.run(RawWriterCatchUp.class, childFlags(xmx), List.of(
                            kafka.bootstrapServers(), topic, deadLetters, prometheus.remoteWriteUrl(),
                            Integer.toString(parallelism)));
                    double cpuSeconds = Machine.cpuTime(process).minus(cpuBefore).toMillis() / 1000.0;
                    double loadAfter = Machine.oneMinuteLoad();
                    long millis = job.longValue("netRuntimeMs");
                    long samples = StoredSamples.samples(prometheus, METRICS);
                    report.row(parallelism, events, millis / 1000.0, events * 1000 / millis,
                            job.longValue("peakRssKiB") / 1024, samples, StoredSamples.series(prometheus, METRICS),
                            cpuSeconds, cpuSeconds * 1_000_000 / events, loadBefore, loadAfter);
                }
            }
        }
        report.note("job JVM: " + childFlags(xmx) + "; Kafka broker in the harness JVM; checkpoints every "
                + JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL.toSeconds() + " s; sink defaults (500 samples per "
                + "request, 4 in flight per subtask); 'samples stored' below 'events' means same-millisecond "
                + "duplicates of a series, counted by the sink as already written");
        report.print();
    }

    static List<String> childFlags(String xmx) {
        return List.of("-Xmx" + xmx, "-XX:+UseParallelGC");
    }

    private static void runJob(String bootstrapServers, String topic, String deadLetters, String remoteWriteUrl,
                               int parallelism) throws Exception {
        RawEventWriterConfig config = RawEventWriterConfig.from(ApplicationProperties.of(Map.of(
                KafkaSourceConfig.GROUP, Map.of(
                        "bootstrap.servers", bootstrapServers,
                        KafkaSourceConfig.TOPIC, topic,
                        KafkaSourceConfig.DLQ_TOPIC, deadLetters,
                        KafkaSourceConfig.GROUP_ID, "benchmark-" + UUID.randomUUID(),
                        "starting.offsets", "earliest"),
                "PrometheusSink", Map.of("endpoint.url", remoteWriteUrl))));
        StreamExecutionEnvironment env = LocalJobEnvironment.create(parallelism);
        RawEventWriterJob.buildPipeline(env,
                VehicleEventSources.kafkaSourceBuilder(config.source()).setBounded(OffsetsInitializer.latest()).build(),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
        JobExecutionResult result = env.execute("raw-event-writer benchmark");
        ChildJvm.report(Map.of("netRuntimeMs", result.getNetRuntime()));
    }
}
