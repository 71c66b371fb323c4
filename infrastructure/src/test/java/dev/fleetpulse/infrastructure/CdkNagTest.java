package dev.fleetpulse.infrastructure;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.awscdk.services.sns.Topic;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * cdk-nag's AwsSolutions rule pack, applied by the app itself as an aspect: no variant of the stack has an
 * unsuppressed error or warning, and the suppressions are exactly the reviewed ones (a new suppression is a
 * deliberate change of this test, not a quiet addition in the stack).
 */
class CdkNagTest {

    /** Every (rule, construct path suffix) suppressed anywhere, with the reason in the code next to it. */
    private static final Set<String> REVIEWED_SUPPRESSIONS = Set.of(
            "AwsSolutions-IAM5 on Generator/Role",
            "AwsSolutions-IAM5 on PreProcessor/Role",
            "AwsSolutions-IAM5 on RawEventWriter/Role",
            "AwsSolutions-IAM4 on AWS679f53fac002430cb0da5b7982bd2287",
            "AwsSolutions-L1 on AWS679f53fac002430cb0da5b7982bd2287");

    static Stream<Map<String, String>> variants() {
        return Stream.of(Map.of(), Synthesized.ALTERNATIVE);
    }

    /** The check below would pass vacuously if the scan never ran or its findings went elsewhere. */
    @Test
    void shouldReportAnUnsuppressedFindingAsAnError() {
        App app = new App();
        Stack stack = new Stack(app, "Probe");
        Topic.Builder.create(stack, "PlainTopic").build();
        Aspects.of(app).add(new AwsSolutionsChecks());

        List<SynthesisMessage> errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp(".*"));

        assertThat(errors).extracting(m -> m.getEntry().getData().toString())
                .anySatisfy(message -> assertThat(message).startsWith("AwsSolutions-SNS3"));
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldHaveNoUnsuppressedAwsSolutionsError(Map<String, String> context) {
        List<SynthesisMessage> errors = Annotations.fromStack(Synthesized.withContext(context).stack())
                .findError("*", Match.stringLikeRegexp(".*"));
        assertThat(errors).extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldHaveNoUnsuppressedAwsSolutionsWarning(Map<String, String> context) {
        List<SynthesisMessage> warnings = Annotations.fromStack(Synthesized.withContext(context).stack())
                .findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        assertThat(warnings).extracting(m -> m.getId() + ": " + m.getEntry().getData()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("variants")
    void shouldSuppressOnlyTheReviewedFindingsEachWithAReason(Map<String, String> context) {
        Synthesized synthesized = Synthesized.withContext(context);
        Set<String> suppressed = new TreeSet<>();
        synthesized.resources().forEach((id, resource) -> {
            Object path = metadata(resource).get("aws:cdk:path");
            for (Map<String, Object> rule : rulesToSuppress(resource)) {
                assertThat((String) rule.get("reason")).as("reason of %s on %s", rule.get("id"), path)
                        .hasSizeGreaterThan(30);
                suppressed.add(rule.get("id") + " on " + constructOf(path.toString()));
            }
        });
        assertThat(suppressed).isSubsetOf(REVIEWED_SUPPRESSIONS);
        assertThat(suppressed).contains("AwsSolutions-IAM5 on PreProcessor/Role", "AwsSolutions-IAM5 on RawEventWriter/Role");
    }

    /** The construct a resource path belongs to: the path without the stack and the trailing resource ids. */
    private static String constructOf(String path) {
        String withoutStack = path.substring(path.indexOf('/') + 1);
        for (String suffix : List.of("/DefaultPolicy/Resource", "/ServiceRole/DefaultPolicy/Resource",
                "/ServiceRole/Resource", "/Resource")) {
            if (withoutStack.endsWith(suffix)) {
                return withoutStack.substring(0, withoutStack.length() - suffix.length());
            }
        }
        return withoutStack;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> resource) {
        return (Map<String, Object>) resource.getOrDefault("Metadata", Map.of());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rulesToSuppress(Map<String, Object> resource) {
        Map<String, Object> nag = (Map<String, Object>) metadata(resource).getOrDefault("cdk_nag", Map.of());
        return (List<Map<String, Object>>) nag.getOrDefault("rules_to_suppress", List.of());
    }
}
