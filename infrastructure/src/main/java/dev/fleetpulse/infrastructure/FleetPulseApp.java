package dev.fleetpulse.infrastructure;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;

/**
 * The CDK app: {@code cdk synth} / {@code cdk deploy} in {@code infrastructure/} run this (see cdk.json). It builds
 * the one stack and scans it with cdk-nag's AwsSolutions rules, so a change that breaks a rule fails the synthesis
 * here as it fails the tests.
 */
public final class FleetPulseApp {

    public static final String STACK_NAME = "FleetPulse";

    private FleetPulseApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        try {
            build(app, DeploymentOptions.fromContext(app.getNode()), Repository.fromWorkingDirectory());
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A missing jar or a bad context value: the message says what to do, a stack trace would bury it.
            System.err.println("FleetPulse: " + e.getMessage());
            System.exit(1);
        }
        app.synth();
    }

    /** Adds the stack, and the cdk-nag scan, to {@code app}. */
    static FleetPulseStack build(App app, DeploymentOptions options, Repository repository) {
        StackProps.Builder props = StackProps.builder()
                .description("FleetPulse: vehicle events through MSK and three Managed Service for Apache Flink"
                        + " applications into Amazon Managed Service for Prometheus");
        // Environment-agnostic (deployable to whatever account and region the CLI uses, synthesizable offline)
        // unless an existing VPC has to be looked up, which needs both.
        options.vpcId().ifPresent(vpcId -> props.env(Environment.builder()
                .account(System.getenv("CDK_DEFAULT_ACCOUNT"))
                .region(System.getenv("CDK_DEFAULT_REGION"))
                .build()));
        FleetPulseStack stack = new FleetPulseStack(app, STACK_NAME, props.build(), options, repository.jobJars(),
                repository.rules());
        Tags.of(stack).add("project", "fleetpulse");
        Aspects.of(app).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
        return stack;
    }
}
