package dev.fleetpulse.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @TempDir
    Path dir;

    private Path executable(String name) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void shouldPreferTheEnvironmentVariableOverThePath() throws Exception {
        Path explicit = executable("my-prometheus");
        Path onPath = executable("prometheus");

        assertThat(Executables.find(Map.of("PROMETHEUS_BIN", explicit.toString(), "PATH", dir.toString()),
                "PROMETHEUS_BIN", "prometheus")).contains(explicit);
        assertThat(Executables.find(Map.of("PATH", "/nonexistent:" + dir), "PROMETHEUS_BIN", "prometheus"))
                .contains(onPath);
    }

    @Test
    void shouldRejectAnEnvironmentVariableThatPointsNowhere() {
        assertThatThrownBy(() -> Executables.find(Map.of("PROMETHEUS_BIN", "/no/such/prometheus"),
                "PROMETHEUS_BIN", "prometheus"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("PROMETHEUS_BIN=/no/such/prometheus is not an executable file");
    }

    @Test
    void shouldExplainHowToInstallWhenNothingIsFound() {
        assertThatThrownBy(() -> Executables.require(Map.of("PATH", dir.toString()), "PROMETHEUS_BIN",
                "prometheus", LocalPrometheus.INSTALL_HINT))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PROMETHEUS_BIN is not set and no 'prometheus' is on the PATH")
                .hasMessageContaining("sudo apt-get install -y --no-install-recommends prometheus");
    }
}
