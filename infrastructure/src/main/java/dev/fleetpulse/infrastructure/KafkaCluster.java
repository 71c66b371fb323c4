package dev.fleetpulse.infrastructure;

import software.amazon.awscdk.ArnComponents;
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
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.msk.CfnCluster;
import software.amazon.awscdk.services.msk.CfnServerlessCluster;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The MSK cluster, with IAM access control only (port 9098, TLS): a provisioned cluster of two small brokers, or MSK
 * Serverless. Also what the jobs' IAM policies need to name its topics and consumer groups, and its IAM bootstrap
 * string, which CloudFormation does not return for either kind of cluster and so is read by a custom resource.
 */
final class KafkaCluster extends Construct {

    /** The port of IAM-authenticated TLS connections, on both kinds of cluster. */
    static final int IAM_PORT = 9098;
    /** MSK's recommended version; the jobs' kafka-clients 4.2 talks to brokers from 2.1 on. */
    static final String KAFKA_VERSION = "3.8.x";
    /** The smallest broker with IAM access control, enough for the demo rate; one per availability zone. */
    static final String BROKER_INSTANCE_TYPE = "kafka.t3.small";
    static final int BROKER_VOLUME_GB = 10;

    private final String clusterArn;
    private final String bootstrapBrokers;
    private final String clusterName;
    private final String clusterUuid;

    KafkaCluster(Construct scope, String id, boolean serverless, List<ISubnet> subnets, ISecurityGroup securityGroup,
                 ILogGroup customResourceLogs) {
        super(scope, id);
        String name = Fn.join("-", List.of(Aws.STACK_NAME, "kafka"));
        List<String> subnetIds = subnets.stream().map(ISubnet::getSubnetId).toList();
        if (serverless) {
            clusterArn = CfnServerlessCluster.Builder.create(this, "Serverless")
                    .clusterName(name)
                    .clientAuthentication(CfnServerlessCluster.ClientAuthenticationProperty.builder()
                            .sasl(CfnServerlessCluster.SaslProperty.builder()
                                    .iam(CfnServerlessCluster.IamProperty.builder().enabled(true).build())
                                    .build())
                            .build())
                    .vpcConfigs(List.of(CfnServerlessCluster.VpcConfigProperty.builder()
                            .subnetIds(subnetIds)
                            .securityGroups(List.of(securityGroup.getSecurityGroupId()))
                            .build()))
                    .build()
                    .getAttrArn();
        } else {
            LogGroup brokerLogs = LogGroup.Builder.create(this, "BrokerLogs")
                    .retention(RetentionDays.TWO_WEEKS)
                    .removalPolicy(RemovalPolicy.DESTROY)
                    .build();
            clusterArn = CfnCluster.Builder.create(this, "Provisioned")
                    .clusterName(name)
                    .kafkaVersion(KAFKA_VERSION)
                    // MSK needs as many brokers as client subnets, or a multiple: one per zone.
                    .numberOfBrokerNodes(subnetIds.size())
                    .brokerNodeGroupInfo(CfnCluster.BrokerNodeGroupInfoProperty.builder()
                            .instanceType(BROKER_INSTANCE_TYPE)
                            .clientSubnets(subnetIds)
                            .securityGroups(List.of(securityGroup.getSecurityGroupId()))
                            .storageInfo(CfnCluster.StorageInfoProperty.builder()
                                    .ebsStorageInfo(CfnCluster.EBSStorageInfoProperty.builder()
                                            .volumeSize(BROKER_VOLUME_GB).build())
                                    .build())
                            .build())
                    .clientAuthentication(CfnCluster.ClientAuthenticationProperty.builder()
                            .sasl(CfnCluster.SaslProperty.builder()
                                    .iam(CfnCluster.IamProperty.builder().enabled(true).build())
                                    .build())
                            .build())
                    .encryptionInfo(CfnCluster.EncryptionInfoProperty.builder()
                            .encryptionInTransit(CfnCluster.EncryptionInTransitProperty.builder()
                                    .clientBroker("TLS").inCluster(true).build())
                            .build())
                    .loggingInfo(CfnCluster.LoggingInfoProperty.builder()
                            .brokerLogs(CfnCluster.BrokerLogsProperty.builder()
                                    .cloudWatchLogs(CfnCluster.CloudWatchLogsProperty.builder()
                                            .enabled(true).logGroup(brokerLogs.getLogGroupName()).build())
                                    .build())
                            .build())
                    .build()
                    .getAttrArn();
        }
        // arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>; topics and groups are named under both.
        clusterName = Fn.select(1, Fn.split("/", clusterArn));
        clusterUuid = Fn.select(2, Fn.split("/", clusterArn));

        AwsSdkCall getBootstrapBrokers = AwsSdkCall.builder()
                .service("Kafka")
                .action("GetBootstrapBrokers")
                .parameters(Map.of("ClusterArn", clusterArn))
                .physicalResourceId(PhysicalResourceId.of(clusterArn))
                .outputPaths(List.of("BootstrapBrokerStringSaslIam"))
                .build();
        AwsCustomResource bootstrap = AwsCustomResource.Builder.create(this, "BootstrapBrokers")
                .resourceType("Custom::KafkaBootstrapBrokers")
                .onCreate(getBootstrapBrokers)
                .onUpdate(getBootstrapBrokers)
                .policy(AwsCustomResourcePolicy.fromSdkCalls(SdkCallsPolicyOptions.builder()
                        .resources(List.of(clusterArn)).build()))
                .installLatestAwsSdk(false)
                .logGroup(customResourceLogs)
                .build();
        bootstrapBrokers = bootstrap.getResponseField("BootstrapBrokerStringSaslIam");
    }

