package dev.fleetpulse.benchmarks;

import dev.fleetpulse.prometheus.http.RemoteWriteResponse;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.localstack.LocalPrometheus;
import dev.fleetpulse.localstack.fault.Fault;
import dev.fleetpulse.localstack.fault.FaultInjectingProxy;
import dev.fleetpulse.localstack.fault.FaultPlan;
import dev.fleetpulse.prometheus.PrometheusSink;
import dev.fleetpulse.prometheus.http.RemoteWriteHttpClient;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.writer.WriteRequestBatch;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Samples/s of {@link PrometheusSink} into a local Prometheus, against the receiver's own limit.
 *
 * <ul>
 *   <li><b>bare client</b>: {@link RemoteWriteHttpClient#send} of requests encoded before the clock starts, from
 *       {@code lanes} threads (series split between them, one request in flight each, so no sample is out of order):
 *       what Prometheus on this machine can take, with no Flink and no batching work.</li>
 *   <li><b>sink</b>: a Flink job (local MiniCluster in a child JVM) whose bounded datagen source (parallelism 1, so
 *       each series' samples leave in timestamp order) builds the raw writer's shape of {@link TimeSeries} (one sample
 *       each, {@code vehicle_ic_rpm{region, vehicle_id}}), keyed by series into the sink with its defaults, at each
 *       parallelism. Rate = samples / the job's net runtime.</li>
 *   <li><b>20 ms</b>: the sink at parallelism 1 through local-stack's fault proxy delaying every request by 20 ms,
 *       with 1 and with 4 requests in flight ({@code delayed-samples} per request in flight).</li>
 * </ul>
 * Each run gets a fresh Prometheus, so each creates the same series from scratch. The bare client and the sink runs
 * first write {@code warmup-samples} of another metric ({@value #WARMUP_METRIC}, over {@code warmup-series} series,
 * few so that the head Prometheus starts the timed run with stays close to a fresh one's) to that Prometheus the
 * same way, untimed: the JVM has compiled most of its hot paths and both Prometheus heads hold the same series when
 * the clock starts (a cold 3M-sample sink run spent a third of the job's CPU in the JIT compiler). One warm-up job
 * does not finish the job's compilation (C2 kept 0.07-0.45 cores busy for the first 14 s of the timed run after a 1M-
 * or 3M-sample one alike), so the job JVM runs warm-up jobs, each continuing the previous one's timestamps, until one
 * during which the JIT compiled for less than {@value #QUIET_JIT_SHARE} of its runtime (at most
 * {@value #MAX_WARMUP_JOBS}); the bare client's JVM, with far less code, sends its warm-up once. The table's
 * {@code JIT s} is the compilation time (all compiler threads) during the timed part, for both; {@code job CPU s} is
 * the CPU time of the sink's whole job JVM during the timed job ({@code /proc}, all threads), the least noisy figure
 * on a machine whose other work moves samples/s, with a breakdown by thread group in the notes. The default run is
 * 10M samples, so that a job's start-up weighs little. {@code --warmup-samples 0} measures cold runs. The
 * +20 ms runs are bound by latency, not CPU, and are not warmed up; {@code --delayed-samples 0} skips them.
 *
 * <p>Run: {@code benchmarks/run.sh SinkThroughput [--samples 10M] [--series 300000] [--parallelism 1,2]
 * [--lanes 4,8] [--warmup-samples 1M] [--warmup-series 10000] [--delayed-samples 400k] [--xmx 1g] [--max-load 2.5]}
 */
public final class SinkThroughput {

    static final String METRIC = "vehicle_ic_rpm";
    static final String WARMUP_METRIC = "vehicle_ic_rpm_warmup";
    private static final int BATCH_SAMPLES = PrometheusSink.Builder.DEFAULT_MAX_BATCH_SAMPLES;
    private static final Duration ADDED_LATENCY = Duration.ofMillis(20);
    /** The warm-up ends after a job during which the JIT compiled for less than this share of the job's runtime. */
    private static final double QUIET_JIT_SHARE = 0.05;
    private static final int MAX_WARMUP_JOBS = 6;
    /** Prefix of the child's figures that are CPU milliseconds of the timed job, by thread group. */
    private static final String CPU_PREFIX = "cpu.";

    private SinkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(ChildJvm.CHILD_FLAG)) {
            String url = args[1];
            int seriesCount = Integer.parseInt(args[3]);
            long t0 = Long.parseLong(args[4]);
            int parallelism = Integer.parseInt(args[5]);
            int inFlight = Integer.parseInt(args[6]);
            long warmupSamples = Long.parseLong(args[7]);
            int warmupSeries = Integer.parseInt(args[8]);
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            int warmupJobs = 0;
            double jitShare = 0;
            if (warmupSamples > 0) {
                do {
                    long jitBefore = jit.getTotalCompilationTime();
                    // Each warm-up job continues the last one's timestamps, so none of its samples is a duplicate.
                    long millis = runJob(url, WARMUP_METRIC, warmupJobs * warmupSamples, warmupSamples, warmupSeries,
                            t0, parallelism, inFlight);
                    jitShare = (jit.getTotalCompilationTime() - jitBefore) / (double) Math.max(1, millis);
                    warmupJobs++;
                } while (jitShare > QUIET_JIT_SHARE && warmupJobs < MAX_WARMUP_JOBS);
            }
            long jitBefore = jit.getTotalCompilationTime();
            long netRuntimeMs;
            Map<String, Double> cpu;
            try (ThreadCpu threads = ThreadCpu.start(ThreadCpu::flinkJobGroup)) {
                netRuntimeMs = runJob(url, METRIC, 0, Long.parseLong(args[2]), seriesCount, t0, parallelism,
                        inFlight);
                cpu = threads.secondsByGroup();
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("netRuntimeMs", netRuntimeMs);
            figures.put("warmupJobs", warmupJobs);
            figures.put("lastWarmupJitPercent", Math.round(jitShare * 100));
            figures.put("jitMillis", jit.getTotalCompilationTime() - jitBefore);
            cpu.forEach((group, seconds) -> figures.put(CPU_PREFIX + group.replace(' ', '_'),
                    Math.round(seconds * 1000)));
            ChildJvm.report(figures);
            return;
        }
        HarnessArgs options = HarnessArgs.parse(args, "samples", "series", "parallelism", "lanes",
                "warmup-samples", "warmup-series", "delayed-samples", "xmx", "max-load");
        long samples = options.count("samples", 10_000_000);
        // As many series as RawWriterCatchUp's topic gives (100k vehicles, mostly 3 metrics each).
        int seriesCount = (int) options.count("series", 300_000);
        long warmupSamples = options.count("warmup-samples", 1_000_000);
        int warmupSeries = (int) options.count("warmup-series", 10_000);
        long delayedSamples = options.count("delayed-samples", 400_000);
        String xmx = options.text("xmx", "1g");
        double maxLoad = options.decimal("max-load", 2.5);
        Duration maxWait = Duration.ofSeconds(60);
        Report.start("SinkThroughput", args);

        Report report = new Report("SinkThroughput", "run", "parallelism", "in flight", "samples", "series",
                "seconds", "samples/s", "ratio", "samples stored", "warm-up jobs", "JIT s", "job CPU s",
                "CPU s per 1M samples", "load before", "load after");
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        // Recent enough for a fresh Prometheus head, with room for one second per round of samples after it.
        long t0 = System.currentTimeMillis() - Duration.ofMinutes(30).toMillis();

        long bareBest = 0;
        for (int lanes : options.ints("lanes", List.of(4, 8))) {
            List<List<byte[]>> warmup = encode(WARMUP_METRIC, warmupSamples, warmupSeries, t0, lanes);
            List<List<byte[]>> requests = encode(METRIC, samples, seriesCount, t0, lanes);
            try (LocalPrometheus prometheus = LocalPrometheus.builder().start()) {
                sendAll(URI.create(prometheus.remoteWriteUrl()), warmup);
                warmup = null;
                double loadBefore = Machine.awaitQuiet(maxLoad, maxWait);
                long jitBefore = jit.getTotalCompilationTime();
                long nanos = sendAll(URI.create(prometheus.remoteWriteUrl()), requests);
                long jitMillis = jit.getTotalCompilationTime() - jitBefore;
                double loadAfter = Machine.oneMinuteLoad();
                long rate = samples * 1_000_000_000L / nanos;
                bareBest = Math.max(bareBest, rate);
                report.row("bare client", "-", lanes, samples, seriesCount, nanos / 1e9, rate, "-",
                        StoredSamples.samples(prometheus, METRIC), warmupSamples > 0 ? 1 : 0, jitMillis / 1000.0,
                        "-", "-", loadBefore, loadAfter);
            }
        }

        for (int parallelism : options.ints("parallelism", List.of(1, 2))) {
            try (LocalPrometheus prometheus = LocalPrometheus.builder().start()) {
                long rate = runSink(report, prometheus, prometheus.remoteWriteUrl(), samples, seriesCount, t0,
                        parallelism, PrometheusSink.Builder.DEFAULT_MAX_IN_FLIGHT_REQUESTS, warmupSamples,
                        warmupSeries, xmx, maxLoad, maxWait, "sink", bareBest);
                report.note(String.format("sink at parallelism %d: %.0f%% of the best bare client", parallelism,
                        100.0 * rate / bareBest));
            }
        }

        long oneLane = 0;
        for (int inFlight : delayedSamples > 0 ? List.of(1, 4) : List.<Integer>of()) {
            try (LocalPrometheus prometheus = LocalPrometheus.builder().start();
                 FaultInjectingProxy proxy = FaultInjectingProxy.start(URI.create(prometheus.baseUrl()))) {
                proxy.plan(FaultPlan.cycle(Fault.delay(ADDED_LATENCY)));
                // Samples in proportion to the lanes, so both runs last about as long and the job's start-up
                // weighs the same in both rates.
                long rate = runSink(report, prometheus, proxy.proxiedUrl(prometheus.remoteWriteUrl()),
                        delayedSamples * inFlight, seriesCount, t0, 1, inFlight, 0, 0, xmx, maxLoad, maxWait,
                        "sink, +20 ms per request", oneLane);
                if (inFlight == 1) {
                    oneLane = rate;
                } else {
                    report.note(String.format("with 20 ms added per request: %d in flight give %.2fx the samples/s "
                            + "of 1", inFlight, (double) rate / oneLane));
                }
            }
        }
        report.note("ratio: sink rows against the best bare client"
                + (delayedSamples > 0 ? "; +20 ms rows against 1 in flight" : ""));
        report.note(warmupSamples > 0
                ? String.format("bare client and sink rows: after untimed warm-up samples of %s (%,d series) to the "
                        + "same Prometheus from the same JVM: the bare client sends %,d once; the sink's JVM runs jobs "
                        + "of %,d until one in which the JIT compiled for less than %.0f%% of its runtime (at most %d)",
                        WARMUP_METRIC, warmupSeries, warmupSamples, warmupSamples, QUIET_JIT_SHARE * 100,
                        MAX_WARMUP_JOBS)
                : "cold runs: no warm-up");
        report.note("job JVM: " + List.of("-Xmx" + xmx, "-XX:+UseParallelGC") + "; checkpoints every "
                + JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL.toSeconds() + " s; sink defaults: " + BATCH_SAMPLES
                + " samples per request, " + PrometheusSink.Builder.DEFAULT_MAX_IN_FLIGHT_REQUESTS
                + " in flight per subtask; bare client: the same " + BATCH_SAMPLES + "-sample requests");
        report.print();
    }

    private static long runSink(Report report, LocalPrometheus prometheus, String url, long samples, int seriesCount,
                                long t0, int parallelism, int inFlight, long warmupSamples, int warmupSeries,
                                String xmx, double maxLoad, Duration maxWait, String label, long baseline)
            throws InterruptedException {
        double loadBefore = Machine.awaitQuiet(maxLoad, maxWait);
        ChildJvm.Result job = ChildJvm.run(SinkThroughput.class, List.of("-Xmx" + xmx, "-XX:+UseParallelGC"),
                List.of(url, Long.toString(samples), Integer.toString(seriesCount), Long.toString(t0),
                        Integer.toString(parallelism), Integer.toString(inFlight), Long.toString(warmupSamples),
                        Integer.toString(warmupSeries)));
        double loadAfter = Machine.oneMinuteLoad();
        long millis = job.longValue("netRuntimeMs");
        long rate = samples * 1000 / millis;
        double cpuSeconds = job.longValue(CPU_PREFIX + "total") / 1000.0;
        report.row(label, parallelism, inFlight, samples, seriesCount, millis / 1000.0, rate,
                baseline == 0 ? "-" : String.format("%.2f", (double) rate / baseline),
                StoredSamples.samples(prometheus, METRIC),
                job.longValue("warmupJobs") == 0 ? "0" : String.format("%d (JIT %d%% of the last)",
                        job.longValue("warmupJobs"), job.longValue("lastWarmupJitPercent")),
                job.longValue("jitMillis") / 1000.0, cpuSeconds, cpuSeconds * 1_000_000 / samples, loadBefore,
                loadAfter);
        StringBuilder threads = new StringBuilder();
        job.values().forEach((key, value) -> {
            if (key.startsWith(CPU_PREFIX) && !key.equals(CPU_PREFIX + "total")) {
                threads.append(threads.length() == 0 ? "" : ", ").append(key.substring(CPU_PREFIX.length())
                        .replace('_', ' ')).append(' ').append(String.format("%.2f", Long.parseLong(value) / 1000.0));
            }
        });
        report.note(String.format("%s at parallelism %d, job JVM CPU s in the timed job by thread group: %s", label,
                parallelism, threads));
        return rate;
    }

    /** Sample {@code k} of the run: series {@code k % seriesCount}, one second after that series' previous one. */
    static TimeSeries sample(String metric, long k, int seriesCount, long t0, String[] vehicleIds, String[] regions) {
        int series = (int) (k % seriesCount);
        long round = k / seriesCount;
        return TimeSeries.builder(metric)
                .label("region", regions[series])
                .label("vehicle_id", vehicleIds[series])
                .sample(800 + k % 5000, t0 + round * 1000)
                .build();
    }

    static String[] vehicleIds(int seriesCount) {
        String[] ids = new String[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            ids[i] = String.format("V%010d", i);
        }
        return ids;
    }

    static String[] regions(int seriesCount) {
        String[] regions = new String[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            regions[i] = Region.weighted((i * 0.618033988749895) % 1.0).label();
        }
        return regions;
    }

    /** Encodes the run's samples into full requests, per lane (series {@code s} goes to lane {@code s % lanes}). */
    private static List<List<byte[]>> encode(String metric, long samples, int seriesCount, long t0, int lanes) {
        String[] ids = vehicleIds(seriesCount);
        String[] regions = regions(seriesCount);
        List<List<byte[]>> requests = new ArrayList<>();
        List<WriteRequestBatch> batches = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            requests.add(new ArrayList<>());
            batches.add(new WriteRequestBatch(BATCH_SAMPLES, PrometheusSink.Builder.DEFAULT_MAX_BATCH_BYTES));
        }
        for (long k = 0; k < samples; k++) {
            int lane = (int) (k % seriesCount % lanes);
            WriteRequestBatch batch = batches.get(lane);
            batch.add(sample(metric, k, seriesCount, t0, ids, regions), 0, 0);
            if (batch.isFull()) {
                requests.get(lane).add(encodeAndClear(batch));
            }
        }
        for (int lane = 0; lane < lanes; lane++) {
            if (!batches.get(lane).isEmpty()) {
                requests.get(lane).add(encodeAndClear(batches.get(lane)));
            }
        }
        return requests;
    }

    private static byte[] encodeAndClear(WriteRequestBatch batch) {
        int length = batch.compress();
        byte[] body = Arrays.copyOf(batch.body(), length);
        batch.clear();
        return body;
    }

    /** Sends every lane's requests in order, one in flight per lane; returns the wall time in nanoseconds. */
    private static long sendAll(URI endpoint, List<List<byte[]>> requests) throws Exception {
        ExecutorService lanes = Executors.newFixedThreadPool(requests.size());
        ExecutorService http = Executors.newCachedThreadPool();
        try (RemoteWriteHttpClient client = new RemoteWriteHttpClient(endpoint, Duration.ofSeconds(10),
                Duration.ofSeconds(30), "FleetPulse-benchmark", null, requests.size(), http)) {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (List<byte[]> lane : requests) {
                done.add(lanes.submit(() -> {
                    for (byte[] body : lane) {
                        RemoteWriteResponse response = client.send(body, body.length).join();
                        if (response.status() / 100 != 2) {
                            throw new IllegalStateException("Prometheus answered " + response.status() + ": "
                                    + response.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> lane : done) {
                lane.get();
            }
            return System.nanoTime() - start;
        } finally {
            lanes.shutdownNow();
            http.shutdownNow();
        }
    }

    /** Runs one job of the sink benchmark in this JVM; returns its net runtime in milliseconds. */
    private static long runJob(String url, String metric, long firstSample, long samples, int seriesCount, long t0,
                               int parallelism, int inFlight) throws Exception {
        StreamExecutionEnvironment env = LocalJobEnvironment.create(parallelism);
        PrometheusSink sink = PrometheusSink.builder().endpointUrl(url).maxInFlightRequests(inFlight).build();
        env.fromSource(new DataGeneratorSource<>(new SampleGenerator(metric, firstSample, seriesCount, t0), samples,
                        TimeSeriesTypeInfoFactory.TYPE_INFO), WatermarkStrategy.noWatermarks(), "Samples")
                .uid("samples")
                .setParallelism(1)
                .keyBy(new TimeSeriesKeySelector())
                .sinkTo(sink)
                .uid("prometheus-sink")
                .name("Prometheus remote-write");
        JobExecutionResult result = env.execute("sink benchmark " + metric);
        return result.getNetRuntime();
    }

    /** Builds sample {@code k} of the run, as {@link #sample} does for the bare client. */
    private static final class SampleGenerator implements GeneratorFunction<Long, TimeSeries> {

        private static final long serialVersionUID = 1L;

        private final String metric;
        private final long firstSample;
        private final int seriesCount;
        private final long t0;
        private transient String[] vehicleIds;
        private transient String[] regions;

        SampleGenerator(String metric, long firstSample, int seriesCount, long t0) {
            this.metric = metric;
            this.firstSample = firstSample;
            this.seriesCount = seriesCount;
            this.t0 = t0;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            vehicleIds = vehicleIds(seriesCount);
            regions = regions(seriesCount);
        }

        @Override
        public TimeSeries map(Long k) {
            return sample(metric, firstSample + k, seriesCount, t0, vehicleIds, regions);
        }
    }
}
