package dev.fleetpulse.jobs.prometheus;

import dev.fleetpulse.prometheus.amp.AmpRequestSigner;
import dev.fleetpulse.prometheus.amp.AmpWorkspaceUrl;
import dev.fleetpulse.prometheus.amp.AssumeRole;
import dev.fleetpulse.prometheus.http.BasicAuthSigner;
import dev.fleetpulse.prometheus.http.BearerTokenSigner;
import dev.fleetpulse.prometheus.http.RequestSigner;

import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Chooses the remote-write authentication of a job from its {@code PrometheusSink} configuration: the one place
 * where configuration becomes a {@link RequestSigner}. The core sink only takes a signer, and
 * {@code prometheus-sink-amp} only signs for AWS.
 *
 * <pre>{@code
 * RequestSigner signer = PrometheusAuth.fromSettings(mode, url, region, roleArn, sessionName, externalId,
 *         bearerToken, basicUser, basicPassword, config::problem);
 * }</pre>
 */
public final class PrometheusAuth {

    public static final String MODE_KEY = "PrometheusSink.auth.mode";
    public static final String ENDPOINT_URL_KEY = "PrometheusSink.endpoint.url";
    public static final String REGION_KEY = "PrometheusSink.aws.region";
    public static final String ROLE_ARN_KEY = "PrometheusSink.aws.role.arn";
    public static final String ROLE_SESSION_NAME_KEY = "PrometheusSink.aws.role.session.name";
    public static final String EXTERNAL_ID_KEY = "PrometheusSink.aws.role.external.id";
    public static final String BEARER_TOKEN_KEY = "PrometheusSink.auth.bearer.token";
    public static final String BASIC_USERNAME_KEY = "PrometheusSink.auth.basic.username";
    public static final String BASIC_PASSWORD_KEY = "PrometheusSink.auth.basic.password";

    /** How requests are authenticated. */
    public enum Mode {
        /** No authentication headers. */
        NONE,
        /** AWS Signature Version 4 for Amazon Managed Service for Prometheus. */
        SIGV4,
        /** {@code Authorization: Bearer <token>}. */
        BEARER,
        /** HTTP basic authentication. */
        BASIC;

        String configValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private PrometheusAuth() {
    }

    /**
     * Builds the request signer the settings ask for. Every argument is the raw configuration value, null when the
     * key is absent. Without a mode, an AMP workspace URL means {@code sigv4} and anything else {@code none}.
     *
     * @param problems receives {@code (full key name, message)} for every problem found (all of them, not just the
     *     first); a job passes its {@code ConfigReader::problem}
     * @return the signer, or null for mode {@code none} or when a problem was reported
     */
    public static RequestSigner fromSettings(String mode, String endpointUrl, String region, String roleArn,
            String roleSessionName, String externalId, String bearerToken, String basicUser, String basicPassword,
            BiConsumer<String, String> problems) {
        Mode resolved = resolveMode(mode, endpointUrl, problems);
        if (resolved == null) {
            return null;
        }
        Reporter reporter = new Reporter(problems);
        if (resolved != Mode.SIGV4) {
            reporter.unused(REGION_KEY, region, resolved);
            reporter.unused(ROLE_ARN_KEY, roleArn, resolved);
            reporter.unused(ROLE_SESSION_NAME_KEY, roleSessionName, resolved);
            reporter.unused(EXTERNAL_ID_KEY, externalId, resolved);
        }
        if (resolved != Mode.BEARER) {
            reporter.unused(BEARER_TOKEN_KEY, bearerToken, resolved);
        }
        if (resolved != Mode.BASIC) {
            reporter.unused(BASIC_USERNAME_KEY, basicUser, resolved);
            reporter.unused(BASIC_PASSWORD_KEY, basicPassword, resolved);
        }
        RequestSigner signer = switch (resolved) {
            case NONE -> null;
            case SIGV4 -> sigV4(endpointUrl, region, roleArn, roleSessionName, externalId, reporter);
            case BEARER -> bearer(bearerToken, reporter);
            case BASIC -> basic(basicUser, basicPassword, reporter);
        };
        return reporter.found ? null : signer;
    }

    private static Mode resolveMode(String mode, String endpointUrl, BiConsumer<String, String> problems) {
        if (mode == null || mode.isBlank()) {
            return AmpWorkspaceUrl.isAmpHost(endpointUrl) ? Mode.SIGV4 : Mode.NONE;
        }
        for (Mode m : Mode.values()) {
            if (m.configValue().equalsIgnoreCase(mode.strip())) {
                return m;
            }
        }
        problems.accept(MODE_KEY, "must be one of none, sigv4, bearer, basic (got '" + mode + "'); without it, "
                + "an AMP workspace URL means sigv4 and any other URL none");
        return null;
    }

