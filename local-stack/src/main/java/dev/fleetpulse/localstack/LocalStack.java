package dev.fleetpulse.localstack;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The local stack for the demo and for running jobs from an IDE: a Kafka broker and a Prometheus server on
 * 127.0.0.1, running until Ctrl-C.
 *
 * <pre>
 * ./mvnw -q -pl local-stack compile exec:java -Dexec.args="--topic vehicle-events:4 --rules monitoring/rules"
 * </pre>
 *
 * Once both services are up it prints one line per service, then a line for scripts to wait for:
 * {@code LOCAL-STACK READY kafka=127.0.0.1:9092 prometheus=http://127.0.0.1:9090}. A taken port ends it with
 * exit code 2, bad arguments with 64.
 */
public final class LocalStack implements AutoCloseable {

    private final LocalKafka kafka;
    private final LocalPrometheus prometheus;

    private LocalStack(LocalKafka kafka, LocalPrometheus prometheus) {
        this.kafka = kafka;
        this.prometheus = prometheus;
    }

    /** Starts Kafka (and its topics), then Prometheus, and prints the address lines and the READY line. */
    public static LocalStack start(LocalStackOptions options, PrintStream out) {
        LocalKafka kafka = options.dataDir()
                .map(dir -> LocalKafka.start(options.kafkaPort(), dir.resolve("kafka")))
                .orElseGet(() -> LocalKafka.start(options.kafkaPort()));
        LocalPrometheus prometheus;
        try {
            for (Map.Entry<String, Integer> topic : options.topics().entrySet()) {
                if (!kafka.topics().contains(topic.getKey())) {
                    kafka.createTopic(topic.getKey(), topic.getValue());
                }
            }
            LocalPrometheus.Builder builder = LocalPrometheus.builder().port(options.prometheusPort());
            options.rules().forEach(builder::rules);
            if (!options.scrapeTargets().isEmpty()) {
                builder.scrape("flink", options.scrapeTargets().toArray(String[]::new));
            }
            options.dataDir().map(dir -> dir.resolve("prometheus")).ifPresent(builder::directory);
            prometheus = builder.start();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        out.println("Kafka       " + kafka.bootstrapServers() + "  topics: " + options.topics());
        out.println("Prometheus  " + prometheus.baseUrl() + "  remote write: " + prometheus.remoteWriteUrl()
                + "  data: " + prometheus.directory());
        out.println("LOCAL-STACK READY kafka=" + kafka.bootstrapServers() + " prometheus=" + prometheus.baseUrl());
        out.flush();
        return new LocalStack(kafka, prometheus);
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalPrometheus prometheus() {
        return prometheus;
    }

    /** Stops Prometheus, then Kafka; temporary data is deleted, a {@code --data-dir} is kept. */
    @Override
    public void close() {
        try {
            prometheus.close();
        } finally {
            kafka.close();
        }
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(LocalStackOptions.USAGE);
            return;
        }
        quietLoggingUnlessConfigured();
        LocalStackOptions options;
        try {
            options = LocalStackOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.print(e.getMessage());
            System.exit(64);
            return;
        }
        LocalStack stack;
        try {
            stack = start(options, System.out);
        } catch (PortUnavailableException e) {
            System.err.println("LOCAL-STACK FAILED " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("LOCAL-STACK FAILED " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            System.out.println("LOCAL-STACK STOPPED");
            stopped.countDown();
        }, "local-stack-shutdown"));
        stopped.await();
    }

    /**
     * The broker logs a lot at INFO; without a configuration of the user's own, use the bundled WARN-level one.
     * Set before the first logger exists, which is why this class keeps no static logger.
     */
    private static void quietLoggingUnlessConfigured() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "local-stack-log4j2.properties");
        }
    }
}
