package dev.fleetpulse.localstack;

import dev.fleetpulse.localstack.flink.FlinkRestClient;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one Flink MiniCluster extension of FleetPulse's tests: one cluster per test class, bound to 127.0.0.1, with an
 * in-memory metric reporter so tests can read the jobs' and the sink's counters, including after a job finished.
 * Jobs are submitted through its REST endpoint with generic types disabled, so a Kryo fallback anywhere fails them,
 * and with object reuse on, as every FleetPulse job runs in production.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final FlinkMiniClusterExtension FLINK = new FlinkMiniClusterExtension(2);
 * ...
 * StreamExecutionEnvironment env = FLINK.environment();
 * }</pre>
 *
 * <p>Not flink-test-utils' {@code MiniClusterExtension}: in Flink 2.2 it loads JUnit 4 classes, which the parent pom
 * keeps off every test class path. Flink itself is a provided dependency here: every user has it on its test path.
 */
public final class FlinkMiniClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String LOOPBACK = "127.0.0.1";

    private final int slots;
    /** Retained: a finished job's metrics stay readable after its tasks are gone. */
    private final InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
    private MiniCluster cluster;

    /** A cluster with one TaskManager of {@code slots} slots; environments default to that parallelism. */
    public FlinkMiniClusterExtension(int slots) {
        this.slots = slots;
    }

    /** The MiniCluster binds every interface by default; nothing here may listen beyond loopback. */
    public static Configuration loopbackConfiguration() {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        config.set(RestOptions.ADDRESS, LOOPBACK);
        config.set(RestOptions.PORT, 0);
        config.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        config.set(JobManagerOptions.ADDRESS, LOOPBACK);
        config.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        config.set(TaskManagerOptions.HOST, LOOPBACK);
        return config;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Configuration config = loopbackConfiguration();
        reporter.addToConfiguration(config);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    /** An environment submitting to this cluster, at parallelism {@code slots}, generic types disabled. */
    public StreamExecutionEnvironment environment() throws Exception {
        return environment(new Configuration());
    }

    /** As {@link #environment()}, at the given parallelism (at most {@code slots}). */
    public StreamExecutionEnvironment environment(int parallelism) throws Exception {
        StreamExecutionEnvironment env = environment(new Configuration());
        env.setParallelism(parallelism);
        return env;
    }

    /** As {@link #environment()}, with job settings such as checkpointing or a restart strategy. */
    public StreamExecutionEnvironment environment(Configuration jobSettings) throws Exception {
        Configuration config = new Configuration(jobSettings);
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                LOOPBACK, cluster.getRestAddress().get().getPort(), config);
        env.setParallelism(slots);
        return env;
    }

    /** Flink's REST API of this cluster, as operators and monitoring see it. */
    public FlinkRestClient rest() throws Exception {
        return new FlinkRestClient(cluster.getRestAddress().get());
    }

    /** The running cluster, for cancelling jobs, savepoints and job status. */
    public MiniCluster cluster() {
        return cluster;
    }

    /**
     * The sum over all subtasks of a job of the counter {@code name} registered in a metric group whose innermost
     * scope component is {@code group} (e.g. {@code "prometheusSink"}); 0 when no such counter exists. A counter
     * registered in several groups (as the jobs do for CloudWatch) counts once.
     */
    public long counter(JobID job, String group, String name) {
        Set<Counter> counters = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<MetricGroup, Map<String, Metric>> entry : metricsOf(job).entrySet()) {
            if (innermostScope(entry.getKey()).equals(group) && entry.getValue().get(name) instanceof Counter c) {
                counters.add(c);
            }
        }
        return counters.stream().mapToLong(Counter::getCount).sum();
    }

    /**
     * Every metric of a job registered under the given scope path, e.g. {@code ("kinesisanalytics")} for what a job
     * forwards to CloudWatch, by name; a name registered by several subtasks appears once.
     */
    public Set<String> metricNamesUnder(JobID job, String scopeComponent) {
        Set<String> names = new TreeSet<>();
        metricsOf(job).forEach((group, metrics) -> {
            if (List.of(group.getScopeComponents()).contains(scopeComponent)) {
                names.addAll(metrics.keySet());
            }
        });
        return names;
    }

    /** The values of a gauge over all subtasks of a job, keyed by subtask index. */
    public Map<Integer, Object> gauge(JobID job, String group, String name) {
        Map<Integer, Object> values = new TreeMap<>();
        for (Map.Entry<MetricGroup, Map<String, Metric>> entry : metricsOf(job).entrySet()) {
            if (innermostScope(entry.getKey()).equals(group) && entry.getValue().get(name) instanceof Gauge<?> g) {
                String subtask = entry.getKey().getAllVariables().get("<subtask_index>");
                values.put(subtask == null ? -1 : Integer.parseInt(subtask), g.getValue());
            }
        }
        return values;
    }

    private Map<MetricGroup, Map<String, Metric>> metricsOf(JobID job) {
        Map<MetricGroup, Map<String, Metric>> result = new HashMap<>();
        reporter.getMetricsByGroup().forEach((group, metrics) -> {
            if (job.toString().equals(group.getAllVariables().get("<job_id>"))) {
                result.put(group, metrics);
            }
        });
        return result;
    }

    private static String innermostScope(MetricGroup group) {
        String[] scope = group.getScopeComponents();
        return scope.length == 0 ? "" : scope[scope.length - 1];
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }
}
