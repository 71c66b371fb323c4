package dev.fleetpulse.infrastructure;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** What the synthesized stack creates, resource by resource, and how the pieces are wired together. */
class FleetPulseStackTest {

    private static final Synthesized DEFAULTS = Synthesized.defaults();

    private static String flinkGroup() {
        return DEFAULTS.idOf("AWS::EC2::SecurityGroup", "FlinkSecurityGroup");
    }

    private static String kafkaGroup() {
        return DEFAULTS.idOf("AWS::EC2::SecurityGroup", "KafkaSecurityGroup");
    }

    @Test
    void shouldCreateTheWholePipelineOnce() {
        Map<String, Integer> expected = Map.ofEntries(
                Map.entry("AWS::EC2::VPC", 1),
                Map.entry("AWS::EC2::Subnet", 2),
                Map.entry("AWS::EC2::NatGateway", 0),
                Map.entry("AWS::EC2::InternetGateway", 0),
                Map.entry("AWS::EC2::FlowLog", 1),
                Map.entry("AWS::EC2::SecurityGroup", 3),
                Map.entry("AWS::EC2::VPCEndpoint", 1),
                Map.entry("AWS::MSK::Cluster", 1),
                Map.entry("AWS::MSK::ServerlessCluster", 0),
                Map.entry("Custom::KafkaBootstrapBrokers", 1),
                Map.entry("AWS::APS::Workspace", 1),
                Map.entry("AWS::APS::RuleGroupsNamespace", 2),
                Map.entry("AWS::SNS::Topic", 1),
                Map.entry("AWS::SNS::Subscription", 0),
                Map.entry("AWS::KinesisAnalyticsV2::Application", 3),
                Map.entry("AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption", 3),
                Map.entry("Custom::StartFlinkApplication", 3),
                // One execution role per application, one for CDK's custom-resource function, one for flow logs.
                Map.entry("AWS::IAM::Role", 5),
                Map.entry("AWS::Lambda::Function", 1),
                Map.entry("AWS::Grafana::Workspace", 0),
                Map.entry("AWS::S3::Bucket", 0));
        expected.forEach((type, count) -> DEFAULTS.template().resourceCountIs(type, count));
    }

    @Test
    void shouldRunEachJobOnFlink22WithCheckpointsSnapshotsAndFixedParallelismFromParameters() {
        List<Map<String, String>> subnetRefs = DEFAULTS.resourcesOfType("AWS::EC2::Subnet").keySet().stream()
                .map(id -> Map.of("Ref", id)).toList();
        for (FlinkJob job : FlinkJob.values()) {
            DEFAULTS.template().hasResourceProperties("AWS::KinesisAnalyticsV2::Application", Map.of(
                    "ApplicationName", Map.of("Fn::Join", List.of("-", List.of(Map.of("Ref", "AWS::StackName"),
                            job.jobName()))),
                    "RuntimeEnvironment", "FLINK-2_2",
                    "ApplicationConfiguration", Match.objectLike(Map.of(
                            "ApplicationSnapshotConfiguration", Map.of("SnapshotsEnabled", true),
                            "FlinkApplicationConfiguration", Map.of(
                                    "CheckpointConfiguration", Map.of("ConfigurationType", "CUSTOM",
                                            "CheckpointingEnabled", true, "CheckpointInterval", 60000,
                                            "MinPauseBetweenCheckpoints", 5000),
                                    "MonitoringConfiguration", Map.of("ConfigurationType", "CUSTOM",
                                            "MetricsLevel", "OPERATOR", "LogLevel", "INFO"),
                                    "ParallelismConfiguration", Map.of("ConfigurationType", "CUSTOM",
                                            "AutoScalingEnabled", false,
                                            "Parallelism", Map.of("Ref", job.constructId() + "Parallelism"),
                                            "ParallelismPerKPU", Map.of("Ref", job.constructId() + "ParallelismPerKpu"))),
                            "VpcConfigurations", List.of(Map.of(
                                    "SecurityGroupIds", List.of(Map.of("Fn::GetAtt",
                                            List.of(flinkGroup(), "GroupId"))),
                                    "SubnetIds", subnetRefs))))));
            DEFAULTS.template().hasParameter(job.constructId() + "Parallelism",
                    Map.of("Type", "Number", "Default", 1, "MinValue", 1));
            DEFAULTS.template().hasParameter(job.constructId() + "ParallelismPerKpu",
                    Map.of("Type", "Number", "Default", 1, "MinValue", 1, "MaxValue", 8));
        }
    }

