package dev.fleetpulse.infrastructure;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CDK context as `cdk deploy -c key=value` gives it: text, read into typed options. */
class DeploymentOptionsTest {

    @Test
    void shouldKeepTheDefaultsWithoutContext() {
        assertThat(DeploymentOptions.fromContext(new App().getNode())).isEqualTo(DeploymentOptions.defaults());
    }

    @Test
    void shouldReadEveryOptionFromTheContext() {
        App app = App.Builder.create().context(Map.of(
                DeploymentOptions.VPC_ID, "vpc-0123456789abcdef0",
                DeploymentOptions.MSK_SERVERLESS, "true",
                DeploymentOptions.CREATE_PROMETHEUS_ENDPOINT, "false",
                DeploymentOptions.GRAFANA, "TRUE",
                DeploymentOptions.START_GENERATOR, "false",
                DeploymentOptions.ALERT_EMAIL, "ops@example.com",
                DeploymentOptions.EVENTS_PER_SECOND, "250",
                DeploymentOptions.VEHICLES, "5000")).build();

        DeploymentOptions options = DeploymentOptions.fromContext(app.getNode());

        assertThat(options).isEqualTo(new DeploymentOptions(Optional.of("vpc-0123456789abcdef0"), true, false, true,
                false, Optional.of("ops@example.com"), PipelineSettings.defaults().withLoad(250, 5000)));
        assertThat(options.starts(FlinkJob.VEHICLE_EVENT_GENERATOR)).isFalse();
        assertThat(options.starts(FlinkJob.PRE_PROCESSOR)).isTrue();
    }

    @Test
    void shouldNameTheContextKeyOfAValueItCannotRead() {
        App app = App.Builder.create().context(Map.of(DeploymentOptions.GRAFANA, "yes")).build();

        assertThatThrownBy(() -> DeploymentOptions.fromContext(app.getNode()))
                .hasMessage("Context grafana must be true or false, was 'yes'");
    }

    @Test
    void shouldRejectSettingsTheJobsWouldRejectOrMisuse() {
        PipelineSettings d = PipelineSettings.defaults();
        assertThatThrownBy(() -> d.withLoad(0, 10)).hasMessage("eventsPerSecond must be >= 1, was 0");
        assertThatThrownBy(() -> new PipelineSettings("events", "events", 4, 1, 1, 5, 0, "a", "b"))
                .hasMessageContaining("deadLetterTopic must differ from topic 'events'");
        assertThatThrownBy(() -> new PipelineSettings("events", "dlq", 4, 1, 1, 5, 0, "same", "same"))
                .hasMessageContaining("need their own consumer groups");
    }
}
