package dev.fleetpulse.localstack;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Flink MiniCluster per test class, bound to 127.0.0.1; {@link #environment()} submits to it through its REST
 * endpoint, with generic types disabled so a Kryo fallback fails the job.
 *
 * <p>Why not flink-test-utils' {@code MiniClusterExtension} or {@code TestStreamEnvironment}: in Flink 2.2 both
 * still load JUnit 4 classes ({@code ExternalResource}, {@code TestRule}), and the parent pom bans JUnit 4 from
 * every test classpath. The job's classes reach the cluster without jars because it runs in this JVM.
 */
final class LoopbackMiniClusterExtension implements BeforeAllCallback, AfterAllCallback {

    private static final String LOOPBACK = "127.0.0.1";

    private final int parallelism;
    private MiniCluster cluster;

    LoopbackMiniClusterExtension(int parallelism) {
        this.parallelism = parallelism;
    }

    /** The MiniCluster binds every interface by default; nothing here may listen beyond loopback. */
    private static Configuration loopbackConfiguration() {
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
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(loopbackConfiguration())
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(parallelism)
                .build());
        cluster.start();
    }

    StreamExecutionEnvironment environment() throws Exception {
        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                LOOPBACK, cluster.getRestAddress().get().getPort(), config);
        env.setParallelism(parallelism);
        return env;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        cluster.close();
    }
}
