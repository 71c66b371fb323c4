package dev.fleetpulse.jobs.prometheus;

import dev.fleetpulse.prometheus.http.BasicAuthSigner;
import dev.fleetpulse.prometheus.http.BearerTokenSigner;
import dev.fleetpulse.prometheus.http.RequestSigner;
import dev.fleetpulse.prometheus.http.SignableRequest;
import dev.fleetpulse.prometheus.amp.AmpRequestSigner;
import dev.fleetpulse.prometheus.amp.AssumeRole;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusAuthTest {

    static final String AMP_URL =
            "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-3f2b8c1e/api/v1/remote_write";
    static final String LOCAL_URL = "http://127.0.0.1:9090/api/v1/write";
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/fleetpulse-amp-writer";

    private final List<String> problems = new ArrayList<>();

    /** Every setting absent unless a test sets it, as a job would pass them from its configuration. */
    private String mode;
    private String url = AMP_URL;
    private String region;
    private String roleArn;
    private String sessionName;
    private String externalId;
    private String bearerToken;
    private String basicUser;
    private String basicPassword;

    private RequestSigner resolve() {
        return PrometheusAuth.fromSettings(mode, url, region, roleArn, sessionName, externalId, bearerToken,
                basicUser, basicPassword, (key, message) -> problems.add(key + ": " + message));
    }

    @Test
    void shouldSignWithSigV4InTheUrlsRegionWhenNoModeIsGivenForAnAmpUrl() {
        RequestSigner signer = resolve();

        assertThat(problems).isEmpty();
        assertThat(signer).isInstanceOfSatisfying(AmpRequestSigner.class, amp -> {
            assertThat(amp.region()).isEqualTo("eu-west-1");
            assertThat(amp.assumeRole()).isNull();
        });
    }

    @Test
    void shouldNotAuthenticateWhenNoModeIsGivenForAnotherUrl() {
        url = LOCAL_URL;

        assertThat(resolve()).isNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldNotAuthenticateWhenModeIsNoneEvenForAnAmpUrl() {
        mode = "none";

        assertThat(resolve()).isNull();
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldSignForTheGivenRegionWhenSigV4IsAskedForAnotherUrl() {
        mode = "SigV4";
        url = LOCAL_URL;
        region = "us-west-2";

        assertThat(resolve()).isInstanceOfSatisfying(AmpRequestSigner.class,
                amp -> assertThat(amp.region()).isEqualTo("us-west-2"));
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldAssumeTheRoleWithDefaultSessionNameWhenOnlyTheRoleArnIsGiven() {
        roleArn = ROLE_ARN;

        assertThat(resolve()).isInstanceOfSatisfying(AmpRequestSigner.class, amp -> assertThat(amp.assumeRole())
                .isEqualTo(new AssumeRole(ROLE_ARN, "fleetpulse-prometheus-sink", null)));
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldAssumeTheRoleWithSessionNameAndExternalIdWhenGiven() {
        roleArn = ROLE_ARN;
        sessionName = "vehicle-telemetry";
        externalId = "fleetpulse-2f9c";

        assertThat(resolve()).isInstanceOfSatisfying(AmpRequestSigner.class, amp -> assertThat(amp.assumeRole())
                .isEqualTo(new AssumeRole(ROLE_ARN, "vehicle-telemetry", "fleetpulse-2f9c")));
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldUseTheBearerSignerWhenModeIsBearer() {
        mode = "bearer";
        url = LOCAL_URL;
        bearerToken = "s3cr3t-token";

        RequestSigner signer = resolve();

        assertThat(problems).isEmpty();
        HeadersOnly request = new HeadersOnly();
        assertThat(signer).isInstanceOf(BearerTokenSigner.class);
        signer.sign(request);
        assertThat(request.headers()).containsEntry("Authorization", "Bearer s3cr3t-token");
    }

    @Test
    void shouldUseTheBasicSignerWhenModeIsBasic() {
        mode = "basic";
        url = LOCAL_URL;
        basicUser = "fleet";
        basicPassword = "pulse";

        RequestSigner signer = resolve();

        assertThat(problems).isEmpty();
        HeadersOnly request = new HeadersOnly();
        assertThat(signer).isInstanceOf(BasicAuthSigner.class);
        signer.sign(request);
        assertThat(request.headers()).containsEntry("Authorization", "Basic ZmxlZXQ6cHVsc2U=");
    }

    @Test
    void shouldNameTheModeKeyWhenTheModeIsUnknown() {
        mode = "iam";

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly("PrometheusSink.auth.mode: must be one of none, sigv4, bearer, basic "
                + "(got 'iam'); without it, an AMP workspace URL means sigv4 and any other URL none");
    }

    @Test
    void shouldRequireARegionWhenSigV4IsAskedForAUrlThatNamesNone() {
        mode = "sigv4";
        url = LOCAL_URL;

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly("PrometheusSink.aws.region: is required for sigv4 when "
                + "PrometheusSink.endpoint.url is not an AMP workspace URL "
                + "(https://aps-workspaces.<region>.amazonaws.com/...) to take the region from");
    }

    @Test
    void shouldReportEverySigV4ProblemAtOnce() {
        url = "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-3f2b8c1e/api/v1/query";
        region = "eu_west_1";
        roleArn = "arn:aws:iam::1234:user/bob";
        sessionName = "a";
        externalId = "x";

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly(
                "PrometheusSink.endpoint.url: '" + url + "' has the wrong path for AMP remote-write: expected "
                        + "/workspaces/<ws-id>/api/v1/remote_write (the workspace's 'Endpoint - remote write URL' "
                        + "in the AMP console)",
                "PrometheusSink.aws.region: 'eu_west_1' is not an AWS region name such as us-east-1",
                "PrometheusSink.aws.role.arn: 'arn:aws:iam::1234:user/bob' is not an IAM role ARN; expected "
                        + "arn:aws:iam::<12-digit account id>:role/<role name>",
                "PrometheusSink.aws.role.session.name: 'a' must be 2 to 64 characters of letters, digits and "
                        + "+=,.@_-",
                "PrometheusSink.aws.role.external.id: must be 2 to 1224 characters of letters, digits and "
                        + "+=,.@:/_- (got 1 characters)");
    }

    @Test
    void shouldRejectARegionOverrideThatContradictsTheWorkspaceUrl() {
        region = "us-east-1";

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly("PrometheusSink.aws.region: 'us-east-1' differs from the region of "
                + "the workspace URL ('eu-west-1'); AMP rejects signatures for another region, so remove the key "
                + "or fix it");
    }

    @Test
    void shouldAcceptARegionOverrideThatAgreesWithTheWorkspaceUrl() {
        region = "eu-west-1";

        assertThat(resolve()).isInstanceOf(AmpRequestSigner.class);
        assertThat(problems).isEmpty();
    }

    @Test
    void shouldReportRoleDetailsGivenWithoutARole() {
        sessionName = "vehicle-telemetry";
        externalId = "fleetpulse-2f9c";

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly(
                "PrometheusSink.aws.role.session.name: is set but PrometheusSink.aws.role.arn is not; it only "
                        + "applies when assuming a role",
                "PrometheusSink.aws.role.external.id: is set but PrometheusSink.aws.role.arn is not; it only "
                        + "applies when assuming a role");
    }

    @Test
    void shouldReportSettingsTheChosenModeIgnores() {
        mode = "bearer";
        bearerToken = "s3cr3t-token";
        roleArn = ROLE_ARN;
        basicUser = "fleet";

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly(
                "PrometheusSink.aws.role.arn: is set but PrometheusSink.auth.mode is bearer, which does not use it",
                "PrometheusSink.auth.basic.username: is set but PrometheusSink.auth.mode is bearer, which does not "
                        + "use it");
    }

    @Test
    void shouldRequireTheTokenForBearer() {
        mode = "bearer";
        url = LOCAL_URL;

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly(
                "PrometheusSink.auth.bearer.token: is required when PrometheusSink.auth.mode is bearer");
    }

    @Test
    void shouldRequireUserAndPasswordForBasic() {
        mode = "basic";
        url = LOCAL_URL;

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly(
                "PrometheusSink.auth.basic.username: is required when PrometheusSink.auth.mode is basic",
                "PrometheusSink.auth.basic.password: is required when PrometheusSink.auth.mode is basic");
    }

    @Test
    void shouldRejectAColonInTheBasicUser() {
        mode = "basic";
        url = LOCAL_URL;
        basicUser = "fleet:ops";
        basicPassword = "pulse";

        assertThat(resolve()).isNull();
        assertThat(problems).containsExactly("PrometheusSink.auth.basic.username: must not contain ':' (HTTP basic "
                + "authentication separates user and password with it)");
    }

    /** A request that only keeps the headers a signer sets. */
    private static final class HeadersOnly implements SignableRequest {
        private final Map<String, String> headers = new LinkedHashMap<>();

        @Override
        public String method() {
            return "POST";
        }

        @Override
        public URI uri() {
            return URI.create(LOCAL_URL);
        }

        @Override
        public byte[] body() {
            return new byte[0];
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public void setHeader(String name, String value) {
            headers.put(name, value);
        }
    }
}
