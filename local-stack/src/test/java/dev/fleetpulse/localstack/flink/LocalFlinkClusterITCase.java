package dev.fleetpulse.localstack.flink;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.fleetpulse.localstack.flink.LocalFlinkCluster.taskManagerId;
import static org.assertj.core.api.Assertions.assertThat;

/** A real standalone cluster: one JobManager and two TaskManager JVMs on 127.0.0.1, jobs submitted as jars over REST. */
class LocalFlinkClusterITCase {

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);
    private static final long SEQUENCE_LENGTH = 1_000;
    private static final int SLOTS_PER_TASK_MANAGER = 2;

    @TempDir
    static Path jars;

    private static LocalFlinkCluster flink;

    @BeforeAll
    static void startCluster() {
        flink = LocalFlinkCluster.builder().taskManagers(2).slotsPerTaskManager(SLOTS_PER_TASK_MANAGER).start();
    }

    @AfterEach
    void cancelLeftoverJobs() {
        flink.cancelAllJobs();
    }

    @AfterAll
    static void stopCluster() {
        if (flink != null) {
            flink.close();
        }
    }

    @Test
    void shouldFinishBoundedJobWithExactTotalsWhenSubmittedAsJarThroughRest(@TempDir Path output) throws IOException {
        Path jar = JobJars.write(jars.resolve("sequence-sum.jar"), SequenceSumJob.class);

        FlinkJob job = flink.submitJar(jar,
                List.of("--output", output.toString(), "--count", Long.toString(SEQUENCE_LENGTH)), 2);

        job.awaitStatus(FlinkJobStatus.FINISHED, JOB_TIMEOUT);
        List<long[]> parts = readParts(output);
        assertThat(parts).hasSize(2);
        assertThat(parts.stream().mapToLong(part -> part[0]).sum()).isEqualTo(SEQUENCE_LENGTH);
        // 2 * (1 + ... + 1000)
        assertThat(parts.stream().mapToLong(part -> part[1]).sum()).isEqualTo(1_001_000L);
    }

    @Test
    void shouldRecoverOnRemainingTaskManagerFromCheckpointWhenOneIsKilled() throws IOException {
        Path jar = JobJars.write(jars.resolve("paced-counting.jar"), PacedCountingJob.class);
        FlinkJob job = flink.submitJar(jar, List.of(), 2);
        job.awaitStatus(FlinkJobStatus.RUNNING, JOB_TIMEOUT);
        job.awaitCompletedCheckpoints(2, JOB_TIMEOUT);
        // Slots are spread over the TaskManagers, so the kill below hits a running subtask.
        assertThat(job.taskManagersRunning()).containsExactly(taskManagerId(0), taskManagerId(1));

        flink.killTaskManager(0);

        CheckpointCounts restored = job.awaitCheckpoints(counts -> counts.restored() >= 1,
                "a restore from a checkpoint", JOB_TIMEOUT);
        job.awaitStatus(FlinkJobStatus.RUNNING, JOB_TIMEOUT);
        job.awaitCompletedCheckpoints(restored.completed() + 2, JOB_TIMEOUT);
        assertThat(job.taskManagersRunning()).containsExactly(taskManagerId(1));
        assertThat(job.exceptions()).isNotEmpty();

        job.cancel();
        assertThat(job.status()).isEqualTo(FlinkJobStatus.CANCELED);
        int replacement = flink.startTaskManager();
        assertThat(flink.registeredTaskManagers())
                .filteredOn(taskManager -> taskManager.id().equals(taskManagerId(replacement)))
                .extracting(RegisteredTaskManager::slots)
                .containsExactly(SLOTS_PER_TASK_MANAGER);
    }

    @Test
    void shouldRestoreAtAnotherParallelismFromSavepointWhenStoppedAndRunAgain(@TempDir Path savepoints)
            throws IOException {
        String jarId = flink.uploadJar(JobJars.write(jars.resolve("paced-rescale.jar"), PacedCountingJob.class));
        FlinkJob first = flink.runJar(jarId, List.of(), 2);
        first.awaitCompletedCheckpoints(1, JOB_TIMEOUT);

        String savepoint = first.stopWithSavepoint(savepoints);
        FlinkJob second = flink.runJar(jarId, List.of(), 1, savepoint);

        assertThat(first.status()).isEqualTo(FlinkJobStatus.FINISHED);
        assertThat(Path.of(URI.create(savepoint)).getParent()).isEqualTo(savepoints);
        second.awaitCheckpoints(counts -> counts.restored() == 1, "the restore from the savepoint", JOB_TIMEOUT);
        second.awaitStatus(FlinkJobStatus.RUNNING, JOB_TIMEOUT);
    }

    @Test
    void shouldListenOnLoopbackOnly() throws IOException {
        List<String> addresses = new ArrayList<>();
        for (ProcessHandle process : flink.processes()) {
            if (process.isAlive()) {
                addresses.addAll(ListeningSockets.addressesOf(process));
            }
        }

        // REST, RPC, blob server, the TaskManagers' RPC and data ports: several of each, all on 127.0.0.1.
        assertThat(addresses).hasSizeGreaterThanOrEqualTo(5).allMatch(ListeningSockets.LOOPBACK::contains);
    }

    @Test
    void shouldLeaveNoProcessAndNoDirectoryWhenClosed() {
        LocalFlinkCluster cluster = LocalFlinkCluster.builder().taskManagers(1).slotsPerTaskManager(1).start();
        List<ProcessHandle> processes = cluster.processes();
        Path workDirectory = cluster.workDirectory();
        assertThat(processes).hasSize(2).allMatch(ProcessHandle::isAlive);

        cluster.close();

        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(workDirectory).doesNotExist();
    }

    private static List<long[]> readParts(Path output) throws IOException {
        try (Stream<Path> files = Files.list(output)) {
            return files.map(LocalFlinkClusterITCase::readPart).toList();
        }
    }

    private static long[] readPart(Path part) {
        try {
            String[] fields = Files.readString(part).trim().split(" ");
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
