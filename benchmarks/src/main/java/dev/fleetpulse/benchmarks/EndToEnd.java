package dev.fleetpulse.benchmarks;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.generator.VehicleEventGeneratorJob;
import dev.fleetpulse.generator.VehicleIds;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import dev.fleetpulse.jobs.prometheus.PrometheusSinkConfig;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;
import dev.fleetpulse.localstack.Ports;
import dev.fleetpulse.localstack.PrometheusQueryClient;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.PreProcessorJob;
import dev.fleetpulse.rawwriter.RawEventWriterJob;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Cost per event of a FleetPulse job run as users run it (issue 20): the job's own {@code main} in a JVM of its own,
 * configured the way a user does (the job's development file through {@code --config}, {@code --Group.key value}
 * overrides, the local-run flags), checkpointing as a local run does by default, against the local stack (a Kafka
 * broker and Prometheus, {@code LocalStack}'s main) in another JVM.
 *
 * <ul>
 *   <li>{@code vehicle-event-generator}: each measured run writes {@code --events} events of {@code --vehicles}
 *       vehicles (round-robin, so every vehicle reports) to a new topic as fast as it can ({@code DataGen.max.events},
 *       {@code DataGen.events.per.sec unlimited}). Progress: the topic's end offsets. Output check: the topic holds
 *       exactly the events asked for.</li>
 *   <li>{@code pre-processor}, {@code raw-event-writer}: the generator fills the topic once (parallelism 2, as above),
 *       the harness reads it back to compute the expected output ({@link ExpectedSamples}), then each measured run
 *       reads the whole topic with a new consumer group from the earliest offset, unbounded as in production, into a
 *       fresh Prometheus (the stack restarts between runs; the broker keeps its data). Progress: the source's
 *       {@code numRecordsIn} on the job's metrics page ({@code --metrics-port}). Once every record is read, the
 *       harness waits for a checkpoint to commit the group's offsets at the end of the topic and for the samples in
 *       Prometheus to settle, then cancels the job and stops its JVM. Output check: the samples Prometheus holds.</li>
 * </ul>
 *
 * Figures per run (see {@link RunSampler}): events/s and CPU seconds of the job JVM per million events over the whole
 * run (from the JVM's start) and in steady state (the second half of the events); peak RSS ({@code VmHWM}); the
 * longest and latest checkpoint's end-to-end duration and full state size from Flink's REST API ({@code --web-ui});
 * samples written and whether they are what the events call for.
 *
 * <p>Run: {@code benchmarks/run.sh EndToEnd --job vehicle-event-generator|pre-processor|raw-event-writer
 * [--vehicles 100k] [--events N] [--parallelism 1,2] [--state-backend hashmap,rocksdb] [--partitions 4]
 * [--checkpoint-interval 10s] [--xmx 2g] [--max-load 2.5] [--threads true] [--report-interval-ms 1000]}
 */
public final class EndToEnd {

    private static final String TOPIC = KafkaTopics.DEFAULT_EVENTS_TOPIC;
    /** The readers' development configuration sends dead letters here; created up front so it can be counted. */
    private static final String DEAD_LETTERS = KafkaTopics.DEFAULT_DEAD_LETTER_TOPIC;
    private static final int FILL_PARALLELISM = 2;
    private static final Duration MAX_LOAD_WAIT = Duration.ofSeconds(90);
    private static final String[] PRE_PROCESSOR_METRICS = {"vehicles_in_motion", "warnings"};

    /** The three jobs, by the names of their modules. */
    enum Job {
        GENERATOR("vehicle-event-generator", VehicleEventGeneratorJob.class),
        PRE_PROCESSOR("pre-processor", PreProcessorJob.class),
        RAW_WRITER("raw-event-writer", RawEventWriterJob.class);

        final String module;
        final Class<?> main;

        Job(String module, Class<?> main) {
            this.module = module;
            this.main = main;
        }

        static Job named(String module) {
            return Arrays.stream(values()).filter(job -> job.module.equals(module)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--job must be one of "
                            + Arrays.stream(values()).map(job -> job.module).toList() + ", was " + module));
        }

        /**
         * The job's bundled development file, named explicitly: the benchmarks' class path holds all three jobs' files
         * under one resource name. {@code benchmarks/run.sh} runs from the repository root.
         */
        Path devConfig() {
            Path file = Path.of(module, "src", "main", "resources",
                    ApplicationProperties.DEV_PROPERTIES.substring(1));
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("No " + file + " here: run the harness from the repository root, "
                        + "as benchmarks/run.sh does");
            }
            return file;
        }
    }

    /** The options, checked before anything starts. */
    record Settings(Job job, long vehicles, long events, boolean defaultEvents, List<Integer> parallelisms,
                    List<String> stateBackends, int partitions, String checkpointIntervalFlag,
                    Duration checkpointInterval, String xmx, double maxLoad, boolean threads,
                    long reportIntervalMs) {

        static Settings parse(String[] args) {
            HarnessArgs options = HarnessArgs.parse(args, "job", "vehicles", "events", "parallelism", "state-backend",
                    "partitions", "checkpoint-interval", "xmx", "max-load", "threads", "report-interval-ms");
            String job = options.text("job", null);
            if (job == null) {
                throw new IllegalArgumentException("--job is required: one of "
                        + Arrays.stream(Job.values()).map(j -> j.module).toList());
            }
            long vehicles = options.count("vehicles", 100_000);
            long events = options.count("events", defaultEvents(vehicles));
            if (events < vehicles) {
                throw new IllegalArgumentException("--events " + events + " is fewer than --vehicles " + vehicles
                        + ": every vehicle must report at least once");
            }
            List<String> backends = List.of(options.text("state-backend", JobEnvironment.HASHMAP).split(","));
            String intervalFlag = options.text("checkpoint-interval", null);
            // The job's own parser checks the values, so a typo fails here rather than in every child JVM.
            backends.forEach(backend -> JobEnvironment.LocalOptions.fromFlags(
                    Map.of(JobEnvironment.STATE_BACKEND_FLAG, backend)));
            Duration interval = intervalFlag == null ? JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL
                    : JobEnvironment.LocalOptions.fromFlags(Map.of(JobEnvironment.CHECKPOINT_INTERVAL_FLAG,
                    intervalFlag)).checkpointInterval();
            return new Settings(Job.named(job), vehicles, events, options.text("events", null) == null,
                    options.ints("parallelism", List.of(1, 2)), backends, (int) options.count("partitions", 4),
                    intervalFlag, interval, options.text("xmx", "2g"), options.decimal("max-load", 2.5),
                    Boolean.parseBoolean(options.text("threads", "false")), reportInterval(options));
        }

        /** 0, when not given, for the generator's clock. */
        private static long reportInterval(HarnessArgs options) {
            long interval = options.count("report-interval-ms", 0);
            if (interval < 1 && options.text("report-interval-ms", null) != null) {
                throw new IllegalArgumentException("--report-interval-ms must be >= 1, was " + interval);
            }
            return interval;
        }

        boolean simulatedReports() {
            return reportIntervalMs > 0;
        }

        /**
         * Every vehicle reports about ten times, and the run is long enough for a steady state, within what one
         * machine's disk and patience hold: 10 events per vehicle, at least 10M, at most 100M.
         */
        static long defaultEvents(long vehicles) {
            return Math.min(100_000_000, Math.max(10_000_000, 10 * vehicles));
        }

        /** The job JVM's flags: those of {@code scripts/run-job.sh}, with the heap of {@code --xmx}. */
        List<String> jvmFlags() {
            return List.of("-Xmx" + xmx);
        }
    }

    private final Settings settings;
    private final Report report = new Report("EndToEnd", "job", "vehicles", "events", "p", "state backend",
            "events/s whole", "events/s steady", "CPU s per 1M events whole", "CPU s per 1M events steady",
            "peak RSS MiB", "checkpoint ms max / last", "checkpoint KiB max / last", "samples written",
            "output matched", "load before / after");

    private EndToEnd(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.parse(args);
        Report.start("EndToEnd", args);
        System.out.printf(Locale.ROOT, "%s: %,d vehicles, %,d events%s, parallelism %s, state backend %s%n",
                settings.job().module, settings.vehicles(), settings.events(),
                settings.defaultEvents() ? " (default: 10 per vehicle, at least 10M, at most 100M)" : "",
                settings.parallelisms(), settings.stateBackends());
        EndToEnd harness = new EndToEnd(settings);
        if (settings.job() == Job.GENERATOR) {
            harness.measureGenerator();
        } else {
            harness.measureReader();
        }
        harness.report.note("job JVM: " + String.join(" ", settings.jvmFlags()) + " (as scripts/run-job.sh), the "
                + "job's main with its development file and overrides; checkpoints every "
                + settings.checkpointInterval().toMillis()
                + " ms; Kafka broker and Prometheus in the local stack's own JVM; " + settings.partitions()
                + " partitions");
        harness.report.note("whole: from the job JVM's start to the last event read (written, for the generator); "
                + "steady: from the sample at which half the events were done to that one (samples every "
                + RunSampler.INTERVAL.toMillis() + " ms); checkpoint size: full state size");
        harness.report.printMarkdown();
    }

    private void measureGenerator() throws Exception {
        for (String backend : settings.stateBackends()) {
            for (int parallelism : settings.parallelisms()) {
                try (LocalStackChild stack = LocalStackChild.start(null, Map.of(TOPIC, settings.partitions()));
                     TopicOffsets offsets = new TopicOffsets(stack.bootstrapServers())) {
                    double loadBefore = Machine.awaitQuiet(settings.maxLoad(), MAX_LOAD_WAIT);
                    Run run = runGenerator(stack, offsets, parallelism, backend, firstEventTime());
                    double loadAfter = Machine.oneMinuteLoad();
                    addRow(parallelism, backend, run, "-", matched(settings.events(), offsets.endOffsetTotal(TOPIC)),
                            loadBefore, loadAfter);
                }
            }
        }
    }

    /**
     * Fills the topic once, computes what the job must write, then measures the job at each state backend and
     * parallelism. Each run gets a fresh Prometheus (a replay writes the same samples, which Prometheus would take as
     * already there), so the stack restarts between runs, with the broker's data kept in a directory of its own.
     */
    private void measureReader() throws Exception {
        Path dataDir = Files.createTempDirectory("fleetpulse-e2e-");
        Map<String, Integer> topics = Map.of(TOPIC, settings.partitions(), DEAD_LETTERS, 1);
        LocalStackChild stack = LocalStackChild.start(dataDir, topics);
        try {
            Instant eventsSince = firstEventTime();
            long expectedSamples;
            long records;
            try (TopicOffsets offsets = new TopicOffsets(stack.bootstrapServers())) {
                int fillParallelism = settings.simulatedReports() ? 1 : FILL_PARALLELISM;
                System.out.printf(Locale.ROOT, "filling %s with the generator at parallelism %d%n", TOPIC,
                        fillParallelism);
                Run fill = runGenerator(stack, offsets, fillParallelism, JobEnvironment.HASHMAP, eventsSince);
                report.note(String.format(Locale.ROOT, "topic filled by the generator at parallelism %d in %.1f s "
                        + "(%,.0f events/s from its JVM's start)", fillParallelism,
                        fill.figures().whole().toMillis() / 1000.0, fill.figures().eventsPerSecondWhole()));
                if (settings.simulatedReports()) {
                    report.note(String.format(Locale.ROOT, "simulated event times: every vehicle reports every "
                            + "%,d ms from %s", settings.reportIntervalMs(), eventsSince));
                }
                expectedSamples = expectedSamples(stack);
                records = offsets.endOffsetTotal(TOPIC);
            }
            boolean prometheusUsed = false;
            for (String backend : settings.stateBackends()) {
                for (int parallelism : settings.parallelisms()) {
                    if (prometheusUsed) {
                        stack.close();
                        deleteTree(dataDir.resolve("prometheus"));
                        stack = LocalStackChild.start(dataDir, topics);
                    }
                    prometheusUsed = true;
                    runReader(stack, parallelism, backend, records, expectedSamples, eventsSince);
                }
            }
        } finally {
            stack.close();
            deleteTree(dataDir);
        }
    }

    /**
     * Reads the topic back and counts the samples the job must write. For the pre-processor it then appends the
     * events that close the topic's last windows (see {@link #appendClosingEvents}).
     */
    private long expectedSamples(LocalStackChild stack) throws Exception {
        ExpectedSamples.Oracle oracle;
        PreProcessorConfig preProcessor = null;
        if (settings.job() == Job.PRE_PROCESSOR) {
            preProcessor = PreProcessorConfig.from(ApplicationProperties.load(
                    new String[] {"--config", Job.PRE_PROCESSOR.devConfig().toString()}));
            oracle = new ExpectedSamples.PreProcessor(Duration.ofMillis(preProcessor.windows().sizeMillis()),
                    preProcessor.catalog().load());
        } else {
            oracle = new ExpectedSamples.RawWriter(settings.vehicles());
        }
        long started = System.nanoTime();
        long read = ExpectedSamples.readTopic(stack.bootstrapServers(), TOPIC, oracle);
        System.out.printf(Locale.ROOT, "read %,d events back in %.1f s: the job must write %,d samples%n", read,
                (System.nanoTime() - started) / 1e9, oracle.samples());
        if (read != settings.events()) {
            throw new IllegalStateException("The topic holds " + read + " events, expected " + settings.events());
        }
        if (preProcessor != null) {
            long closingTimestamp = ((ExpectedSamples.PreProcessor) oracle).lastWindowEnd()
                    + preProcessor.maxOutOfOrderness().toMillis();
            appendClosingEvents(stack.bootstrapServers(), closingTimestamp);
            report.note("the pre-processor's topic ends with one closing event per partition (see docs/benchmarks.md); "
                    + "events and rates count them");
        }
        return oracle.samples();
    }

    /**
     * The pre-processor writes a window's samples once event time has passed its end, which takes a later event in
     * every partition; in production later events keep coming, but the topic of a benchmark ends, and its last
     * windows would stay open. So one event per partition follows, at the last window's end plus the allowed
     * out-of-orderness: the watermark (that minus the out-of-orderness, minus 1 ms) then closes every window of the
     * generated events, while the closing events' own window stays open and writes nothing.
     */
    private void appendClosingEvents(String bootstrapServers, long timestamp) throws Exception {
        VehicleEventJson json = new VehicleEventJson();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int partition = 0; partition < settings.partitions(); partition++) {
                String vehicle = vehicleIn(partition);
                byte[] value = json.toJson(new VehicleEvent(EventType.WARNINGS, vehicle, Region.US, timestamp, 0));
                producer.send(new ProducerRecord<>(TOPIC, partition, timestamp,
                        vehicle.getBytes(StandardCharsets.UTF_8), value)).get();
            }
        }
    }

    /**
     * A vehicle outside any fleet (counting down from the largest id) whose events Kafka's default partitioner puts
     * in {@code partition}, as it would the generator's.
     */
    private String vehicleIn(int partition) {
        for (long index = VehicleIds.MAX_VEHICLES - 1; ; index--) {
            String id = VehicleIds.of(index);
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % settings.partitions()
                    == partition) {
                return id;
            }
        }
    }

    /** What one measured job JVM did. */
    private record Run(RunSampler.Figures figures, LocalJobClient.CheckpointStats checkpoints) {
    }

    /**
     * The earliest event time the generator will write. With {@code --report-interval-ms}, the first of the simulated
     * reports: each vehicle's events are then one interval apart (and, at parallelism 1, the whole topic is in time
     * order), and the last round of reports is about now, so no event is ahead of the readers' clock.
     */
    private Instant firstEventTime() {
        if (!settings.simulatedReports()) {
            return Instant.now();
        }
        long rounds = (settings.events() + settings.vehicles() - 1) / settings.vehicles();
        return Instant.now().minusMillis(rounds * settings.reportIntervalMs());
    }

    /**
     * Runs the generator's main until it has written every event and ended by itself; bounded, it does.
     *
     * @param start the first simulated report; used only with {@code --report-interval-ms}
     */
    private Run runGenerator(LocalStackChild stack, TopicOffsets offsets, int parallelism, String backend,
                             Instant start) throws Exception {
        int webUi = Ports.freePort();
        List<String> args = localRunFlags(Job.GENERATOR, parallelism, backend, webUi);
        addOverride(args, GeneratorConfig.KAFKA_SINK, "bootstrap.servers", stack.bootstrapServers());
        addOverride(args, GeneratorConfig.KAFKA_SINK, GeneratorConfig.TOPIC, TOPIC);
        addOverride(args, GeneratorConfig.DATAGEN, GeneratorConfig.VEHICLES, Long.toString(settings.vehicles()));
        addOverride(args, GeneratorConfig.DATAGEN, GeneratorConfig.MAX_EVENTS, Long.toString(settings.events()));
        addOverride(args, GeneratorConfig.DATAGEN, GeneratorConfig.EVENTS_PER_SEC, GeneratorConfig.UNLIMITED_TEXT);
        if (settings.simulatedReports()) {
            addOverride(args, GeneratorConfig.DATAGEN, GeneratorConfig.SIMULATED_REPORT_INTERVAL_MS,
                    Long.toString(settings.reportIntervalMs()));
            addOverride(args, GeneratorConfig.DATAGEN, GeneratorConfig.SIMULATED_START_MS,
                    Long.toString(start.toEpochMilli()));
        }
        try (MeasuredJob job = new MeasuredJob(Job.GENERATOR, args, new LocalJobClient(webUi, 0), settings.events())) {
            job.followUntilDone(() -> offsets.endOffsetTotal(TOPIC));
            // After its last event the job takes a final checkpoint, then its main returns.
            job.awaitUntil("the generator's JVM to end", () -> !job.jvm.isAlive(), settleTimeout());
            return job.result();
        }
    }

    /** Runs a reader's main until it has read every record and its output has settled, then cancels it. */
    private void runReader(LocalStackChild stack, int parallelism, String backend, long records, long expected,
                           Instant eventsSince) throws Exception {
        try (TopicOffsets offsets = new TopicOffsets(stack.bootstrapServers())) {
            String group = "fleetpulse-e2e-" + UUID.randomUUID();
            long deadLettersBefore = offsets.endOffsetTotal(DEAD_LETTERS);
            int webUi = Ports.freePort();
            int metricsPort = Ports.freePort();
            List<String> args = localRunFlags(settings.job(), parallelism, backend, webUi);
            args.addAll(List.of("--" + JobEnvironment.METRICS_PORT_FLAG, Integer.toString(metricsPort)));
            addOverride(args, KafkaSourceConfig.GROUP, "bootstrap.servers", stack.bootstrapServers());
            addOverride(args, KafkaSourceConfig.GROUP, KafkaSourceConfig.TOPIC, TOPIC);
            addOverride(args, KafkaSourceConfig.GROUP, KafkaSourceConfig.GROUP_ID, group);
            addOverride(args, KafkaSourceConfig.GROUP, "starting.offsets", "earliest");
            addOverride(args, PrometheusSinkConfig.GROUP, PrometheusSinkConfig.ENDPOINT_URL, stack.remoteWriteUrl());
            String[] metrics = settings.job() == Job.PRE_PROCESSOR ? PRE_PROCESSOR_METRICS : RawWriterCatchUp.METRICS;
            PrometheusQueryClient prometheus = stack.prometheus();
            // Every sample is stamped with an event time (a window's end at most) after the fill started.
            LongSupplier stored = () -> StoredSamples.samples(prometheus,
                    Duration.between(eventsSince, Instant.now()).plusMinutes(1), metrics);

            double loadBefore = Machine.awaitQuiet(settings.maxLoad(), MAX_LOAD_WAIT);
            try (MeasuredJob job = new MeasuredJob(settings.job(), args, new LocalJobClient(webUi, metricsPort),
                    records)) {
                job.followUntilDone(job.client::sourceRecordsIn);
                double loadAfter = Machine.oneMinuteLoad();
                if (!settings.checkpointInterval().isZero()) {
                    // Offsets are committed when a checkpoint completes, and the sink flushes before it does: this
                    // checkpoint covers the whole topic.
                    job.awaitUntil("a checkpoint to commit the group's offsets at the end of the topic",
                            () -> offsets.committedTotal(group, TOPIC) >= records, settleTimeout());
                }
                long written = job.awaitSettled(stored, expected);
                job.cancel();
                System.out.printf(Locale.ROOT, "  dead letters: %,d%n",
                        offsets.endOffsetTotal(DEAD_LETTERS) - deadLettersBefore);
                addRow(parallelism, backend, job.result(), written, matched(expected, written), loadBefore, loadAfter);
            }
        }
    }

    /** Long enough for the next checkpoint after the last event, and the one after it should that one fail. */
    private Duration settleTimeout() {
        return settings.checkpointInterval().multipliedBy(3).plusMinutes(1);
    }

    /** {@code --config FILE} and the local-run flags, as a user starts a local run. */
    private List<String> localRunFlags(Job job, int parallelism, String backend, int webUiPort) {
        List<String> args = new ArrayList<>(List.of("--config", job.devConfig().toString(),
                "--" + JobEnvironment.PARALLELISM_FLAG, Integer.toString(parallelism),
                "--" + JobEnvironment.STATE_BACKEND_FLAG, backend,
                "--" + JobEnvironment.WEB_UI_FLAG, Integer.toString(webUiPort)));
        if (settings.checkpointIntervalFlag() != null) {
            args.addAll(List.of("--" + JobEnvironment.CHECKPOINT_INTERVAL_FLAG, settings.checkpointIntervalFlag()));
        }
        return args;
    }

    private static void addOverride(List<String> args, String group, String key, String value) {
        args.addAll(List.of("--" + group + "." + key, value));
    }

    private static String matched(long expected, long found) {
        String verdict = String.format(Locale.ROOT, "%s (expected %,d, found %,d)", expected == found ? "yes" : "no",
                expected, found);
        System.out.println("  output matched: " + verdict);
        return expected == found ? "yes" : verdict;
    }

    private void addRow(int parallelism, String backend, Run run, Object samplesWritten, String matched,
                        double loadBefore, double loadAfter) {
        RunSampler.Figures f = run.figures();
        LocalJobClient.CheckpointStats c = run.checkpoints();
        report.row(settings.job().module, settings.vehicles(), f.events(), parallelism, backend,
                Math.round(f.eventsPerSecondWhole()), orDash(Math.round(f.eventsPerSecondSteady()), f.steady()),
                f.cpuSecondsPerMillionWhole(), orDash(f.cpuSecondsPerMillionSteady(), f.steady()),
                f.peakRssKiB() / 1024,
                (c.completed() == 0 ? "none" : String.format(Locale.ROOT, "%,d / %,d", c.maxDurationMs(),
                        c.lastDurationMs())) + (c.failed() == 0 ? "" : " (" + c.failed() + " failed)"),
                c.completed() == 0 ? "none" : String.format(Locale.ROOT, "%,.1f / %,.1f", c.maxSizeBytes() / 1024.0,
                        c.lastSizeBytes() / 1024.0),
                samplesWritten, matched, String.format(Locale.ROOT, "%.2f / %.2f", loadBefore, loadAfter));
    }

    /** A steady-state figure, or "-" when the run was too short to have a second half between two samples. */
    private static Object orDash(Object figure, Duration steady) {
        return steady.isZero() ? "-" : figure;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** One measured job JVM, from its start until it is stopped, and what the harness saw of it on the way. */
    private final class MeasuredJob implements AutoCloseable {

        /** Without progress for this long, a run has failed, whatever the job's JVM still does. */
        private static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);
        /** Checkpoint statistics are read every this many samples: they change every few seconds at most. */
        private static final int CHECKPOINT_POLL_SAMPLES = 5;

        private final ChildJvm.Running jvm;
        private final LocalJobClient client;
        private final RunSampler sampler;
        private LocalJobClient.CheckpointStats checkpoints = LocalJobClient.CheckpointStats.NONE;
        private long doneNanos;

        MeasuredJob(Job job, List<String> args, LocalJobClient client, long total) {
            System.out.println("job: java " + String.join(" ", settings.jvmFlags()) + " -cp <benchmarks class path> "
                    + job.main.getName() + " " + String.join(" ", args));
            this.client = client;
            this.jvm = ChildJvm.start(job.module, job.main.getName(), settings.jvmFlags(), args);
            this.sampler = new RunSampler(jvm.handle(), jvm.startNanos(), total, settings.threads());
            System.out.println("  job JVM pid " + jvm.handle().pid());
        }

        /** Samples until {@code progress} reaches the total; fails if the JVM ends or stalls first. */
        void followUntilDone(LongSupplier progress) throws InterruptedException {
            long lastDone = -1;
            long lastChange = System.nanoTime();
            for (int sample = 0; ; sample++) {
                long done = progress.getAsLong();
                // Checked before sampling, which reads the JVM's /proc entries.
                if (!jvm.isAlive()) {
                    throw new IllegalStateException("The job's JVM ended after " + done + " events");
                }
                if (sampler.add(done)) {
                    doneNanos = System.nanoTime();
                    refreshCheckpoints();
                    return;
                }
                if (done != lastDone) {
                    lastDone = done;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > STALL_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("No progress for " + STALL_TIMEOUT.toSeconds() + " s at " + done
                            + " events");
                }
                if (sample % CHECKPOINT_POLL_SAMPLES == 0) {
                    refreshCheckpoints();
                }
                Thread.sleep(RunSampler.INTERVAL.toMillis());
            }
        }

        /** Waits, keeping checkpoints and peak RSS up to date, until {@code condition} holds. */
        void awaitUntil(String what, BooleanSupplier condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Waited " + timeout.toSeconds() + " s for " + what);
                }
                refreshCheckpoints();
                sampler.updatePeakRss();
                Thread.sleep(1_000);
            }
            System.out.printf(Locale.ROOT, "  %.1f s after the last event: %s%n", secondsSinceDone(), what);
        }

        /**
         * Waits until the count of samples written equals {@code expected}, or has not changed for three seconds
         * (the sink sends a partial batch within a second; windows close at once); returns the last count.
         */
        long awaitSettled(LongSupplier written, long expected) throws InterruptedException {
            long count = written.getAsLong();
            for (int unchanged = 0; count != expected && unchanged < 3; ) {
                Thread.sleep(1_000);
                refreshCheckpoints();
                sampler.updatePeakRss();
                long next = written.getAsLong();
                unchanged = next == count ? unchanged + 1 : 0;
                count = next;
            }
            System.out.printf(Locale.ROOT, "  %.1f s after the last event: output settled at %,d samples%n",
                    secondsSinceDone(), count);
            return count;
        }

        /** Cancels the job through the REST API, as a user would, and waits for its JVM to end. */
        void cancel() throws Exception {
            refreshCheckpoints();
            sampler.updatePeakRss();
            // Its main then ends with a JobCancellationException and a long stack trace, which says nothing here.
            jvm.mute();
            client.cancel();
            if (!jvm.awaitExit(Duration.ofSeconds(30))) {
                System.out.println("  the job's JVM still runs 30 s after the job was cancelled: stopping it");
            }
        }

        Run result() {
            RunSampler.Figures f = sampler.figures();
            System.out.printf(Locale.ROOT, "  first event %.1f s after the JVM's start, last %.1f s; steady state "
                            + "%,d events in %.2f s, %.2f CPU s; whole run %.2f CPU s; peak RSS %,d MiB%n",
                    seconds(f.toFirstEvent()), seconds(f.whole()), f.steadyEvents(), seconds(f.steady()),
                    seconds(f.steadyCpu()), seconds(f.wholeCpu()), f.peakRssKiB() / 1024);
            System.out.printf(Locale.ROOT, "  checkpoints: %d completed, %d failed; longest %,d ms, latest %,d ms; "
                            + "largest %,.1f KiB, latest %,.1f KiB%n", checkpoints.completed(), checkpoints.failed(),
                    checkpoints.maxDurationMs(), checkpoints.lastDurationMs(), checkpoints.maxSizeBytes() / 1024.0,
                    checkpoints.lastSizeBytes() / 1024.0);
            if (settings.threads()) {
                sampler.printThreads();
            }
            return new Run(f, checkpoints);
        }

        private void refreshCheckpoints() {
            client.checkpoints().ifPresent(stats -> checkpoints = stats);
        }

        private double secondsSinceDone() {
            return (System.nanoTime() - doneNanos) / 1e9;
        }

        private static double seconds(Duration duration) {
            return duration.toNanos() / 1e9;
        }

        @Override
        public void close() {
            jvm.close();
        }
    }
}
