package dev.fleetpulse.infrastructure;

import software.constructs.Node;

import java.util.Optional;
import java.util.function.Function;

/**
 * The choices of one deployment, read from the CDK context ({@code cdk deploy -c key=value}, or {@code cdk.json}).
 * What can change without replacing resources (parallelism) is a CloudFormation parameter instead.
 *
 * @param vpcId an existing VPC to deploy into; empty: the stack creates its own
 * @param mskServerless MSK Serverless instead of a provisioned cluster of two small brokers
 * @param createPrometheusEndpoint create the AMP interface endpoint; an existing VPC may already have one (with
 *     private DNS, a second one cannot be created)
 * @param grafana also create an Amazon Managed Grafana workspace that can query the AMP workspace
 * @param startGenerator start the generator as well as the two consuming jobs; without it, the pipeline waits for
 *     real vehicles (or for the generator to be started by hand)
 * @param alertEmail an address to subscribe to the alert topic; empty: subscribe yourself
 * @param pipeline the jobs' settings
 */
public record DeploymentOptions(Optional<String> vpcId, boolean mskServerless, boolean createPrometheusEndpoint,
                                boolean grafana, boolean startGenerator, Optional<String> alertEmail,
                                PipelineSettings pipeline) {

    public static final String VPC_ID = "vpcId";
    public static final String MSK_SERVERLESS = "mskServerless";
    public static final String CREATE_PROMETHEUS_ENDPOINT = "createPrometheusEndpoint";
    public static final String GRAFANA = "grafana";
    public static final String START_GENERATOR = "startGenerator";
    public static final String ALERT_EMAIL = "alertEmail";
    public static final String EVENTS_PER_SECOND = "eventsPerSecond";
    public static final String VEHICLES = "vehicles";

    /** A new VPC, provisioned MSK, no Grafana, all three jobs started, the default pipeline settings. */
    public static DeploymentOptions defaults() {
        return new DeploymentOptions(Optional.empty(), false, true, false, true, Optional.empty(),
                PipelineSettings.defaults());
    }

    /** The options in {@code node}'s context; absent keys keep their {@link #defaults()}. */
    public static DeploymentOptions fromContext(Node node) {
        Function<String, Optional<String>> context = key -> Optional.ofNullable(node.tryGetContext(key))
                .map(Object::toString).map(String::strip).filter(s -> !s.isEmpty());
        DeploymentOptions d = defaults();
        PipelineSettings pipeline = d.pipeline().withLoad(
                context.apply(EVENTS_PER_SECOND).map(v -> parseInt(EVENTS_PER_SECOND, v))
                        .orElse(d.pipeline().eventsPerSecond()),
                context.apply(VEHICLES).map(v -> parseInt(VEHICLES, v)).orElse(d.pipeline().vehicles()));
        return new DeploymentOptions(
                context.apply(VPC_ID),
                context.apply(MSK_SERVERLESS).map(v -> parseBoolean(MSK_SERVERLESS, v)).orElse(d.mskServerless()),
                context.apply(CREATE_PROMETHEUS_ENDPOINT).map(v -> parseBoolean(CREATE_PROMETHEUS_ENDPOINT, v))
                        .orElse(d.createPrometheusEndpoint()),
                context.apply(GRAFANA).map(v -> parseBoolean(GRAFANA, v)).orElse(d.grafana()),
                context.apply(START_GENERATOR).map(v -> parseBoolean(START_GENERATOR, v)).orElse(d.startGenerator()),
                context.apply(ALERT_EMAIL),
                pipeline);
    }

    /** Whether the stack starts {@code job}: the two consumers always, the generator when asked. */
    public boolean starts(FlinkJob job) {
        return job != FlinkJob.VEHICLE_EVENT_GENERATOR || startGenerator;
    }

    private static boolean parseBoolean(String key, String value) {
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("Context " + key + " must be true or false, was '" + value + "'");
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Context " + key + " must be an integer, was '" + value + "'", e);
        }
    }
}
