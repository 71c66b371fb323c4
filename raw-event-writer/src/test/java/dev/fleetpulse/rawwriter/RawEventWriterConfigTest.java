package dev.fleetpulse.rawwriter;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RawEventWriterConfigTest {

    @Test
    void shouldReadTheBundledDevelopmentConfiguration() throws IOException {
        RawEventWriterConfig config = RawEventWriterConfig.from(
                ApplicationProperties.load(new String[0]));

        assertThat(config.source().groupId()).isEqualTo("raw-event-writer");
        assertThat(config.source().topic()).isEqualTo("vehicle-events");
        assertThat(config.throttled()).isFalse();
        assertThat(config.prometheus().endpointUrl()).isEqualTo("http://127.0.0.1:9090/api/v1/write");
    }

    @Test
    void shouldDefaultToItsOwnConsumerGroupSoItKeepsItsOwnOffsets() {
        RawEventWriterConfig config = RawEventWriterConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("bootstrap.servers", "127.0.0.1:9092"),
                "RawWriter", Map.of("max.events.per.sec", "5000"),
                "PrometheusSink", Map.of("endpoint.url", "http://127.0.0.1:9090/api/v1/write"))));

        assertThat(config.source().groupId()).isEqualTo(RawEventWriterConfig.DEFAULT_GROUP_ID);
        assertThat(config.maxEventsPerSec()).isEqualTo(5000);
        assertThat(config.throttled()).isTrue();
    }

    @Test
    void shouldListEveryProblemAtOnce() {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> RawEventWriterConfig.from(ApplicationProperties.of(Map.of(
                        "RawWriter", Map.of("max.events.per.sec", "-1")))));

        assertThat(e.problems()).contains(
                "KafkaSource.bootstrap.servers: is required",
                "RawWriter.max.events.per.sec: must be in [0, 100000000], was -1");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("PrometheusSink.endpoint.url:"));
    }
}
