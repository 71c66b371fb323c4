package dev.fleetpulse.infrastructure;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stack synthesized in this JVM, the way {@code cdk synth} does it (same app code, the context of cdk.json, the
 * cdk-nag aspect), with no AWS account, credentials or network. Synthesis starts a jsii Node.js process and stages
 * three 40 MB jars, so each variant is synthesized once and shared by all test classes.
 *
 * @param app the app, synthesized into its own directory under target/
 * @param stack the stack
 * @param template the synthesized CloudFormation template
 * @param json the same template as plain JSON, for tests that walk every resource
 */
record Synthesized(App app, FleetPulseStack stack, Template template, Map<String, Object> json) {

    private static final Map<Map<String, String>, Synthesized> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every optional part switched the other way: MSK Serverless, Grafana, an alert e-mail, the generator not started. */
    static final Map<String, String> ALTERNATIVE = Map.of(DeploymentOptions.MSK_SERVERLESS, "true",
            DeploymentOptions.GRAFANA, "true", DeploymentOptions.START_GENERATOR, "false",
            DeploymentOptions.ALERT_EMAIL, "ops@example.com");

    /** The stack with the default options: new VPC, provisioned MSK, all three jobs started, no Grafana. */
    static Synthesized defaults() {
        return withContext(Map.of());
    }

    /** The stack with these context values on top of cdk.json's, as {@code cdk synth -c key=value} gives them. */
    static Synthesized withContext(Map<String, String> context) {
        return CACHE.computeIfAbsent(Map.copyOf(context), Synthesized::synthesize);
    }

    /** The checkout this module is in (Maven runs the tests in infrastructure/). */
    static Repository repository() {
        return Repository.fromWorkingDirectory();
    }

    private static Synthesized synthesize(Map<String, String> context) {
        try {
            Map<String, Object> appContext = new HashMap<>(cdkJsonContext());
            appContext.putAll(context);
            // As the CDK CLI does: each resource names its construct path, which the suppression test reads.
            appContext.put("aws:cdk:enable-path-metadata", true);
            // One directory per variant, emptied first: each synthesis stages the three jars (~115 MB).
            Path outdir = Path.of("target", "cdk-test-out", Integer.toHexString(context.hashCode()))
                    .toAbsolutePath();
            deleteRecursively(outdir);
            Files.createDirectories(outdir);
            App app = App.Builder.create().outdir(outdir.toString()).context(appContext).build();
            FleetPulseStack stack = FleetPulseApp.build(app, DeploymentOptions.fromContext(app.getNode()),
                    repository());
            Template template = Template.fromStack(stack);
            JSON.writerWithDefaultPrettyPrinter().writeValue(outdir.resolve("template-for-review.json").toFile(),
                    template.toJSON());
            return new Synthesized(app, stack, template, template.toJSON());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Map<String, Object> cdkJsonContext() throws IOException {
        Map<String, Object> cdkJson = JSON.readValue(Path.of("cdk.json").toFile(), new TypeReference<>() {
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> context = (Map<String, Object>) cdkJson.getOrDefault("context", Map.of());
        return context;
    }

    /** The resources of the template, logical id to resource. */
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources() {
        return (Map<String, Map<String, Object>>) json.get("Resources");
    }

    /** The resources of one CloudFormation type, logical id to resource. */
    Map<String, Map<String, Object>> resourcesOfType(String type) {
        Map<String, Map<String, Object>> result = new java.util.TreeMap<>();
        resources().forEach((id, resource) -> {
            if (type.equals(resource.get("Type"))) {
                result.put(id, resource);
            }
        });
        return result;
    }

    /** The logical id of the one resource of {@code type} whose id starts with {@code prefix} (its construct id). */
    String idOf(String type, String prefix) {
        List<String> ids = resourcesOfType(type).keySet().stream().filter(id -> id.startsWith(prefix)).toList();
        if (ids.size() != 1) {
            throw new AssertionError("expected one " + type + " named " + prefix + "*, found " + ids);
        }
        return ids.get(0);
    }

    /** The logical id of a construct's CloudFormation resource. */
    String logicalId(software.amazon.awscdk.CfnElement element) {
        return stack.resolve(element.getLogicalId()).toString();
    }

    /** The application of {@code job}. */
    FlinkApplication application(FlinkJob job) {
        return stack.application(job);
    }
}
