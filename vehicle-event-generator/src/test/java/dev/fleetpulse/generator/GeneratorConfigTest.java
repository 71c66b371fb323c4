package dev.fleetpulse.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.InvalidConfigurationException;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class GeneratorConfigTest {

    private static final String SERVERS = "127.0.0.1:9092";

    @Test
    void shouldApplyDefaultsWhenOnlyRequiredKeysAreGiven() {
        GeneratorConfig config = GeneratorConfig.from(properties(
                Map.of("events.per.sec", "500"), Map.of("bootstrap.servers", SERVERS)));

        assertThat(config.eventsPerSecond()).isEqualTo(500.0);
        assertThat(config.bounded()).isFalse();
        assertThat(config.vehicles()).isEqualTo(1000);
        assertThat(config.probMotionStateChange()).isEqualTo(0.01);
        assertThat(config.probWarningChange()).isEqualTo(0.001);
        assertThat(config.seed()).isEqualTo(1);
        assertThat(config.topic()).isEqualTo("vehicle-events");
        assertThat(config.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(config.kafka().createTopicWhenMissing()).isFalse();
        assertThat(config.eventClock()).isEqualTo(EventClock.PROCESSING_TIME);
    }

    @Test
    void shouldSimulateEventTimesFromTheGivenStartWhenAReportIntervalIsSet() {
        GeneratorConfig config = GeneratorConfig.from(properties(Map.of("events.per.sec", "unlimited",
                "simulated.report.interval.ms", "1000", "simulated.start.ms", "1730621750000"),
                Map.of("bootstrap.servers", SERVERS)));

        assertThat(config.eventClock()).isEqualTo(new EventClock.Simulated(1_730_621_750_000L, 1_000));
        assertThat(config.settings()).containsEntry("DataGen.simulated.report.interval.ms", 1_000L)
                .containsEntry("DataGen.simulated.start.ms", 1_730_621_750_000L);
    }

    @Test
    void shouldStartSimulatedEventTimesWhenTheJobIsBuiltWithoutAStart() {
        long before = System.currentTimeMillis();
        GeneratorConfig config = GeneratorConfig.from(properties(
                Map.of("events.per.sec", "10", "simulated.report.interval.ms", "500"), Map.of("bootstrap.servers", SERVERS)));

        assertThat(config.eventClock()).isInstanceOfSatisfying(EventClock.Simulated.class, clock -> {
            assertThat(clock.intervalMs()).isEqualTo(500);
            assertThat(clock.startMs()).isBetween(before, System.currentTimeMillis());
        });
    }

    @Test
    void shouldRefuseASimulatedStartWithoutAnIntervalAndAStartOutsideTheTimesReadersAccept() {
        ApplicationProperties startOnly = properties(Map.of("events.per.sec", "10", "simulated.start.ms", "0"),
                Map.of("bootstrap.servers", SERVERS));
        ApplicationProperties badValues = properties(Map.of("events.per.sec", "10",
                "simulated.report.interval.ms", "0", "simulated.start.ms", "0"), Map.of("bootstrap.servers", SERVERS));

        assertThatThrownBy(() -> GeneratorConfig.from(startOnly))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactly("DataGen.simulated.start.ms: is used only with simulated.report.interval.ms: "
                                + "set both for simulated event times, or neither for event times from the clock"));
        assertThatThrownBy(() -> GeneratorConfig.from(badValues))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "DataGen.simulated.report.interval.ms: must be in [1, 86400000], was 0",
                                "DataGen.simulated.start.ms: must be in [946684800000, 4102444800000], was 0"));
    }

    @Test
    void shouldRunAsFastAsPossibleWhenRateIsUnlimited() {
        GeneratorConfig config = GeneratorConfig.from(properties(
                Map.of("events.per.sec", "unlimited", "max.events", "1000000"), Map.of("bootstrap.servers", SERVERS)));

        assertThat(config.rateLimited()).isFalse();
        assertThat(config.maxEvents()).isEqualTo(1_000_000);
    }

    @Test
    void shouldPassOtherKafkaSinkKeysToProducerWhenExactlyOnceIsConfigured() {
        GeneratorConfig config = GeneratorConfig.from(properties(Map.of("events.per.sec", "10"), Map.of(
                "bootstrap.servers", SERVERS, "topic", "t", "delivery.guarantee", "exactly-once",
                "transactional.id.prefix", "gen", "security.protocol", "SASL_SSL")));

        assertThat(config.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(config.transactionalIdPrefix()).isEqualTo("gen");
        assertThat(config.kafka().clientProperties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    }

    @Test
    void shouldListEveryProblemAtOnceWhenServersRateVehiclesAndProbabilityAreWrong() {
        ApplicationProperties bad = properties(
                Map.of("events.per.sec", "0", "vehicles", "0", "prob.warning.change", "1.5"), Map.of());

        assertThatThrownBy(() -> GeneratorConfig.from(bad))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "DataGen.events.per.sec: must be a number > 0 or unlimited, was '0'",
                                "DataGen.vehicles: must be in [1, 100000000], was 0",
                                "DataGen.prob.warning.change: must be in [0.0, 1.0], was 1.5",
                                "KafkaSink.bootstrap.servers: is required"));
    }

    @Test
    void shouldRequireRateAndPrefixWhenMissingAndExactlyOnce() {
        ApplicationProperties bad = properties(Map.of("prob.motion.state.change", "-0.1"),
                Map.of("bootstrap.servers", SERVERS, "delivery.guarantee", "exactly-once"));

        assertThatThrownBy(() -> GeneratorConfig.from(bad))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .containsExactlyInAnyOrder(
                                "DataGen.events.per.sec: is required: events per second over the whole job (> 0), "
                                        + "or unlimited for as fast as possible",
                                "DataGen.prob.motion.state.change: must be in [0.0, 1.0], was -0.1",
                                "KafkaSink.transactional.id.prefix: is required with delivery.guarantee exactly-once: "
                                        + "a prefix unique to this job on the Kafka cluster, e.g. vehicle-event-generator"));
    }

    @Test
    void shouldLoadBundledDevelopmentConfigurationAgainstLocalKafka() throws Exception {
        GeneratorConfig config = GeneratorConfig.from(
                ApplicationProperties.load(new String[0]));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(config.topic()).isEqualTo("vehicle-events");
        assertThat(config.eventsPerSecond()).isEqualTo(1000.0);
    }

    private static ApplicationProperties properties(Map<String, String> dataGen, Map<String, String> kafkaSink) {
        return ApplicationProperties.of(Map.of("DataGen", dataGen, "KafkaSink", kafkaSink));
    }
}
