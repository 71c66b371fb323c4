package dev.fleetpulse.generator;

import java.util.List;

import dev.fleetpulse.jobs.JobEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One MiniCluster per test class on 127.0.0.1, with enough slots to run a job at several parallelisms; each
 * {@link #env(int)} disables generic types, so a Kryo fallback fails the job.
 */
final class LoopbackFlinkCluster implements BeforeAllCallback, AfterAllCallback {

    private final int slots;
    private MiniCluster cluster;

    LoopbackFlinkCluster(int slots) {
        this.slots = slots;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(JobEnvironment.loopbackConfiguration())
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.close();
    }

    /** An environment that submits to this cluster at the given parallelism, object reuse on as in the job. */
    StreamExecutionEnvironment env(int parallelism) {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        config.set(PipelineOptions.OBJECT_REUSE, true);
        return new TestStreamEnvironment(cluster, config, parallelism, List.of(), List.of());
    }
}
