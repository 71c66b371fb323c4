package dev.fleetpulse.demo;

import dev.fleetpulse.generator.VehicleEventGeneratorJob;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import dev.fleetpulse.localstack.LocalStack;
import dev.fleetpulse.localstack.LocalStackOptions;
import dev.fleetpulse.preprocessor.PreProcessorJob;
import dev.fleetpulse.rawwriter.RawEventWriterJob;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one-command demo: a real Kafka broker and a real Prometheus on 127.0.0.1, the three FleetPulse jobs each on
 * its own local Flink cluster with its web UI, and every window a table of the latest aggregates read back from
 * Prometheus. Ctrl-C, the {@code --duration} or a failing job stops everything it started.
 *
 * <p>The jobs run through their own {@code main} with command-line overrides, exactly as a user would start them
 * from an IDE, so the demo exercises the same configuration path.
 */
public final class Demo implements AutoCloseable {

    static final String EVENTS_TOPIC = KafkaTopics.DEFAULT_EVENTS_TOPIC;
    static final String DEAD_LETTER_TOPIC = KafkaTopics.DEFAULT_DEAD_LETTER_TOPIC;
    private static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(5);

    private final DemoOptions options;
    private final PrintStream out;
    private final LocalStack stack;
    private final List<Thread> jobs = new ArrayList<>();
    private final AtomicReference<Throwable> jobFailure = new AtomicReference<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean closed;

