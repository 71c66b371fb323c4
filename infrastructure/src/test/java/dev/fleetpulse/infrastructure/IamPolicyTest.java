package dev.fleetpulse.infrastructure;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Least privilege, statement by statement, over every IAM policy the stack creates (the three execution roles, the
 * custom resources, the flow-log role, Grafana's role): each names its resource, and the few wildcards are the
 * ones AWS leaves no way around.
 */
class IamPolicyTest {

    private static final Synthesized DEFAULTS = Synthesized.defaults();
    private static final Synthesized ALTERNATIVE_STACK = Synthesized.withContext(Synthesized.ALTERNATIVE);

    /** Actions that may have the resource "*": EC2's Describe calls support no resource-level permissions. */
    private static final Set<String> ACTIONS_ON_ANY_RESOURCE = Set.of("ec2:DescribeVpcs", "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces");

    /**
     * The only resource patterns with a wildcard, each with the actions it may carry: DescribeLogGroups authorizes on
     * the account's log groups; the streams of an application's own log group are listed; EC2 names the network
     * interfaces MSF creates.
     */
    private static final Map<Pattern, Set<String>> WILDCARD_RESOURCES = Map.of(
            Pattern.compile("arn:\\$\\{AWS::Partition}:logs:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:log-group:\\*"),
            Set.of("logs:DescribeLogGroups"),
            Pattern.compile("arn:\\$\\{AWS::Partition}:logs:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:log-group:"
                    + "/aws/kinesis-analytics/\\$\\{AWS::StackName}-[a-z-]+:log-stream:\\*"),
            Set.of("logs:DescribeLogStreams"),
            Pattern.compile("arn:\\$\\{AWS::Partition}:ec2:\\$\\{AWS::Region}:\\$\\{AWS::AccountId}:network-interface/\\*"),
            Set.of("ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"));

    @Test
    void shouldScopeEveryStatementToItsResources() {
        for (Synthesized synthesized : List.of(DEFAULTS, ALTERNATIVE_STACK)) {
            List<Statement> statements = statements(synthesized);
            assertThat(statements).hasSizeGreaterThan(30);
            for (Statement s : statements) {
                assertThat(s.effect()).as("%s", s).isEqualTo("Allow");
                assertThat(s.actions()).as("actions of %s", s).allSatisfy(a -> assertThat(a).doesNotContain("*"));
                for (String resource : s.resources()) {
                    if (resource.equals("*")) {
                        assertThat(s.actions()).as("actions on * in %s", s).isSubsetOf(ACTIONS_ON_ANY_RESOURCE);
                    } else if (resource.contains("*")) {
                        Set<String> allowed = WILDCARD_RESOURCES.entrySet().stream()
                                .filter(e -> e.getKey().matcher(resource).matches()).findFirst()
                                .map(Map.Entry::getValue)
                                .orElseThrow(() -> new AssertionError("unexpected wildcard " + resource + " in " + s));
                        assertThat(s.actions()).as("actions on %s", resource).isSubsetOf(allowed);
                    }
                }
            }
        }
    }

    @Test
    void shouldAllowRemoteWriteOnlyToTheWorkspaceAndOnlyForTheJobsThatWrite() {
        assertThat(statementsOf(FlinkJob.VEHICLE_EVENT_GENERATOR)).noneSatisfy(
                s -> assertThat(s.actions()).anyMatch(a -> a.startsWith("aps:")));
        for (FlinkJob job : List.of(FlinkJob.PRE_PROCESSOR, FlinkJob.RAW_EVENT_WRITER)) {
            List<Statement> aps = statementsOf(job).stream()
                    .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("aps:"))).toList();
            assertThat(aps).singleElement().satisfies(s -> {
                assertThat(s.actions()).containsExactly("aps:RemoteWrite");
                assertThat(s.resources()).containsExactly("${Prometheus.Arn}");
            });
        }
    }

    @Test
    void shouldAllowKafkaActionsOnlyOnTheClusterItsTopicsAndTheJobsOwnGroups() {
        String cluster = "${" + DEFAULTS.idOf("AWS::MSK::Cluster", "KafkaProvisioned") + ".Arn}";
        String topics = "arn:${AWS::Partition}:kafka:${AWS::Region}:${AWS::AccountId}:topic/"
                + "${Fn::Select(1, Fn::Split(/, " + cluster + "))}/${Fn::Select(2, Fn::Split(/, " + cluster + "))}/";
        String groups = topics.replace(":topic/", ":group/");
        PipelineSettings pipeline = PipelineSettings.defaults();

        assertThat(kafkaGrants(FlinkJob.VEHICLE_EVENT_GENERATOR)).containsExactlyInAnyOrder(
                cluster + " kafka-cluster:Connect,kafka-cluster:DescribeCluster,kafka-cluster:WriteDataIdempotently",
                topics + pipeline.topic() + " kafka-cluster:CreateTopic,kafka-cluster:DescribeTopic,"
                        + "kafka-cluster:WriteData");
        for (FlinkJob job : List.of(FlinkJob.PRE_PROCESSOR, FlinkJob.RAW_EVENT_WRITER)) {
            assertThat(kafkaGrants(job)).containsExactlyInAnyOrder(
                    cluster + " kafka-cluster:Connect,kafka-cluster:DescribeCluster,"
                            + "kafka-cluster:WriteDataIdempotently",
                    topics + pipeline.topic() + " kafka-cluster:CreateTopic,kafka-cluster:DescribeTopic,"
                            + "kafka-cluster:ReadData",
                    groups + pipeline.consumerGroup(job) + " kafka-cluster:AlterGroup,kafka-cluster:DescribeGroup",
                    topics + pipeline.deadLetterTopic() + " kafka-cluster:CreateTopic,kafka-cluster:DescribeTopic,"
                            + "kafka-cluster:WriteData");
        }
    }

    @Test
    void shouldReadOnlyTheJobsOwnJarAndWriteOnlyItsOwnLogStream() {
        for (FlinkJob job : FlinkJob.values()) {
            FlinkApplication application = DEFAULTS.application(job);
            List<Statement> statements = statementsOf(job);
            assertThat(statements).filteredOn(s -> s.actions().stream().anyMatch(a -> a.startsWith("s3:")))
                    .singleElement().satisfies(s -> {
                        assertThat(s.actions()).containsExactlyInAnyOrder("s3:GetObject", "s3:GetObjectVersion");
                        assertThat(s.resources()).singleElement().asString()
                                .endsWith("/" + application.jarAsset().getS3ObjectKey());
                    });
            String logStream = DEFAULTS.idOf("AWS::Logs::LogStream", job.constructId() + "LogStream");
            assertThat(statements).filteredOn(s -> s.actions().contains("logs:PutLogEvents"))
                    .singleElement().satisfies(s -> assertThat(s.resources()).containsExactly(
                            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
                                    + "/aws/kinesis-analytics/${AWS::StackName}-" + job.jobName()
                                    + ":log-stream:${" + logStream + "}"));
        }
    }

    @Test
    void shouldLetTheCustomResourcesReadTheBrokersAndStartTheirOwnApplicationsOnly() {
        String cluster = "${" + DEFAULTS.idOf("AWS::MSK::Cluster", "KafkaProvisioned") + ".Arn}";
        List<Statement> custom = statements(DEFAULTS).stream()
                .filter(s -> s.policy().contains("CustomResourcePolicy")).toList();
        assertThat(custom).extracting(s -> String.join(",", s.actions()) + " " + String.join(",", s.resources()))
                .containsExactlyInAnyOrder(
                        "kafka:GetBootstrapBrokers " + cluster,
                        "kinesisanalytics:StartApplication arn:${AWS::Partition}:kinesisanalytics:${AWS::Region}:"
                                + "${AWS::AccountId}:application/${AWS::StackName}-vehicle-event-generator",
                        "kinesisanalytics:StartApplication arn:${AWS::Partition}:kinesisanalytics:${AWS::Region}:"
                                + "${AWS::AccountId}:application/${AWS::StackName}-pre-processor",
                        "kinesisanalytics:StartApplication arn:${AWS::Partition}:kinesisanalytics:${AWS::Region}:"
                                + "${AWS::AccountId}:application/${AWS::StackName}-raw-event-writer");
    }

    @Test
    void shouldLetGrafanaOnlyQueryTheWorkspace() {
        List<Statement> grafana = statements(ALTERNATIVE_STACK).stream()
                .filter(s -> s.policy().startsWith("GrafanaRole")).toList();
        assertThat(grafana).singleElement().satisfies(s -> {
            assertThat(s.actions()).containsExactlyInAnyOrder("aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels",
                    "aps:GetMetricMetadata");
            assertThat(s.resources()).containsExactly("${Prometheus.Arn}");
        });
    }

    @Test
    void shouldLetOnlyMsfActingForTheApplicationAssumeItsRole() {
        for (FlinkJob job : FlinkJob.values()) {
            String role = DEFAULTS.logicalId((software.amazon.awscdk.CfnElement)
                    DEFAULTS.application(job).role().getNode().getDefaultChild());
            String trust = DEFAULTS.resources().get(role).toString();
            assertThat(trust).contains("Service=kinesisanalytics.amazonaws.com", "aws:SourceAccount",
                    "aws:SourceArn", job.jobName());
        }
    }

    private static Set<String> kafkaGrants(FlinkJob job) {
        return statementsOf(job).stream()
                .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("kafka-cluster:")))
                .flatMap(s -> s.resources().stream().map(r -> r + " " + s.actions().stream().sorted()
                        .collect(Collectors.joining(","))))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Statement> statementsOf(FlinkJob job) {
        return statements(DEFAULTS).stream().filter(s -> s.policy().startsWith(job.constructId() + "Role")).toList();
    }

    /**
     * One statement of a policy, its resources rendered as text: {@code ${Ref}} and {@code ${Id.Attribute}} for
     * references, joins joined, so that a wildcard anywhere in a built ARN shows.
     */
    record Statement(String policy, String effect, List<String> actions, List<String> resources) {
    }

    @SuppressWarnings("unchecked")
    static List<Statement> statements(Synthesized synthesized) {
        List<Statement> result = new ArrayList<>();
        synthesized.resourcesOfType("AWS::IAM::Policy").forEach((id, policy) -> {
            Map<String, Object> properties = (Map<String, Object>) policy.get("Properties");
            Map<String, Object> document = (Map<String, Object>) properties.get("PolicyDocument");
            for (Map<String, Object> s : (List<Map<String, Object>>) document.get("Statement")) {
                result.add(new Statement(id, (String) s.get("Effect"), list(s.get("Action")).stream()
                        .map(Object::toString).toList(), list(s.get("Resource")).stream()
                        .map(IamPolicyTest::render).toList()));
            }
        });
        return result;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of(value);
    }

    @SuppressWarnings("unchecked")
    private static String render(Object value) {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> intrinsic = (Map<String, Object>) value;
        if (intrinsic.containsKey("Ref")) {
            return "${" + intrinsic.get("Ref") + "}";
        }
        if (intrinsic.containsKey("Fn::GetAtt")) {
            List<Object> parts = (List<Object>) intrinsic.get("Fn::GetAtt");
            return "${" + parts.get(0) + "." + parts.get(1) + "}";
        }
        if (intrinsic.containsKey("Fn::Join")) {
            List<Object> join = (List<Object>) intrinsic.get("Fn::Join");
            return ((List<Object>) join.get(1)).stream().map(IamPolicyTest::render)
                    .collect(Collectors.joining((String) join.get(0)));
        }
        if (intrinsic.containsKey("Fn::Select")) {
            List<Object> select = (List<Object>) intrinsic.get("Fn::Select");
            return "${Fn::Select(" + select.get(0) + ", " + render(select.get(1)) + ")}";
        }
        if (intrinsic.containsKey("Fn::Split")) {
            List<Object> split = (List<Object>) intrinsic.get("Fn::Split");
            return "Fn::Split(" + split.get(0) + ", " + render(split.get(1)) + ")";
        }
        if (intrinsic.containsKey("Fn::Sub")) {
            return intrinsic.get("Fn::Sub").toString();
        }
        throw new AssertionError("unexpected intrinsic in a policy resource: " + value);
    }
}
