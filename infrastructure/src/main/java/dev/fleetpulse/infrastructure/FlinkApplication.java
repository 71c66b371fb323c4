package dev.fleetpulse.infrastructure;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsCustomResourcePolicy;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.customresources.SdkCallsPolicyOptions;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesisanalyticsv2.CfnApplication;
import software.amazon.awscdk.services.kinesisanalyticsv2.CfnApplicationCloudWatchLoggingOption;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.LogStream;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One job as a Managed Service for Apache Flink application: its shaded jar as a CDK asset, a service execution role
 * that can do what this job does and nothing else, a log group, the application itself (Flink 2.2, checkpoints,
 * snapshots, VPC, runtime properties) and, when asked, a custom resource that starts it once it exists.
 */
final class FlinkApplication extends Construct {

    /** The MSF runtime of Flink 2.2, the version the jobs are built against. */
    static final String RUNTIME = "FLINK-2_2";
    static final String LOG_STREAM = "application";
    /** MSF's own default: a checkpoint a minute bounds replay after a restart without loading the sink. */
    static final long CHECKPOINT_INTERVAL_MS = 60_000;
    static final long MIN_PAUSE_BETWEEN_CHECKPOINTS_MS = 5_000;

    /**
     * What the application needs from the stack.
     *
     * @param job which job
     * @param jar its shaded jar
     * @param propertyGroups its runtime properties, group to key to value
     * @param subnets the private subnets its network interfaces go in
     * @param securityGroup the security group of its network interfaces
     * @param parallelism the job's parallelism (a stack parameter)
     * @param parallelismPerKpu subtasks per KPU (a stack parameter)
     * @param jobStatements what the job itself does (Kafka, AMP), on top of reading its jar, logging and the VPC
     * @param start start the application once created
     * @param customResourceLogs where the starting custom resource's function logs
     */
    record Props(FlinkJob job, Path jar, Map<String, Map<String, String>> propertyGroups, List<ISubnet> subnets,
                 ISecurityGroup securityGroup, Number parallelism, Number parallelismPerKpu,
                 List<PolicyStatement> jobStatements, boolean start, ILogGroup customResourceLogs) {
    }

    private final String applicationName;
    private final CfnApplication application;
    private final Role role;
    private final Asset jarAsset;

