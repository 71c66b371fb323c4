package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackITCase {

    @Test
    void shouldAnnounceBothServicesAndLeaveNothingBehindWhenClosed() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        LocalStack stack = LocalStack.start(
                LocalStackOptions.parse("--kafka-port", "0", "--prometheus-port", "0", "--topic", "vehicle-events:3"),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        ProcessHandle prometheusProcess;
        Path prometheusDir;
        Path kafkaDir;
        try {
            prometheusProcess = stack.prometheus().processHandle().orElseThrow();
            prometheusDir = stack.prometheus().directory();
            kafkaDir = stack.kafka().logDir();
            List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).last().isEqualTo("LOCAL-STACK READY kafka=" + stack.kafka().bootstrapServers()
                    + " prometheus=" + stack.prometheus().baseUrl());
            assertThat(stack.kafka().topics()).contains("vehicle-events");
            stack.kafka().produce("vehicle-events", "V0000000001", "{}", 1_730_621_749_000L);
            assertThat(stack.kafka().readAll("vehicle-events", 1, Duration.ofSeconds(30))).hasSize(1);
            assertThat(stack.prometheus().queryClient().query("1")).extracting(QuerySample::value).containsExactly(1.0);
        } finally {
            stack.close();
        }

        assertThat(prometheusProcess.isAlive()).isFalse();
        assertThat(prometheusDir).doesNotExist();
        assertThat(kafkaDir).doesNotExist();
    }

    @Test
    void shouldKeepTopicsInTheDataDirectoryAcrossRuns(@TempDir Path dataDir) {
        LocalStackOptions options = LocalStackOptions.parse("--kafka-port", "0", "--prometheus-port", "0",
                "--data-dir", dataDir.toString(), "--topic", "vehicle-events:2");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        try (LocalStack first = LocalStack.start(options, quiet)) {
            first.kafka().produce("vehicle-events", "V0000000001", "kept", 1_730_621_749_000L);
        }

        try (LocalStack second = LocalStack.start(options, quiet)) {
            assertThat(second.kafka().readAll("vehicle-events", 1, Duration.ofSeconds(30)))
                    .extracting(KafkaRecord::valueAsString).containsExactly("kept");
        }
        assertThat(dataDir.resolve("kafka")).isDirectory();
        assertThat(dataDir.resolve("prometheus").resolve("data")).isDirectory();
    }

    @Test
    void shouldRefuseToStartWhenThePrometheusPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            LocalStackOptions options = LocalStackOptions.parse(
                    "--kafka-port", "0", "--prometheus-port", String.valueOf(taken.getLocalPort()));

            assertThatThrownBy(() -> LocalStack.start(options, System.out))
                    .isInstanceOf(PortUnavailableException.class)
                    .hasMessageStartingWith("Prometheus cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
