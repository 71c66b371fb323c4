package dev.fleetpulse.benchmarks;

import dev.fleetpulse.localstack.LocalStack;
import dev.fleetpulse.localstack.PrometheusQueryClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local stack as users start it, {@link LocalStack}'s main (a Kafka broker and a Prometheus process on 127.0.0.1),
 * in a JVM of its own: the broker's CPU and memory are then neither the harness's nor the measured job's.
 */
final class LocalStackChild implements AutoCloseable {

    private static final String READY = "LOCAL-STACK READY ";

    private final ChildJvm.Running jvm;
    private final String bootstrapServers;
    private final String prometheusUrl;

    private LocalStackChild(ChildJvm.Running jvm, String bootstrapServers, String prometheusUrl) {
        this.jvm = jvm;
        this.bootstrapServers = bootstrapServers;
        this.prometheusUrl = prometheusUrl;
    }

    /**
     * Starts the stack on free ports with the given topics ({@code name -> partitions}) and waits until it is ready.
     *
     * @param dataDir where the broker's log and Prometheus's data live across restarts; null for temporary ones
     */
    static LocalStackChild start(Path dataDir, Map<String, Integer> topics) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("--kafka-port", "0", "--prometheus-port", "0"));
        topics.forEach((topic, partitions) -> args.addAll(List.of("--topic", topic + ":" + partitions)));
        if (dataDir != null) {
            args.addAll(List.of("--data-dir", dataDir.toString()));
        }
        ChildJvm.Running jvm = ChildJvm.start("local-stack", LocalStack.class.getName(), List.of("-Xmx1g"), args);
        try {
            // LOCAL-STACK READY kafka=127.0.0.1:9092 prometheus=http://127.0.0.1:9090
            String[] fields = jvm.awaitLine(READY, Duration.ofMinutes(2)).substring(READY.length()).split(" ");
            return new LocalStackChild(jvm, value(fields[0], "kafka="), value(fields[1], "prometheus="));
        } catch (RuntimeException | InterruptedException e) {
            jvm.close();
            throw e;
        }
    }

    private static String value(String field, String name) {
        if (!field.startsWith(name)) {
            throw new IllegalStateException("Expected " + name + "... in the local stack's READY line, got " + field);
        }
        return field.substring(name.length());
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String remoteWriteUrl() {
        return prometheusUrl + "/api/v1/write";
    }

    PrometheusQueryClient prometheus() {
        return new PrometheusQueryClient(URI.create(prometheusUrl));
    }

    /** Stops Prometheus, then the broker; a data directory is kept. */
    @Override
    public void close() {
        jvm.close();
    }
}