    FlinkApplication(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        // Prefixed with the stack name, so two stacks (say, two regions' worth in one account) do not collide.
        applicationName = Fn.join("-", List.of(Aws.STACK_NAME, props.job().jobName()));
        String applicationArn = stack.formatArn(ArnComponents.builder()
                .service("kinesisanalytics").resource("application").resourceName(applicationName).build());

        jarAsset = Asset.Builder.create(this, "Jar").path(props.jar().toString()).build();

        String logGroupName = "/aws/kinesis-analytics/" + applicationName;
        LogGroup logGroup = LogGroup.Builder.create(this, "Logs")
                .logGroupName(logGroupName)
                .retention(RetentionDays.TWO_WEEKS)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        LogStream logStream = LogStream.Builder.create(this, "LogStream")
                .logGroup(logGroup)
                .logStreamName(LOG_STREAM)
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        String logGroupArn = stack.formatArn(ArnComponents.builder().service("logs").resource("log-group")
                .resourceName(logGroupName).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        String logStreamArn = logGroupArn + ":log-stream:" + logStream.getLogStreamName();

        role = Role.Builder.create(this, "Role")
                .description("Service execution role of the FleetPulse " + props.job().jobName()
                        + " application: its jar, its log stream, its VPC interfaces, and the job's own Kafka and AMP"
                        + " actions")
                // Confused-deputy guard: only MSF acting for this application in this account may assume the role.
                .assumedBy(new ServicePrincipal("kinesisanalytics.amazonaws.com").withConditions(Map.of(
                        "StringEquals", Map.of("aws:SourceAccount", Aws.ACCOUNT_ID),
                        "ArnEquals", Map.of("aws:SourceArn", applicationArn))))
                .build();
        List<PolicyStatement> statements = new ArrayList<>();
        List<NagPackSuppression> wildcards = new ArrayList<>();
        statements.add(statement("ReadJar", List.of("s3:GetObject", "s3:GetObjectVersion"),
                List.of(jarAsset.getBucket().arnForObjects(jarAsset.getS3ObjectKey()))));
        statements.addAll(loggingStatements(stack, props.job(), logGroupArn, logStreamArn, wildcards));
        statements.addAll(vpcStatements(stack, props.subnets(), props.securityGroup(), wildcards));
        statements.addAll(props.jobStatements());
        statements.forEach(role::addToPrincipalPolicy);
        NagSuppressions.addResourceSuppressions(role, wildcards, true);

        application = CfnApplication.Builder.create(this, "Application")
                .applicationName(applicationName)
                .applicationDescription("FleetPulse " + props.job().jobName())
                .runtimeEnvironment(RUNTIME)
                .serviceExecutionRole(role.getRoleArn())
                .applicationConfiguration(CfnApplication.ApplicationConfigurationProperty.builder()
                        .applicationCodeConfiguration(CfnApplication.ApplicationCodeConfigurationProperty.builder()
                                .codeContentType("ZIPFILE")
                                .codeContent(CfnApplication.CodeContentProperty.builder()
                                        .s3ContentLocation(CfnApplication.S3ContentLocationProperty.builder()
                                                .bucketArn(jarAsset.getBucket().getBucketArn())
                                                // The key is the jar's content hash: a rebuilt jar is a new key, so
                                                // CloudFormation updates the application and MSF restarts it on
                                                // the new code from a snapshot.
                                                .fileKey(jarAsset.getS3ObjectKey())
                                                .build())
                                        .build())
                                .build())
                        .environmentProperties(CfnApplication.EnvironmentPropertiesProperty.builder()
                                .propertyGroups(propertyGroups(props.propertyGroups()))
                                .build())
                        .flinkApplicationConfiguration(CfnApplication.FlinkApplicationConfigurationProperty.builder()
                                .checkpointConfiguration(CfnApplication.CheckpointConfigurationProperty.builder()
                                        // The generator keeps vehicle state and the consumers commit offsets and
                                        // flush the sink on checkpoints: without them nothing is exactly right.
                                        .configurationType("CUSTOM")
                                        .checkpointingEnabled(true)
                                        .checkpointInterval(CHECKPOINT_INTERVAL_MS)
                                        .minPauseBetweenCheckpoints(MIN_PAUSE_BETWEEN_CHECKPOINTS_MS)
                                        .build())
                                .monitoringConfiguration(CfnApplication.MonitoringConfigurationProperty.builder()
                                        // Operator level: records in and out per operator, the jobs' own counters
                                        // and the sink's (group kinesisanalytics), in CloudWatch.
                                        .configurationType("CUSTOM")
                                        .metricsLevel("OPERATOR")
                                        .logLevel("INFO")
                                        .build())
                                .parallelismConfiguration(CfnApplication.ParallelismConfigurationProperty.builder()
                                        // Fixed, not autoscaled: a consumer beyond the partition count reads nothing,
                                        // and the generator's rate is already global.
                                        .configurationType("CUSTOM")
                                        .parallelism(props.parallelism())
                                        .parallelismPerKpu(props.parallelismPerKpu())
                                        .autoScalingEnabled(false)
                                        .build())
                                .build())
                        .applicationSnapshotConfiguration(CfnApplication.ApplicationSnapshotConfigurationProperty
                                .builder().snapshotsEnabled(true).build())
                        .vpcConfigurations(List.of(CfnApplication.VpcConfigurationProperty.builder()
                                .subnetIds(props.subnets().stream().map(ISubnet::getSubnetId).toList())
                                .securityGroupIds(List.of(props.securityGroup().getSecurityGroupId()))
                                .build()))
                        .build())
                .build();
        // MSF checks the role when the application is created and started: its policy must exist by then.
        application.getNode().addDependency(role);

        CfnApplicationCloudWatchLoggingOption logging = CfnApplicationCloudWatchLoggingOption.Builder
                .create(this, "Logging")
                .applicationName(application.getRef())
                .cloudWatchLoggingOption(CfnApplicationCloudWatchLoggingOption.CloudWatchLoggingOptionProperty
                        .builder().logStreamArn(logStreamArn).build())
                .build();

        if (props.start()) {
            // CloudFormation creates applications in READY state; StartApplication is the only way to run one.
            // Once running, an update of the application (new jar, new properties) restarts it from a snapshot.
            AwsCustomResource start = AwsCustomResource.Builder.create(this, "Start")
                    .resourceType("Custom::StartFlinkApplication")
                    .onCreate(AwsSdkCall.builder()
                            .service("KinesisAnalyticsV2")
                            .action("StartApplication")
                            .parameters(Map.of("ApplicationName", application.getRef()))
                            .physicalResourceId(PhysicalResourceId.of(applicationName))
                            .build())
                    .policy(AwsCustomResourcePolicy.fromSdkCalls(SdkCallsPolicyOptions.builder()
                            .resources(List.of(applicationArn)).build()))
                    .installLatestAwsSdk(false)
                    .logGroup(props.customResourceLogs())
                    .build();
            start.getNode().addDependency(logging);
            start.getNode().addDependency(role);
        }
    }

    private static List<PolicyStatement> loggingStatements(Stack stack, FlinkJob job, String logGroupArn,
                                                            String logStreamArn, List<NagPackSuppression> wildcards) {
        String allLogGroups = stack.formatArn(ArnComponents.builder().service("logs").resource("log-group")
                .resourceName("*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
        wildcards.add(wildcard("arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*",
                "MSF checks the log group with DescribeLogGroups, which authorizes on the account's log groups"));
        wildcards.add(wildcard("arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:"
                        + "/aws/kinesis-analytics/<AWS::StackName>-" + job.jobName() + ":log-stream:*",
                "DescribeLogStreams lists the streams of this application's own log group only"));
        return List.of(
                statement("FindLogGroup", List.of("logs:DescribeLogGroups"), List.of(allLogGroups)),
                statement("FindLogStream", List.of("logs:DescribeLogStreams"),
                        List.of(logGroupArn + ":log-stream:*")),
                statement("WriteLogs", List.of("logs:PutLogEvents"), List.of(logStreamArn)));
    }

    private static List<PolicyStatement> vpcStatements(Stack stack, List<ISubnet> subnets, ISecurityGroup group,
                                                        List<NagPackSuppression> wildcards) {
        List<String> interfaceResources = new ArrayList<>();
        subnets.forEach(s -> interfaceResources.add(ec2Arn(stack, "subnet", s.getSubnetId())));
        interfaceResources.add(ec2Arn(stack, "security-group", group.getSecurityGroupId()));
        String anyInterface = ec2Arn(stack, "network-interface", "*");
        interfaceResources.add(anyInterface);
        wildcards.add(wildcard("*", "EC2 Describe actions (VPCs, subnets, security groups, DHCP options, network"
                + " interfaces) support no resource-level permissions"));
        wildcards.add(wildcard("arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:network-interface/*",
                "EC2 chooses the id of each interface MSF creates; creation is bound to the app's subnets and group"));
        return List.of(
                statement("DescribeVpc", List.of("ec2:DescribeVpcs", "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces"),
                        List.of("*")),
                // Interfaces only in the application's subnets and with its security group.
                statement("CreateInterfaces", List.of("ec2:CreateNetworkInterface"), interfaceResources),
                statement("ManageInterfaces", List.of("ec2:CreateNetworkInterfacePermission",
                        "ec2:DeleteNetworkInterface"), List.of(anyInterface)));
    }

    private static NagPackSuppression wildcard(String resource, String reason) {
        return NagPackSuppression.builder().id("AwsSolutions-IAM5").reason(reason)
                .appliesTo(List.of("Resource::" + resource)).build();
    }

    static String ec2Arn(Stack stack, String resource, String id) {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource(resource).resourceName(id).build());
    }

    static PolicyStatement statement(String sid, List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources)
                .build();
    }

    private static List<CfnApplication.PropertyGroupProperty> propertyGroups(Map<String, Map<String, String>> groups) {
        List<CfnApplication.PropertyGroupProperty> result = new ArrayList<>();
        groups.forEach((name, map) -> result.add(CfnApplication.PropertyGroupProperty.builder()
                .propertyGroupId(name).propertyMap(map).build()));
        return result;
    }

    /** The application's name: the stack name and the job's name, e.g. {@code FleetPulse-pre-processor}. */
    String applicationName() {
        return applicationName;
    }

    CfnApplication application() {
        return application;
    }

    Role role() {
        return role;
    }

    Asset jarAsset() {
        return jarAsset;
    }
}