    private static RequestSigner sigV4(String endpointUrl, String region, String roleArn, String roleSessionName,
            String externalId, Reporter reporter) {
        boolean ampHost = AmpWorkspaceUrl.isAmpHost(endpointUrl);
        String urlRegion = null;
        if (ampHost) {
            try {
                urlRegion = AmpWorkspaceUrl.parse(endpointUrl).region();
            } catch (IllegalArgumentException e) {
                reporter.problem(ENDPOINT_URL_KEY, e.getMessage());
            }
        }
        String signingRegion = urlRegion;
        if (region != null) {
            if (!AmpWorkspaceUrl.isRegionName(region)) {
                reporter.problem(REGION_KEY, "'" + region + "' is not an AWS region name such as us-east-1");
            } else if (urlRegion != null && !urlRegion.equals(region)) {
                reporter.problem(REGION_KEY, "'" + region + "' differs from the region of the workspace URL ('"
                        + urlRegion + "'); AMP rejects signatures for another region, so remove the key or fix it");
            } else {
                signingRegion = region;
            }
        } else if (!ampHost) {
            reporter.problem(REGION_KEY, "is required for sigv4 when " + ENDPOINT_URL_KEY + " is not an AMP "
                    + "workspace URL (https://aps-workspaces.<region>.amazonaws.com/...) to take the region from");
        }
        AssumeRole assumeRole = null;
        if (roleArn == null) {
            reporter.requiresRole(ROLE_SESSION_NAME_KEY, roleSessionName);
            reporter.requiresRole(EXTERNAL_ID_KEY, externalId);
        } else {
            String sessionName = roleSessionName == null ? AssumeRole.DEFAULT_SESSION_NAME : roleSessionName;
            boolean valid = true;
            if (!AssumeRole.isRoleArn(roleArn)) {
                reporter.problem(ROLE_ARN_KEY, "'" + roleArn + "' is not an IAM role ARN; expected "
                        + "arn:aws:iam::<12-digit account id>:role/<role name>");
                valid = false;
            }
            if (!AssumeRole.isSessionName(sessionName)) {
                reporter.problem(ROLE_SESSION_NAME_KEY, "'" + sessionName + "' must be 2 to 64 characters of "
                        + "letters, digits and +=,.@_-");
                valid = false;
            }
            if (externalId != null && !AssumeRole.isExternalId(externalId)) {
                reporter.problem(EXTERNAL_ID_KEY, "must be 2 to 1224 characters of letters, digits and +=,.@:/_- "
                        + "(got " + externalId.length() + " characters)");
                valid = false;
            }
            if (valid) {
                assumeRole = new AssumeRole(roleArn, sessionName, externalId);
            }
        }
        return reporter.found ? null : new AmpRequestSigner(signingRegion, assumeRole);
    }

    private static RequestSigner bearer(String token, Reporter reporter) {
        if (token == null || token.isBlank()) {
            reporter.problem(BEARER_TOKEN_KEY, "is required when " + MODE_KEY + " is bearer");
            return null;
        }
        return new BearerTokenSigner(token);
    }

    private static RequestSigner basic(String user, String password, Reporter reporter) {
        if (user == null || user.isEmpty()) {
            reporter.problem(BASIC_USERNAME_KEY, "is required when " + MODE_KEY + " is basic");
        } else if (user.indexOf(':') >= 0) {
            reporter.problem(BASIC_USERNAME_KEY, "must not contain ':' (HTTP basic authentication separates "
                    + "user and password with it)");
        }
        if (password == null) {
            reporter.problem(BASIC_PASSWORD_KEY, "is required when " + MODE_KEY + " is basic");
        }
        return reporter.found ? null : new BasicAuthSigner(user, password);
    }

    /** Forwards problems and remembers whether there were any. */
    private static final class Reporter {
        private final BiConsumer<String, String> sink;
        private boolean found;

        Reporter(BiConsumer<String, String> sink) {
            this.sink = sink;
        }

        void problem(String key, String message) {
            found = true;
            sink.accept(key, message);
        }

        /** A value that the chosen mode ignores is most likely a mistake (a half-finished switch of mode). */
        void unused(String key, String value, Mode mode) {
            if (value != null) {
                problem(key, "is set but " + MODE_KEY + " is " + mode.configValue() + ", which does not use it");
            }
        }

        void requiresRole(String key, String value) {
            if (value != null) {
                problem(key, "is set but " + ROLE_ARN_KEY + " is not; it only applies when assuming a role");
            }
        }
    }
}
