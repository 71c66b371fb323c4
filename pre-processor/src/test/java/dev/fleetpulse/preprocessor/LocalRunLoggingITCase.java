package dev.fleetpulse.preprocessor;

import dev.fleetpulse.localstack.LocalKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The job's main run as {@code scripts/run-job.sh} runs it (the module's classes and its compile and provided
 * dependencies, no test class path) logs to the console: the effective settings and the local cluster's line.
 */
class LocalRunLoggingITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    @Test
    void shouldLogTheEffectiveSettingsOnTheConsoleOfALocalRun() throws Exception {
        String classPath = Path.of("target", "classes") + File.pathSeparator
                + Files.readString(Path.of("target", "run-classpath.txt")).strip();
        String topic = KAFKA.newTopic(1);
        Process job = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", classPath, PreProcessorJob.class.getName(),
                "--KafkaSource.bootstrap.servers", KAFKA.bootstrapServers(), "--KafkaSource.topic", topic,
                "--KafkaSource.dlq.topic", topic + "-dlq", "--checkpoint-interval", "off")
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> readLines(job, output), "job-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await("the local run's start-up lines").atMost(Duration.ofMinutes(1))
                    .until(() -> output.stream().anyMatch(l -> l.contains("Running locally on a MiniCluster")));
            assertThat(output).anySatisfy(line -> assertThat(line)
                    .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO .*pre-processor: KafkaSource\\.topic=" + topic + ", .*"));
            assertThat(output).noneMatch(line -> line.contains("SLF4J: Defaulting to no-operation"));
        } finally {
            job.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void readLines(Process process, List<String> output) {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                output.add(line);
            }
        } catch (IOException e) {
            output.add("(output closed: " + e.getMessage() + ")");
        }
    }
}