    @Test
    void shouldLogEachApplicationToItsOwnStreamAndStartItAfterwards() {
        for (FlinkJob job : FlinkJob.values()) {
            FlinkApplication application = DEFAULTS.application(job);
            String applicationId = DEFAULTS.logicalId(application.application());
            DEFAULTS.template().hasResourceProperties(
                    "AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption",
                    Map.of("ApplicationName", Map.of("Ref", applicationId)));
            Map<String, Map<String, Object>> starts = DEFAULTS.resourcesOfType("Custom::StartFlinkApplication");
            assertThat(starts.values()).anySatisfy(start -> {
                assertThat(start.get("Properties").toString()).contains("StartApplication", applicationId);
                assertThat((List<?>) start.get("DependsOn")).anySatisfy(d -> assertThat(d.toString())
                        .startsWith(job.constructId() + "Logging"));
            });
        }
    }

    @Test
    void shouldLetOnlyTheApplicationsReachTheBrokersAndOnlyOnTheIamPort() {
        DEFAULTS.template().resourceCountIs("AWS::EC2::SecurityGroupIngress", 2);
        DEFAULTS.template().hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "IpProtocol", "tcp", "FromPort", 9098, "ToPort", 9098,
                "GroupId", Map.of("Fn::GetAtt", List.of(kafkaGroup(), "GroupId")),
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(flinkGroup(), "GroupId"))));
        DEFAULTS.template().hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of(
                "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(flinkGroup(), "GroupId"))));
        DEFAULTS.template().resourceCountIs("AWS::EC2::SecurityGroupEgress", 2);
        DEFAULTS.template().hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of(
                "GroupId", Map.of("Fn::GetAtt", List.of(flinkGroup(), "GroupId")),
                "IpProtocol", "tcp", "FromPort", 9098, "ToPort", 9098,
                "DestinationSecurityGroupId", Map.of("Fn::GetAtt", List.of(kafkaGroup(), "GroupId"))));
        // No rule anywhere opens a port to an address range; the groups' own egress lists hold only CDK's
        // "no traffic" placeholder.
        assertThat(DEFAULTS.json().toString()).doesNotContain("0.0.0.0/0");
    }

    @Test
    void shouldRunMskWithIamAuthenticationAndTlsOnly() {
        DEFAULTS.template().hasResourceProperties("AWS::MSK::Cluster", Map.of(
                "KafkaVersion", "3.8.x",
                "NumberOfBrokerNodes", 2,
                "BrokerNodeGroupInfo", Match.objectLike(Map.of("InstanceType", "kafka.t3.small")),
                "ClientAuthentication", Map.of("Sasl", Map.of("Iam", Map.of("Enabled", true))),
                "EncryptionInfo", Map.of("EncryptionInTransit", Map.of("ClientBroker", "TLS", "InCluster", true)),
                "LoggingInfo", Match.objectLike(Map.of("BrokerLogs", Match.objectLike(Map.of(
                        "CloudWatchLogs", Match.objectLike(Map.of("Enabled", true))))))));
    }

    @Test
    void shouldLoadTheMonitoringRulesAndSendAlertsToTheTopic() throws IOException {
        Path checkout = Synthesized.repository().root();
        for (RuleNamespace namespace : RuleNamespace.values()) {
            DEFAULTS.template().hasResourceProperties("AWS::APS::RuleGroupsNamespace", Map.of(
                    "Name", namespace.namespace(),
                    "Data", Files.readString(checkout.resolve(namespace.file())),
                    "Workspace", Map.of("Fn::GetAtt", List.of("Prometheus", "Arn"))));
        }
        String alertManager = DEFAULTS.resourcesOfType("AWS::APS::Workspace").values().iterator().next()
                .get("Properties").toString();
        assertThat(alertManager).contains("sns_configs", "topic_arn: ", "Ref=Alerts", "sigv4", "AWS::Region");
        DEFAULTS.template().hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Match.objectLike(
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Sid", "AmpAlertmanagerPublish",
                        "Principal", Map.of("Service", "aps.amazonaws.com"),
                        "Action", List.of("sns:Publish", "sns:GetTopicAttributes"),
                        "Condition", Map.of(
                                "StringEquals", Map.of("aws:SourceAccount", Map.of("Ref", "AWS::AccountId")),
                                "ArnEquals", Map.of("aws:SourceArn",
                                        Map.of("Fn::GetAtt", List.of("Prometheus", "Arn"))))))))))));
    }

    @Test
    void shouldOutputWhatAnOperatorNeeds() {
        for (String output : List.of("RemoteWriteUrl", "QueryUrl", "PrometheusWorkspaceId", "KafkaBootstrapBrokers",
                "KafkaClusterArn", "AlertTopicArn", "GeneratorApplicationName", "PreProcessorApplicationName",
                "RawEventWriterApplicationName")) {
            DEFAULTS.template().hasOutput(output, Match.anyValue());
        }
        DEFAULTS.template().hasOutput("RemoteWriteUrl", Map.of("Value", Map.of("Fn::Join", List.of("", List.of(
                Map.of("Fn::GetAtt", List.of("Prometheus", "PrometheusEndpoint")), "api/v1/remote_write")))));
        DEFAULTS.template().hasOutput("KafkaBootstrapBrokers", Map.of("Value", Map.of("Fn::GetAtt",
                List.of(DEFAULTS.idOf("Custom::KafkaBootstrapBrokers", "KafkaBootstrapBrokers"),
                        "BootstrapBrokerStringSaslIam"))));
    }

    @Test
    void shouldDeployTheShadedJarsAsAssets() throws IOException {
        for (FlinkJob job : FlinkJob.values()) {
            FlinkApplication application = DEFAULTS.application(job);
            Path staged = Path.of(DEFAULTS.app().getOutdir(), application.jarAsset().getAssetPath());
            Path built = Synthesized.repository().jarPath(job);

            assertThat(Files.mismatch(staged, built)).as("%s staged as %s", built, staged).isEqualTo(-1L);
            try (JarFile jar = new JarFile(built.toFile())) {
                assertThat(jar.getEntry(Repository.SHADED_MARKER)).isNotNull();
                assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                        .startsWith("dev.fleetpulse.");
            }
            DEFAULTS.template().hasResourceProperties("AWS::KinesisAnalyticsV2::Application", Map.of(
                    "ApplicationName", Match.objectLike(Map.of("Fn::Join", List.of("-", List.of(
                            Map.of("Ref", "AWS::StackName"), job.jobName())))),
                    "ApplicationConfiguration", Match.objectLike(Map.of("ApplicationCodeConfiguration", Map.of(
                            "CodeContentType", "ZIPFILE",
                            "CodeContent", Map.of("S3ContentLocation", Map.of(
                                    "BucketARN", Match.anyValue(),
                                    "FileKey", application.jarAsset().getAssetHash() + ".jar")))))));
        }
    }

    @Test
    void shouldOfferServerlessMskGrafanaAndAManualGeneratorStart() {
        Synthesized variant = Synthesized.withContext(Synthesized.ALTERNATIVE);

        variant.template().resourceCountIs("AWS::MSK::Cluster", 0);
        variant.template().hasResourceProperties("AWS::MSK::ServerlessCluster", Map.of(
                "ClientAuthentication", Map.of("Sasl", Map.of("Iam", Map.of("Enabled", true)))));
        variant.template().resourceCountIs("Custom::StartFlinkApplication", 2);
        assertThat(variant.resourcesOfType("Custom::StartFlinkApplication").values())
                .noneSatisfy(start -> assertThat(start.get("Properties").toString())
                        .contains(FlinkJob.VEHICLE_EVENT_GENERATOR.jobName()));
        variant.template().hasResourceProperties("AWS::Grafana::Workspace", Map.of(
                "GrafanaVersion", "10.4",
                "AuthenticationProviders", List.of("AWS_SSO"),
                "AccountAccessType", "CURRENT_ACCOUNT",
                "PermissionType", "CUSTOMER_MANAGED",
                "DataSources", List.of("PROMETHEUS")));
        variant.template().hasResourceProperties("AWS::SNS::Subscription", Map.of(
                "Protocol", "email", "Endpoint", "ops@example.com"));
        variant.template().hasOutput("GrafanaUrl", Match.anyValue());
    }
}
