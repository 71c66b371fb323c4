package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.Map;

/**
 * A Flink MiniCluster per test class, bound to 127.0.0.1, with an in-memory metric reporter so tests can read
 * the sink's counters. Jobs are submitted through its REST endpoint with generic types disabled, so a Kryo
 * fallback anywhere in a job fails it.
 *
 * <p>Not flink-test-utils' {@code MiniClusterExtension}: in Flink 2.2 it still loads JUnit 4 classes, which the
 * parent pom bans.
 */
final class LoopbackFlinkCluster implements BeforeAllCallback, AfterAllCallback {

    private static final String LOOPBACK = "127.0.0.1";

    private final int slots;
    /** Retained: a finished job's counters stay readable after its tasks are gone. */
    private final InMemoryReporter reporter = InMemoryReporter.createWithRetainedMetrics();
    private MiniCluster cluster;

    LoopbackFlinkCluster(int slots) {
        this.slots = slots;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Configuration config = new Configuration();
        config.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        config.set(RestOptions.ADDRESS, LOOPBACK);
        config.set(RestOptions.PORT, 0);
        config.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        config.set(JobManagerOptions.ADDRESS, LOOPBACK);
        config.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        config.set(TaskManagerOptions.HOST, LOOPBACK);
        reporter.addToConfiguration(config);
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(config)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    /** An environment submitting to this cluster: parallelism 2 by default, generic types disabled. */
    StreamExecutionEnvironment environment() throws Exception {
        return environment(new Configuration());
    }

    /** As {@link #environment()}, with extra job settings (checkpointing, restart strategy). */
    StreamExecutionEnvironment environment(Configuration jobSettings) throws Exception {
        Configuration config = new Configuration(jobSettings);
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                LOOPBACK, cluster.getRestAddress().get().getPort(), config);
        env.setParallelism(2);
        return env;
    }

    /** The sum over all subtasks of a sink counter (metric group {@code prometheusSink}) of a job. */
    long sinkCounter(JobID job, String name) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group : reporter.getMetricsByGroup().entrySet()) {
            String[] scope = group.getKey().getScopeComponents();
            boolean sinkGroup = scope.length > 0 && "prometheusSink".equals(scope[scope.length - 1]);
            boolean ofJob = job.toString().equals(group.getKey().getAllVariables().get("<job_id>"));
            if (sinkGroup && ofJob && group.getValue().get(name) instanceof Counter counter) {
                sum += counter.getCount();
            }
        }
        return sum;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }
}
