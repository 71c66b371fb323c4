package dev.fleetpulse.jobs.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApplicationPropertiesTest {

    private static final String BUNDLED = "/test-application-properties.json";

    @Test
    void shouldLoadTheBundledResourceWhenNoConfigFileIsGivenOffManagedFlink() throws IOException {
        ApplicationProperties props = ApplicationProperties.load(new String[0], BUNDLED);

        assertThat(props.group("KafkaSink")).containsExactly(
                Map.entry("bootstrap.servers", "localhost:9092"), Map.entry("topic", "vehicle-events"));
        assertThat(props.group("DataGen")).containsEntry("vehicles", "50");
        assertThat(props.origin()).isEqualTo("classpath:" + BUNDLED);
    }

    @Test
    void shouldPreferTheConfigFileOverTheBundledResource(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("app.json");
        Files.writeString(file, "[{\"PropertyGroupId\":\"KafkaSink\",\"PropertyMap\":{\"bootstrap.servers\":\"broker:9094\"}}]");

        ApplicationProperties props = ApplicationProperties.load(new String[]{"--config", file.toString()}, BUNDLED);

        assertThat(props.group("KafkaSink")).containsExactly(Map.entry("bootstrap.servers", "broker:9094"));
        assertThat(props.group("DataGen")).isEmpty();
    }

    @Test
    void shouldLetCommandLineOverridesWinKeyByKey() throws IOException {
        ApplicationProperties props = ApplicationProperties.load(new String[]{
                "--KafkaSink.topic", "other-topic", "--DataGen.seed=7", "--NewGroup.some.key", "x"}, BUNDLED);

        assertThat(props.group("KafkaSink")).containsEntry("topic", "other-topic")
                .containsEntry("bootstrap.servers", "localhost:9092");
        assertThat(props.group("DataGen")).containsEntry("seed", "7").containsEntry("events.per.sec", "100");
        assertThat(props.group("NewGroup")).containsExactly(Map.entry("some.key", "x"));
    }

    @Test
    void shouldSeparateJobFlagsFromPropertyOverrides() throws IOException {
        ApplicationProperties props = ApplicationProperties.load(
                new String[]{"--web-ui", "--parallelism", "2", "--DataGen.vehicles", "10"}, BUNDLED);

        assertThat(props.flags()).containsExactly(Map.entry("web-ui", "true"), Map.entry("parallelism", "2"));
        assertThat(props.group("DataGen")).containsEntry("vehicles", "10");
    }

    @Test
    void shouldRejectMalformedCommandLines() {
        assertThatThrownBy(() -> ApplicationProperties.load(new String[]{"stray"}, BUNDLED))
                .hasMessageContaining("Unexpected argument 'stray'");
        assertThatThrownBy(() -> ApplicationProperties.load(new String[]{"--DataGen.vehicles"}, BUNDLED))
                .hasMessageContaining("--DataGen.vehicles needs a value");
        assertThatThrownBy(() -> ApplicationProperties.load(new String[]{"--config"}, BUNDLED))
                .hasMessageContaining("--config needs a value");
    }

    @Test
    void shouldNameAMissingConfigFileAndAMissingResource(@TempDir Path dir) {
        String missing = dir.resolve("nope.json").toString();
        assertThatThrownBy(() -> ApplicationProperties.load(new String[]{"--config", missing}, BUNDLED))
                .isInstanceOf(IOException.class).hasMessageContaining(missing);
        assertThatThrownBy(() -> ApplicationProperties.load(new String[0], "/no-such-resource.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("/no-such-resource.json");
    }

    @Test
    void shouldKeepEveryValueAsTextAndMergeRepeatedGroups() throws IOException {
        Map<String, Map<String, String>> groups = ApplicationProperties.parseJson(stream(
                "[{\"PropertyGroupId\":\"A\",\"PropertyMap\":{\"n\":5,\"b\":true,\"d\":0.5}},"
                        + "{\"PropertyGroupId\":\"A\",\"PropertyMap\":{\"s\":\"x\"}}]"), "inline");

        assertThat(groups.get("A")).containsExactly(
                Map.entry("n", "5"), Map.entry("b", "true"), Map.entry("d", "0.5"), Map.entry("s", "x"));
    }

    @Test
    void shouldExplainWhatIsWrongWithAMalformedFile() {
        assertThatThrownBy(() -> ApplicationProperties.parseJson(stream("{\"PropertyGroupId\":\"A\"}"), "bad.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("bad.json").hasMessageContaining("JSON array");
        assertThatThrownBy(() -> ApplicationProperties.parseJson(stream("[{\"PropertyMap\":{}}]"), "bad.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("no PropertyGroupId");
        assertThatThrownBy(() -> ApplicationProperties.parseJson(
                stream("[{\"PropertyGroupId\":\"A\",\"PropertyMap\":{\"k\":{\"x\":1}}}]"), "bad.json"))
                .isInstanceOf(IOException.class).hasMessageContaining("PropertyMap.k must be a plain value");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
