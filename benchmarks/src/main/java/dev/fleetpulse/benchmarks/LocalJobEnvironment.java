package dev.fleetpulse.benchmarks;

import dev.fleetpulse.jobs.JobEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The environment a measured job runs in: the jobs' own local MiniCluster setup, but a failure ends the run. */
final class LocalJobEnvironment {

    private LocalJobEnvironment() {
    }

    /**
     * {@link JobEnvironment#createLocal} with the local-run defaults (checkpoints every 10 s) at {@code parallelism},
     * with two changes that keep the job's runtime its processing time: no restarts (a restarting job would be
     * measured as a slow one, or never finish), and no final checkpoint after the bounded input ends (the finished
     * tasks would otherwise wait idle for the next periodic checkpoint, up to 10 s; our sinks are at-least-once and
     * flush at the end of input anyway).
     */
    static StreamExecutionEnvironment create(int parallelism) {
        StreamExecutionEnvironment env = JobEnvironment.createLocal(new JobEnvironment.LocalOptions(0,
                JobEnvironment.DEFAULT_CHECKPOINT_INTERVAL, parallelism, 0, JobEnvironment.HASHMAP));
        Configuration measured = new Configuration();
        measured.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        measured.set(CheckpointingOptions.ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH, false);
        env.configure(measured);
        return env;
    }
}