    String clusterArn() {
        return clusterArn;
    }

    /** The IAM bootstrap string, {@code b-1....:9098,b-2....:9098}, known once the cluster exists. */
    String bootstrapBrokers() {
        return bootstrapBrokers;
    }

    String topicArn(String topic) {
        return arn("topic", topic);
    }

    String groupArn(String group) {
        return arn("group", group);
    }

    private String arn(String resource, String name) {
        return Stack.of(this).formatArn(ArnComponents.builder().service("kafka").resource(resource)
                .resourceName(clusterName + "/" + clusterUuid + "/" + name).build());
    }

    /**
     * The Kafka actions of a job that writes events to {@code topic} (the generator), creating it when missing.
     * Idempotent writes: Kafka producers enable idempotence by default, which MSK authorizes on the cluster.
     */
    List<PolicyStatement> producerStatements(String topic) {
        return List.of(
                FlinkApplication.statement("KafkaConnect", List.of("kafka-cluster:Connect",
                        "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"), List.of(clusterArn)),
                FlinkApplication.statement("KafkaWriteEvents", List.of("kafka-cluster:DescribeTopic",
                        "kafka-cluster:CreateTopic", "kafka-cluster:WriteData"), List.of(topicArn(topic))));
    }

    /**
     * The Kafka actions of a job that reads {@code topic} in consumer group {@code group} and writes dead letters to
     * {@code deadLetterTopic} (creating both topics when missing).
     */
    List<PolicyStatement> consumerStatements(String topic, String group, String deadLetterTopic) {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(FlinkApplication.statement("KafkaConnect", List.of("kafka-cluster:Connect",
                "kafka-cluster:DescribeCluster", "kafka-cluster:WriteDataIdempotently"), List.of(clusterArn)));
        statements.add(FlinkApplication.statement("KafkaReadEvents", List.of("kafka-cluster:DescribeTopic",
                "kafka-cluster:CreateTopic", "kafka-cluster:ReadData"), List.of(topicArn(topic))));
        statements.add(FlinkApplication.statement("KafkaConsumerGroup", List.of("kafka-cluster:DescribeGroup",
                "kafka-cluster:AlterGroup"), List.of(groupArn(group))));
        statements.add(FlinkApplication.statement("KafkaWriteDeadLetters", List.of("kafka-cluster:DescribeTopic",
                "kafka-cluster:CreateTopic", "kafka-cluster:WriteData"), List.of(topicArn(deadLetterTopic))));
        return statements;
    }
}
