package dev.fleetpulse.jobs.config;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigReaderTest {

    @Test
    void shouldReadTypedValuesAndDefaults() {
        ConfigReader config = reader(Map.of("G", Map.of("n", "1_000", "d", "0.25", "b", "TRUE", "mode", "Exactly-Once")));
        ConfigReader.Group g = config.group("G");

        assertThat(g.intIn("n", 5, 1, 10_000)).isEqualTo(1000);
        assertThat(g.doubleIn("d", 0.5, 0, 1)).isEqualTo(0.25);
        assertThat(g.bool("b", false)).isTrue();
        assertThat(g.choice("mode", "at-least-once", List.of("at-least-once", "exactly-once"))).isEqualTo("exactly-once");
        assertThat(g.longIn("absent", 42, 0, 100)).isEqualTo(42);
        assertThat(g.string("absent", "dflt")).isEqualTo("dflt");
        config.validate();
    }

    @Test
    void shouldListEveryProblemWithItsFullKeyAtOnce() {
        ConfigReader config = reader(Map.of(
                "KafkaSink", Map.of("bootstrap.servers", "  "),
                "DataGen", Map.of("events.per.sec", "-5", "vehicles", "many", "prob.motion.state.change", "1.5",
                        "flag", "yes")));
        config.group("KafkaSink").requiredString("bootstrap.servers");
        ConfigReader.Group dataGen = config.group("DataGen");
        dataGen.requiredLongIn("events.per.sec", 1, Long.MAX_VALUE);
        dataGen.intIn("vehicles", 1000, 1, 1_000_000);
        dataGen.doubleIn("prob.motion.state.change", 0.01, 0, 1);
        dataGen.bool("flag", false);
        config.group("Aggregation").requiredIntIn("window.size.sec", 1, 3600);

        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class, config::validate);

        assertThat(e.problems()).containsExactly(
                "KafkaSink.bootstrap.servers: is required",
                "DataGen.events.per.sec: must be in [1, 9223372036854775807], was -5",
                "DataGen.vehicles: must be an integer, was 'many'",
                "DataGen.prob.motion.state.change: must be in [0.0, 1.0], was 1.5",
                "DataGen.flag: must be true or false, was 'yes'",
                "Aggregation.window.size.sec: is required (an integer in [1, 3600])");
        assertThat(e.getMessage()).startsWith("Invalid configuration for test-job (6 problems):");
    }

    @Test
    void shouldListEveryKeyAskedForWithItsGroupInReadingOrder() {
        ConfigReader config = reader(Map.of("A", Map.of("x", "1")));
        config.group("A").intIn("x", 0, 0, 9);
        config.group("B").string("y.z", "d");
        config.group("A").raw("w");

        assertThat(config.keysRead()).containsExactly("A.x", "A.w", "B.y.z");
    }

    @Test
    void shouldAcceptCrossKeyProblemsFromTheJob() {
        ConfigReader config = reader(Map.of());
        config.problem("KafkaSink.transactional.id.prefix", "is required with exactly-once delivery");

        assertThatThrownBy(config::validate).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("KafkaSink.transactional.id.prefix: is required with exactly-once delivery");
    }

    @Test
    void shouldPassThroughTheKeysTheJobDoesNotInterpret() {
        ConfigReader config = reader(Map.of("KafkaSink", Map.of(
                "topic", "t", "security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM")));
        ConfigReader.Group sink = config.group("KafkaSink");
        sink.string("topic", "vehicle-events");

        assertThat(sink.passThrough("", Set.of("topic"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "AWS_MSK_IAM"));
        config.validate();
    }

    private static ConfigReader reader(Map<String, Map<String, String>> groups) {
        return new ConfigReader("test-job", ApplicationProperties.of(groups));
    }
}
