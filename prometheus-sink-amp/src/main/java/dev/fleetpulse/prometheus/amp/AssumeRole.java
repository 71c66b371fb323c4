package dev.fleetpulse.prometheus.amp;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * The IAM role the signer assumes through STS before signing, e.g. a role in the account that owns the AMP
 * workspace when the Flink application runs in another account.
 *
 * @param roleArn {@code arn:aws:iam::<account>:role/<name>}
 * @param sessionName the role session name, visible in CloudTrail
 * @param externalId the external id the role's trust policy requires, or null when it requires none
 */
public record AssumeRole(String roleArn, String sessionName, String externalId) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String DEFAULT_SESSION_NAME = "fleetpulse-prometheus-sink";

    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    /** STS limits: 2 to 64 characters of this set for session names, 2 to 1224 for external ids. */
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    public AssumeRole {
        if (!isRoleArn(roleArn)) {
            throw new IllegalArgumentException("'" + roleArn + "' is not an IAM role ARN; expected "
                    + "arn:aws:iam::<12-digit account>:role/<role name>");
        }
        if (!isSessionName(sessionName)) {
            throw new IllegalArgumentException("role session name '" + sessionName + "' must be 2 to 64 characters "
                    + "of letters, digits and +=,.@_-");
        }
        if (externalId != null && !isExternalId(externalId)) {
            throw new IllegalArgumentException("external id must be 2 to 1224 characters of letters, digits and "
                    + "+=,.@:/_- (got " + externalId.length() + " characters)");
        }
    }

    /** Assumes {@code roleArn} with the {@linkplain #DEFAULT_SESSION_NAME default session name} and no external id. */
    public static AssumeRole of(String roleArn) {
        return new AssumeRole(roleArn, DEFAULT_SESSION_NAME, null);
    }

    public static boolean isRoleArn(String value) {
        return value != null && ROLE_ARN.matcher(value).matches();
    }

    public static boolean isSessionName(String value) {
        return value != null && SESSION_NAME.matcher(value).matches();
    }

    public static boolean isExternalId(String value) {
        return value != null && EXTERNAL_ID.matcher(value).matches();
    }

    /** The external id is a shared secret of sorts (it guards against the confused-deputy problem): never logged. */
    @Override
    public String toString() {
        return "AssumeRole[roleArn=" + roleArn + ", sessionName=" + sessionName
                + (externalId == null ? "" : ", externalId=***") + "]";
    }
}
