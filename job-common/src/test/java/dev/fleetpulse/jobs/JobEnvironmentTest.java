package dev.fleetpulse.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import dev.fleetpulse.jobs.JobEnvironment.LocalOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class JobEnvironmentTest {

    @Test
    void shouldCheckpointEveryTenSecondsWithoutWebUiWhenNoFlagsAreGiven() {
        assertThat(LocalOptions.fromFlags(Map.of()))
                .isEqualTo(new LocalOptions(0, Duration.ofSeconds(10), 0, 0, JobEnvironment.HASHMAP));
    }

    @Test
    void shouldUseDefaultWebUiPortWhenWebUiFlagHasNoValue() {
        assertThat(LocalOptions.fromFlags(Map.of("web-ui", "true")).webUiPort()).isEqualTo(8081);
    }

    @Test
    void shouldReadEveryLocalFlagWhenAllAreGiven() {
        LocalOptions options = LocalOptions.fromFlags(
                Map.of("web-ui", "8090", "checkpoint-interval", "500ms", "parallelism", "2", "metrics-port", "9249",
                        "state-backend", "rocksdb", "config", "x.json"));

        assertThat(options).isEqualTo(new LocalOptions(8090, Duration.ofMillis(500), 2, 9249, JobEnvironment.ROCKSDB));
    }

    @Test
    void shouldDisableCheckpointingWhenIntervalIsOff() {
        assertThat(LocalOptions.fromFlags(Map.of("checkpoint-interval", "off")).checkpointInterval()).isZero();
        assertThat(LocalOptions.fromFlags(Map.of("checkpoint-interval", "0")).checkpointInterval()).isZero();
    }

    @Test
    void shouldListEveryBadFlagWhenSeveralAreWrong() {
        assertThatThrownBy(() -> LocalOptions.fromFlags(
                Map.of("web-ui", "70000", "checkpoint-interval", "soon", "parallelism", "0", "state-backend", "heap")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--web-ui must be an integer in [1, 65535], was '70000'")
                .hasMessageContaining("--checkpoint-interval must be a duration such as 10s or 500ms, or off; was 'soon'")
                .hasMessageContaining("--parallelism must be an integer in [1, 10000], was '0'")
                .hasMessageContaining("--state-backend must be hashmap or rocksdb, was 'heap'");
    }

    @Test
    void shouldRunLocallyOnLoopbackWithCheckpointsOnDiskAndObjectReuseWhenNotSubmittedToCluster() {
        StreamExecutionEnvironment env = JobEnvironment.create(Map.of("checkpoint-interval", "3s", "parallelism", "2"));

        assertThat(env).isInstanceOf(LocalStreamEnvironment.class);
        assertThat(env.getParallelism()).isEqualTo(2);
        assertThat(env.getCheckpointConfig().getCheckpointInterval()).isEqualTo(3_000L);
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINT_STORAGE)).isEqualTo("filesystem");
        assertThat(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY))
                .isEqualTo(JobEnvironment.LOCAL_CHECKPOINTS.toUri().toString());
        assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
        assertThat(env.getConfiguration().get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(env.getConfiguration().get(RestOptions.BIND_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(env.getConfiguration().get(RestOptions.ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(env.getConfiguration().get(JobManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        assertThat(env.getConfiguration().get(TaskManagerOptions.BIND_HOST)).isEqualTo("127.0.0.1");
        assertThat(env.getConfiguration().get(TaskManagerOptions.HOST)).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldConfigureTheLoopbackPrometheusReporterWhenAMetricsPortIsGiven() {
        StreamExecutionEnvironment env = JobEnvironment.create(Map.of("metrics-port", "9249"));

        assertThat(env.getConfiguration().toMap())
                .containsEntry("metrics.reporter.prom.factory.class",
                        "dev.fleetpulse.jobs.metrics.LoopbackPrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249");
    }

    @Test
    void shouldKeepStateOnTheHeapUnlessRocksDbIsAsked() {
        assertThat(JobEnvironment.create(Map.of()).getConfiguration().get(StateBackendOptions.STATE_BACKEND))
                .isEqualTo("hashmap");
        assertThat(JobEnvironment.create(Map.of("state-backend", "rocksdb")).getConfiguration()
                .get(StateBackendOptions.STATE_BACKEND)).isEqualTo("rocksdb");
    }

    @Test
    void shouldPartitionRocksDbIndexesInALocalRunSoTheyFitItsSmallCache() {
        assertThat(JobEnvironment.create(Map.of("state-backend", "rocksdb")).getConfiguration().toMap())
                .containsEntry("state.backend.rocksdb.memory.partitioned-index-filters", "true");
        assertThat(JobEnvironment.create(Map.of()).getConfiguration().toMap())
                .doesNotContainKey("state.backend.rocksdb.memory.partitioned-index-filters");
    }

    @Test
    void shouldNotCheckpointLocallyWhenIntervalIsOff() {
        StreamExecutionEnvironment env = JobEnvironment.create(Map.of("checkpoint-interval", "off"));

        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
    }
}