    private Demo(DemoOptions options, PrintStream out, LocalStack stack) {
        this.options = options;
        this.out = out;
        this.stack = stack;
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(64);
            return;
        }
        Demo demo = start(options, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(demo::close, "fleetpulse-demo-shutdown"));
        Optional<Throwable> failure = demo.run();
        if (failure.isPresent()) {
            System.err.println("A job failed, stopping the demo: " + failure.get());
            System.exit(1);
        }
        System.exit(0);
    }

    /** Starts the stack and the three jobs, and prints where to look. */
    public static Demo start(DemoOptions options, PrintStream out) {
        List<String> stackArgs = new ArrayList<>(List.of(
                "--kafka-port", Integer.toString(options.kafkaPort()),
                "--prometheus-port", Integer.toString(options.prometheusPort()),
                "--topic", EVENTS_TOPIC + ":4", "--topic", DEAD_LETTER_TOPIC + ":1"));
        for (int i = 0; i < 3; i++) {
            stackArgs.addAll(List.of("--scrape", "127.0.0.1:" + (options.firstMetricsPort() + i)));
        }
        options.rules().forEach(r -> stackArgs.addAll(List.of("--rules", r.toString())));
        LocalStack stack = LocalStack.start(LocalStackOptions.parse(stackArgs.toArray(String[]::new)), out);
        Demo demo = new Demo(options, out, stack);
        try {
            demo.startJobs();
        } catch (RuntimeException e) {
            demo.close();
            throw e;
        }
        demo.printLinks();
        return demo;
    }

    private void startJobs() {
        String kafka = stack.kafka().bootstrapServers();
        String remoteWrite = stack.prometheus().remoteWriteUrl();
        startJob("vehicle-event-generator", 0, VehicleEventGeneratorJob::main,
                "--DataGen.vehicles", Integer.toString(options.vehicles()),
                "--DataGen.events.per.sec", Long.toString(options.eventsPerSec()),
                "--KafkaSink.bootstrap.servers", kafka, "--KafkaSink.topic", EVENTS_TOPIC);
        // The topic is new with each demo, so both readers start at its beginning.
        startJob("pre-processor", 1, PreProcessorJob::main,
                "--KafkaSource.bootstrap.servers", kafka, "--KafkaSource.topic", EVENTS_TOPIC,
                "--KafkaSource.dlq.topic", DEAD_LETTER_TOPIC, "--KafkaSource.starting.offsets", "earliest",
                "--PrometheusSink.endpoint.url", remoteWrite);
        startJob("raw-event-writer", 2, RawEventWriterJob::main,
                "--KafkaSource.bootstrap.servers", kafka, "--KafkaSource.topic", EVENTS_TOPIC,
                "--KafkaSource.dlq.topic", DEAD_LETTER_TOPIC, "--KafkaSource.starting.offsets", "earliest",
                "--PrometheusSink.endpoint.url", remoteWrite);
    }

    /** A job's {@code main}, which blocks while the job runs. */
    private interface JobMain {
        void main(String[] args) throws Exception;
    }

    private void startJob(String name, int index, JobMain main, String... overrides) {
        List<String> args = new ArrayList<>(List.of(overrides));
        args.addAll(List.of(
                "--web-ui", Integer.toString(options.firstWebUiPort() + index),
                "--metrics-port", Integer.toString(options.firstMetricsPort() + index),
                "--parallelism", "1"));
        Thread thread = new Thread(() -> {
            try {
                main.main(args.toArray(String[]::new));
                if (!closed) {
                    jobFailure.compareAndSet(null, new IllegalStateException(name + " finished unexpectedly"));
                }
            } catch (Throwable t) {
                if (!closed) {
                    jobFailure.compareAndSet(null, new IllegalStateException(name + ": " + t.getMessage(), t));
                }
            }
            stopRequested.countDown();
        }, "fleetpulse-demo-" + name);
        thread.setDaemon(true);
        jobs.add(thread);
        thread.start();
    }

    private void printLinks() {
        String prometheus = stack.prometheus().baseUrl();
        out.println();
        out.println("FleetPulse demo: " + options.vehicles() + " vehicles, " + options.eventsPerSec() + " events/s"
                + (options.duration().isZero() ? ", until Ctrl-C" : ", for " + options.duration()));
        out.println("Prometheus graphs:");
        out.println("  vehicles in motion by model   " + graph(prometheus, "sum by (model) (vehicles_in_motion)"));
        out.println("  vehicles in motion by region  " + graph(prometheus, "sum by (region) (vehicles_in_motion)"));
        out.println("  warnings by model             " + graph(prometheus, "sum by (model) (warnings)"));
        out.println("  warnings by region            " + graph(prometheus, "sum by (region) (warnings)"));
        out.println("  raw vs aggregated series      " + graph(prometheus,
                "count({__name__=~\"vehicle_.+\"}) or count({__name__=~\"vehicles_in_motion|warnings\"})"));
        out.println("Flink web UIs:");
        String[] names = {"vehicle-event-generator", "pre-processor", "raw-event-writer"};
        for (int i = 0; i < names.length; i++) {
            out.printf("  %-24s http://127.0.0.1:%d%n", names[i], options.firstWebUiPort() + i);
        }
        out.println("DEMO READY prometheus=" + prometheus + " kafka=" + stack.kafka().bootstrapServers());
        out.println();
        out.flush();
    }

    static String graph(String prometheusBaseUrl, String expr) {
        return prometheusBaseUrl + "/graph?g0.expr=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                + "&g0.tab=0&g0.range_input=15m";
    }

    /**
     * Prints the latest aggregates every few seconds until the duration ends, a job fails, or the thread is
     * interrupted; then stops everything. Returns the failure of a job, if one failed.
     */
    public Optional<Throwable> run() throws InterruptedException {
        SummaryTable table = new SummaryTable(stack.prometheus().queryClient());
        long deadline = options.duration().isZero() ? Long.MAX_VALUE
                : System.nanoTime() + options.duration().toNanos();
        try {
            while (System.nanoTime() < deadline && jobFailure.get() == null) {
                long wait = Math.min(SUMMARY_INTERVAL.toNanos(), deadline - System.nanoTime());
                if (stopRequested.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                    break;
                }
                out.print(table.render());
                out.flush();
            }
        } finally {
            close();
        }
        return Optional.ofNullable(jobFailure.get());
    }

    /**
     * Stops the stack first, then lets the JVM end the jobs' local clusters: the jobs lose their broker and their
     * Prometheus, and their threads are daemons. Idempotent, so the shutdown hook and a normal end can both call it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopRequested.countDown();
        jobs.forEach(Thread::interrupt);
        try {
            stack.close();
        } finally {
            out.println("DEMO STOPPED");
            out.flush();
        }
    }
}
