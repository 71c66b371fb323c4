package dev.fleetpulse.benchmarks;

import dev.fleetpulse.jobs.JobEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The environment a measured job runs in: the jobs' own local MiniCluster setup, but a failure ends the run. */
final class LocalJobEnvironment {

    private LocalJobEnvironment() {
    }

    /**
     * {@link JobEnvironment#createLocal} with the local-run defaults (checkpoints every 10 s) at {@code parallelism},
     * without restarts: a restarting job would be measured as a slow one, or never finish.
     */
    static StreamExecutionEnvironment create(int parallelism) {
        StreamExecutionEnvironment env = JobEnvironment.createLocal(new JobEnvironment.LocalOptions(0,
                JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL, parallelism, 0));
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        env.configure(noRestarts);
        return env;
    }
}
