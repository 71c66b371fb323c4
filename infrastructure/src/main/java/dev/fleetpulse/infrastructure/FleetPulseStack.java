package dev.fleetpulse.infrastructure;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.services.aps.CfnRuleGroupsNamespace;
import software.amazon.awscdk.services.aps.CfnWorkspace;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcLookupOptions;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;
import software.constructs.IConstruct;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The whole FleetPulse deployment: network, MSK, AMP with alerting and recording rules and an Alertmanager that sends to SNS, the three
 * jobs as Managed Service for Apache Flink applications, and optionally Amazon Managed Grafana.
 *
 * <p>Traffic is allowed only where the pipeline needs it: the applications reach the brokers on the IAM port and the
 * AMP endpoint on 443, nothing else, and nothing reaches the applications.
 */
public final class FleetPulseStack extends Stack {

    /** The Managed Grafana version that imports the dashboard as it is (its JSON has schema version 39). */
    static final String GRAFANA_VERSION = "10.4";

    private final Map<FlinkJob, FlinkApplication> applications = new EnumMap<>(FlinkJob.class);

    public FleetPulseStack(Construct scope, String id, StackProps props, DeploymentOptions options,
                           Map<FlinkJob, Path> jars, Map<RuleNamespace, String> rules) {
        super(scope, id, props);

        Map<FlinkJob, CfnParameter> parallelism = new EnumMap<>(FlinkJob.class);
        Map<FlinkJob, CfnParameter> parallelismPerKpu = new EnumMap<>(FlinkJob.class);
        for (FlinkJob job : FlinkJob.values()) {
            parallelism.put(job, CfnParameter.Builder.create(this, job.constructId() + "Parallelism")
                    .type("Number").defaultValue(1).minValue(1)
                    .description("Parallelism of the " + job.jobName() + " application (subtasks); MSF bills"
                            + " ceil(parallelism / parallelism per KPU) KPUs plus one")
                    .build());
            parallelismPerKpu.put(job, CfnParameter.Builder.create(this, job.constructId() + "ParallelismPerKpu")
                    .type("Number").defaultValue(1).minValue(1).maxValue(8)
                    .description("Subtasks of the " + job.jobName() + " application per KPU (1 vCPU, 4 GB)")
                    .build());
        }

        // Network: private subnets only. The applications need the brokers and AMP, both reached inside the VPC, so
        // no NAT gateway and no internet gateway.
        IVpc vpc;
        if (options.vpcId().isPresent()) {
            vpc = Vpc.fromLookup(this, "Vpc", VpcLookupOptions.builder().vpcId(options.vpcId().get()).build());
        } else {
            LogGroup flowLogs = LogGroup.Builder.create(this, "VpcFlowLogs")
                    .retention(RetentionDays.TWO_WEEKS).removalPolicy(RemovalPolicy.DESTROY).build();
            vpc = Vpc.Builder.create(this, "Vpc")
                    .maxAzs(2)
                    .natGateways(0)
                    .subnetConfiguration(List.of(SubnetConfiguration.builder()
                            .name("private").subnetType(SubnetType.PRIVATE_ISOLATED).cidrMask(24).build()))
                    // Rejected flows only: they are what tells why an application cannot reach a broker or AMP,
                    // at a fraction of the volume of all flows.
                    .flowLogs(Map.of("Rejected", FlowLogOptions.builder()
                            .trafficType(FlowLogTrafficType.REJECT)
                            .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                            .build()))
                    .build();
        }
        List<ISubnet> subnets = privateSubnets(vpc);

        SecurityGroup flinkSecurityGroup = SecurityGroup.Builder.create(this, "FlinkSecurityGroup")
                .vpc(vpc).allowAllOutbound(false)
                .description("FleetPulse Flink applications: out to the MSK brokers (IAM, 9098) and the AMP endpoint"
                        + " (443) only")
                .build();
        SecurityGroup kafkaSecurityGroup = SecurityGroup.Builder.create(this, "KafkaSecurityGroup")
                .vpc(vpc).allowAllOutbound(false)
                .description("FleetPulse MSK brokers: IAM-authenticated TLS (9098) from the Flink applications only")
                .build();
        kafkaSecurityGroup.addIngressRule(flinkSecurityGroup, Port.tcp(KafkaCluster.IAM_PORT),
                "Kafka clients with IAM authentication: the Flink applications");
        flinkSecurityGroup.addEgressRule(kafkaSecurityGroup, Port.tcp(KafkaCluster.IAM_PORT),
                "To the MSK brokers (IAM authentication)");

        LogGroup customResourceLogs = LogGroup.Builder.create(this, "CustomResourceLogs")
                .retention(RetentionDays.TWO_WEEKS).removalPolicy(RemovalPolicy.DESTROY).build();
        KafkaCluster kafka = new KafkaCluster(this, "Kafka", options.mskServerless(), subnets, kafkaSecurityGroup,
                customResourceLogs);

        // AMP: the workspace, the alert rules of monitoring/ and an Alertmanager that publishes to SNS.
        Topic alerts = Topic.Builder.create(this, "Alerts")
                .displayName("FleetPulse alerts")
                .enforceSsl(true)
                .build();
        options.alertEmail().ifPresent(email -> alerts.addSubscription(new EmailSubscription(email)));
        CfnWorkspace workspace = CfnWorkspace.Builder.create(this, "Prometheus")
                .alias(Aws.STACK_NAME)
                .alertManagerDefinition(alertManagerDefinition(alerts.getTopicArn()))
                .build();
        // AMP's Alertmanager publishes as the service; only for this workspace, in this account.
        alerts.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("AmpAlertmanagerPublish")
                .effect(Effect.ALLOW)
                .principals(List.of(new ServicePrincipal("aps.amazonaws.com")))
                .actions(List.of("sns:Publish", "sns:GetTopicAttributes"))
                .resources(List.of(alerts.getTopicArn()))
                .conditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID),
                        "ArnEquals", Map.of("aws:SourceArn", workspace.getAttrArn())))
                .build());
        rules.forEach((namespace, data) -> CfnRuleGroupsNamespace.Builder.create(this, namespace.constructId())
                .workspace(workspace.getAttrArn())
                .name(namespace.namespace())
                .data(data)
                .build());
        String remoteWriteUrl = workspace.getAttrPrometheusEndpoint() + "api/v1/remote_write";
        String queryUrl = workspace.getAttrPrometheusEndpoint() + "api/v1/query";

        if (options.createPrometheusEndpoint()) {
            SecurityGroup endpointSecurityGroup = SecurityGroup.Builder.create(this, "PrometheusEndpointSecurityGroup")
                    .vpc(vpc).allowAllOutbound(false)
                    .description("FleetPulse AMP interface endpoint: HTTPS from the Flink applications only")
                    .build();
            endpointSecurityGroup.addIngressRule(flinkSecurityGroup, Port.tcp(443),
                    "Remote-write from the Flink applications");
            InterfaceVpcEndpoint endpoint = InterfaceVpcEndpoint.Builder.create(this, "PrometheusEndpoint")
                    .vpc(vpc)
                    .service(InterfaceVpcEndpointAwsService.PROMETHEUS_WORKSPACES)
                    // The workspace URL's own host name then resolves to the endpoint: the jobs keep the AMP URL,
                    // which is also what tells them to sign with SigV4 and in which region.
                    .privateDnsEnabled(true)
                    .subnets(SubnetSelection.builder().subnets(subnets).build())
                    .securityGroups(List.of(endpointSecurityGroup))
                    .open(false)
                    .build();
            // The endpoint carries remote-write into this workspace and nothing else.
            endpoint.addToPolicy(PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .principals(List.of(new AnyPrincipal()))
                    .actions(List.of("aps:RemoteWrite"))
                    .resources(List.of(workspace.getAttrArn()))
                    .build());
            flinkSecurityGroup.addEgressRule(endpointSecurityGroup, Port.tcp(443),
                    "Remote-write to the AMP interface endpoint");
        } else {
            // The VPC's own AMP endpoint, whose security group this stack does not know: HTTPS inside the VPC.
            flinkSecurityGroup.addEgressRule(Peer.ipv4(vpc.getVpcCidrBlock()), Port.tcp(443),
                    "Remote-write to the VPC's AMP interface endpoint");
        }

        PipelineSettings pipeline = options.pipeline();
        PolicyStatement remoteWrite = FlinkApplication.statement("AmpRemoteWrite", List.of("aps:RemoteWrite"),
                List.of(workspace.getAttrArn()));
        for (FlinkJob job : FlinkJob.values()) {
            List<PolicyStatement> jobStatements = new ArrayList<>();
            if (job == FlinkJob.VEHICLE_EVENT_GENERATOR) {
                jobStatements.addAll(kafka.producerStatements(pipeline.topic()));
            } else {
                jobStatements.addAll(kafka.consumerStatements(pipeline.topic(), pipeline.consumerGroup(job),
                        pipeline.deadLetterTopic()));
                jobStatements.add(remoteWrite);
            }
            FlinkApplication application = new FlinkApplication(this, job.constructId(), new FlinkApplication.Props(
                    job, jars.get(job),
                    pipeline.propertyGroups(job, kafka.bootstrapBrokers(), remoteWriteUrl),
                    subnets, flinkSecurityGroup,
                    parallelism.get(job).getValueAsNumber(), parallelismPerKpu.get(job).getValueAsNumber(),
                    jobStatements, options.starts(job), customResourceLogs));
            applications.put(job, application);
            CfnOutput.Builder.create(this, job.constructId() + "ApplicationName")
                    .description("MSF application of the " + job.jobName() + " job")
                    .value(application.applicationName())
                    .build();
        }

        if (options.grafana()) {
            grafana(workspace);
        }

        CfnOutput.Builder.create(this, "RemoteWriteUrl")
                .description("AMP remote-write URL (PrometheusSink.endpoint.url of the jobs)")
                .value(remoteWriteUrl).build();
        CfnOutput.Builder.create(this, "QueryUrl")
                .description("AMP query URL (SigV4-signed, service aps), e.g. for awscurl")
                .value(queryUrl).build();
        CfnOutput.Builder.create(this, "PrometheusWorkspaceId")
                .description("AMP workspace id").value(workspace.getAttrWorkspaceId()).build();
        CfnOutput.Builder.create(this, "KafkaBootstrapBrokers")
                .description("MSK bootstrap brokers for IAM authentication (port 9098)")
                .value(kafka.bootstrapBrokers()).build();
        CfnOutput.Builder.create(this, "KafkaClusterArn").value(kafka.clusterArn()).build();
        CfnOutput.Builder.create(this, "AlertTopicArn")
                .description("SNS topic the AMP Alertmanager publishes alerts to; subscribe to it")
                .value(alerts.getTopicArn()).build();

        suppressCustomResourceProviderFindings();
    }

    /**
     * Two private subnets in different zones: MSK needs at least two zones and as many brokers as subnets, and MSF
     * runs its interfaces in the same ones.
     */
    private static List<ISubnet> privateSubnets(IVpc vpc) {
        List<ISubnet> subnets = vpc.selectSubnets(SubnetSelection.builder()
                .subnetType(vpc.getPrivateSubnets().isEmpty() ? SubnetType.PRIVATE_ISOLATED
                        : SubnetType.PRIVATE_WITH_EGRESS)
                .onePerAz(true).build()).getSubnets();
        if (subnets.size() < 2) {
            throw new IllegalArgumentException("The VPC needs private subnets in at least two availability zones (MSK"
                    + " spreads its brokers over them), found " + subnets.size());
        }
        return subnets.subList(0, 2);
    }

    /** Alertmanager configuration for AMP: every alert to the SNS topic, signed with SigV4 in this region. */
    static String alertManagerDefinition(String topicArn) {
        return String.join("\n",
                "alertmanager_config: |",
                "  route:",
                "    receiver: sns",
                "    group_by: [alertname, region, job_name]",
                "  receivers:",
                "    - name: sns",
                "      sns_configs:",
                "        - topic_arn: " + topicArn,
                "          sigv4:",
                "            region: " + Aws.REGION,
                "          attributes:",
                "            source: fleetpulse",
                "");
    }

    /**
     * A Managed Grafana workspace for the dashboard: sign-in through IAM Identity Center, and a role that may query
     * this AMP workspace and nothing else (the data source is added in Grafana with SigV4 and that role).
     */
    private void grafana(CfnWorkspace workspace) {
        Role role = Role.Builder.create(this, "GrafanaRole")
                .description("Amazon Managed Grafana: query the FleetPulse AMP workspace")
                .assumedBy(new ServicePrincipal("grafana.amazonaws.com").withConditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID))))
                .build();
        role.addToPrincipalPolicy(FlinkApplication.statement("AmpQuery", List.of("aps:QueryMetrics",
                "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"), List.of(workspace.getAttrArn())));
        software.amazon.awscdk.services.grafana.CfnWorkspace grafana = software.amazon.awscdk.services.grafana.CfnWorkspace.Builder
                .create(this, "Grafana")
                .name(Aws.STACK_NAME)
                .description("FleetPulse dashboards on the stack's AMP workspace")
                .accountAccessType("CURRENT_ACCOUNT")
                .authenticationProviders(List.of("AWS_SSO"))
                .permissionType("CUSTOMER_MANAGED")
                .roleArn(role.getRoleArn())
                .dataSources(List.of("PROMETHEUS"))
                .grafanaVersion(GRAFANA_VERSION)
                .build();
        CfnOutput.Builder.create(this, "GrafanaUrl")
                .description("Amazon Managed Grafana workspace (sign in with IAM Identity Center)")
                .value("https://" + grafana.getAttrEndpoint()).build();
    }

    /**
     * The Lambda function behind every AwsCustomResource of the stack (one, shared) is CDK's own: its runtime and its
     * logging policy are not ours to choose.
     */
    private void suppressCustomResourceProviderFindings() {
        String providerId = "AWS" + AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "");
        IConstruct provider = getNode().tryFindChild(providerId);
        if (provider == null) {
            return;
        }
        NagSuppressions.addResourceSuppressions(provider, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM4")
                        .reason("CDK's custom-resource function logs with AWSLambdaBasicExecutionRole, which grants"
                                + " CloudWatch Logs writes only")
                        .appliesTo(List.of("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                                + "AWSLambdaBasicExecutionRole"))
                        .build(),
                NagPackSuppression.builder().id("AwsSolutions-L1")
                        .reason("The runtime of CDK's custom-resource function is set by the CDK version, not by"
                                + " this app; it runs only during deployments")
                        .build()), true);
    }

    /** The application of {@code job}, for tests and outputs. */
    FlinkApplication application(FlinkJob job) {
        return applications.get(job);
    }
}
