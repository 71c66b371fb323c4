package dev.fleetpulse.prometheus.amp;

import dev.fleetpulse.prometheus.http.RequestSigner;
import dev.fleetpulse.prometheus.http.SignableRequest;
import dev.fleetpulse.prometheus.http.StaleSignature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Signs remote-write requests for Amazon Managed Service for Prometheus with AWS Signature Version 4 (service
 * {@code aps}), using the AWS SDK's own signer.
 *
 * <p>Every call to {@link #sign} takes the current time and current credentials, so each attempt of a request,
 * retries included, carries a fresh {@code X-Amz-Date} and signature (AWS rejects signatures older than about five
 * minutes, and a request can be retried for longer than that). It sets {@code Authorization}, {@code X-Amz-Date},
 * {@code X-Amz-Content-Sha256} (the SHA-256 of the exact body bytes) and, for temporary credentials,
 * {@code X-Amz-Security-Token}.
 *
 * <p>Credentials come from the SDK's default chain (environment, system properties, profile, web identity,
 * container and instance roles: on Managed Service for Apache Flink, the application's service role), optionally
 * exchanged through STS for an {@link AssumeRole assumed role}. Both refresh in the background before they
 * expire. The signer itself holds only configuration: the credential providers are created in {@link #open()} on
 * the task manager and never serialized.
 *
 * <p>When AMP refuses an attempt as signed too long ago or ahead ({@code Signature expired}, {@code Signature not yet
 * current}, {@code RequestTimeTooSkewed}), the signer signs on AMP's clock from then on, as the answer's {@code Date}
 * header gives it; when it refuses an expired session token, the signer builds its credential providers anew, which
 * resolves fresh credentials (at most once per {@value #MIN_REFRESH_INTERVAL_SECONDS} seconds, as several lanes may
 * meet the same expiry together).
 */
public final class AmpRequestSigner implements RequestSigner {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AmpRequestSigner.class);

    /** The SigV4 service name of Amazon Managed Service for Prometheus. */
    public static final String SERVICE_NAME = "aps";

    /** Stateless and thread-safe. */
    private static final AwsV4HttpSigner SIGV4 = AwsV4HttpSigner.create();
    /** The headers a signature consists of; everything else the sink sends is left as it is. */
    private static final List<String> SIGNATURE_HEADERS =
            List.of("Authorization", "X-Amz-Date", "X-Amz-Content-Sha256", "X-Amz-Security-Token");

    static final long MIN_REFRESH_INTERVAL_SECONDS = 10;

    private final String region;
    private final AssumeRole assumeRole;
    private final String serviceName;
    private final Clock clock;

    private transient AwsCredentialsProvider credentials;
    /** AMP's clock minus ours, learned from a refusal of a stale signature; every signature is made on AMP's time. */
    private transient volatile long clockOffsetMillis;
    private transient long lastRefreshNanos;
    /** Closed in reverse order of creation: the assumed-role provider before the STS client it uses. */
    private transient Deque<SdkAutoCloseable> resources;

    /** Signs for {@code region} with credentials from the default chain. */
    public AmpRequestSigner(String region) {
        this(region, null);
    }

    /** Signs for {@code region}, assuming {@code assumeRole} (null: use the default chain's credentials directly). */
    public AmpRequestSigner(String region, AssumeRole assumeRole) {
        this(region, assumeRole, SERVICE_NAME, Clock.systemUTC());
    }

    /**
     * For tests that fix or move the signing time, or sign for another service to compare with AWS's published
     * examples. The clock is serialized with the signer.
     */
    AmpRequestSigner(String region, AssumeRole assumeRole, String serviceName, Clock clock) {
        if (!AmpWorkspaceUrl.isRegionName(region)) {
            throw new IllegalArgumentException("'" + region + "' is not an AWS region name such as us-east-1");
        }
        this.region = region;
        this.assumeRole = assumeRole;
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A signer for an AMP workspace URL: the region comes from the URL unless {@code regionOverride} is given.
     *
     * @throws IllegalArgumentException when the URL is not an AMP workspace URL and no region is given
     */
    public static AmpRequestSigner forWorkspace(String workspaceUrl, String regionOverride, AssumeRole assumeRole) {
        String region = regionOverride != null ? regionOverride : AmpWorkspaceUrl.parse(workspaceUrl).region();
        return new AmpRequestSigner(region, assumeRole);
    }

    public String region() {
        return region;
    }

    /** The role assumed before signing, or null. */
    public AssumeRole assumeRole() {
        return assumeRole;
    }

    /**
     * Creates the credential providers and resolves credentials once, so a deployment without usable credentials
     * fails when the job starts, with the SDK's explanation, rather than on every write.
     */
    @Override
    public void open() {
        resources = new ArrayDeque<>();
        DefaultCredentialsProvider defaultChain = DefaultCredentialsProvider.builder()
                .asyncCredentialUpdateEnabled(true)
                .build();
        resources.push(defaultChain);
        AwsCredentialsProvider provider = defaultChain;
        if (assumeRole != null) {
            StsClient sts = StsClient.builder()
                    .region(Region.of(region))
                    .credentialsProvider(defaultChain)
                    .httpClientBuilder(UrlConnectionHttpClient.builder())
                    .build();
            resources.push(sts);
            StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(r -> r.roleArn(assumeRole.roleArn())
                            .roleSessionName(assumeRole.sessionName())
                            .externalId(assumeRole.externalId()))
                    .asyncCredentialUpdateEnabled(true)
                    .build();
            resources.push(assumed);
            provider = assumed;
        }
        try {
            open(provider);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens with the given credentials instead of the default chain (tests use static credentials). */
    void open(AwsCredentialsProvider provider) {
        this.credentials = provider;
        AwsCredentialsIdentity first = provider.resolveCredentials();
        LOG.info("Signing remote-write requests with SigV4: service={}, region={}, credentials={}, {}", serviceName,
                region, assumeRole == null ? "default chain" : "assumed role " + assumeRole.roleArn(),
                first.expirationTime().map(t -> "temporary, expiring " + t)
                        .orElse(first instanceof AwsSessionCredentialsIdentity ? "temporary" : "long-term"));
    }

    @Override
    public void sign(SignableRequest request) {
        if (credentials == null) {
            throw new IllegalStateException("AmpRequestSigner.sign called before open()");
        }
        signatureHeaders(request.method(), request.uri(), request.headers(), request.body(),
                credentials.resolveCredentials()).forEach(request::setHeader);
    }

    @Override
    public void onStaleSignature(StaleSignature staleSignature) {
        if (staleSignature.clockOffsetMillis().isPresent()) {
            long offset = staleSignature.clockOffsetMillis().getAsLong();
            LOG.warn("AMP refused a signature as {}; its clock minus this task manager's is {} ms: signing on its"
                    + " time from now on (check the task manager's clock: NTP)", staleSignature.reason(), offset);
            clockOffsetMillis = offset;
        }
        if (staleSignature.reason() == StaleSignature.Reason.EXPIRED_TOKEN) {
            refreshCredentials();
        }
    }

    /** Builds the credential providers anew: a provider that still holds an expired session token resolves again. */
    private void refreshCredentials() {
        long now = System.nanoTime();
        if (lastRefreshNanos != 0 && now - lastRefreshNanos < TimeUnit.SECONDS.toNanos(MIN_REFRESH_INTERVAL_SECONDS)) {
            return;
        }
        lastRefreshNanos = now;
        LOG.warn("AMP refused the session token as expired: resolving credentials anew");
        close();
        open();
    }

    /**
     * Signs a request at the clock's current instant and returns the signature headers to add, in the order of
     * {@link #SIGNATURE_HEADERS}. Every other header in {@code headers} is covered by the signature except those the
     * SDK never signs (such as {@code User-Agent}); {@code Host} is derived from the URI, as HTTP clients do.
     */
    Map<String, String> signatureHeaders(String method, URI uri, Map<String, String> headers, byte[] body,
            AwsCredentialsIdentity identity) {
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri);
        headers.forEach((name, value) -> {
            // A signature left from an earlier attempt must neither be signed nor survive next to the new one.
            if (SIGNATURE_HEADERS.stream().noneMatch(name::equalsIgnoreCase)) {
                unsigned.putHeader(name, value);
            }
        });
        SignedRequest signed = SIGV4.sign(r -> r.identity(identity)
                .request(unsigned.build())
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, serviceName)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, signingClock()));
        Map<String, String> added = new LinkedHashMap<>();
        for (String name : SIGNATURE_HEADERS) {
            signed.request().firstMatchingHeader(name).ifPresent(value -> added.put(name, value));
        }
        return added;
    }

    private Clock signingClock() {
        long offset = clockOffsetMillis;
        return offset == 0 ? clock : Clock.offset(clock, Duration.ofMillis(offset));
    }

    @Override
    public void close() {
        if (resources != null) {
            resources.forEach(SdkAutoCloseable::close);
            resources = null;
        }
        credentials = null;
    }

    @Override
    public String toString() {
        return "AmpRequestSigner[service=" + serviceName + ", region=" + region
                + (assumeRole == null ? ", credentials=default chain" : ", " + assumeRole) + "]";
    }
}
