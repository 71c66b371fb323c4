package dev.fleetpulse.prometheus.amp;

import dev.fleetpulse.prometheus.http.StaleSignature;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static dev.fleetpulse.prometheus.amp.SigV4Reference.sha256Hex;
import static dev.fleetpulse.prometheus.amp.SigV4Reference.utf8;
import static dev.fleetpulse.prometheus.amp.SigV4ReferenceTest.ACCESS_KEY;
import static dev.fleetpulse.prometheus.amp.SigV4ReferenceTest.SECRET_KEY;
import static dev.fleetpulse.prometheus.amp.SigV4ReferenceTest.headers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AmpRequestSignerTest {

    static final String REGION = "eu-west-1";
    static final String WORKSPACE_PATH = "/workspaces/ws-3f2b8c1e-7d4a-4e2b-9c61-0a5d8e7f1b24/api/v1/remote_write";
    static final URI WORKSPACE_URL = URI.create("https://aps-workspaces.eu-west-1.amazonaws.com" + WORKSPACE_PATH);
    static final Instant T0 = Instant.parse("2025-11-04T09:15:30Z");
    static final Instant T0_PLUS_90S = T0.plusSeconds(90);
    static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN/with+base64=chars==";
    static final AwsSessionCredentials SESSION_CREDENTIALS =
            AwsSessionCredentials.create(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN);
    static final AwsBasicCredentials LONG_TERM_CREDENTIALS = AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY);
    /** Stands for a snappy-compressed WriteRequest: every byte value, so hashing sees the raw bytes. */
    static final byte[] BODY = allByteValues();

    /**
     * The aws-c-auth copy of the test suite's post-x-www-form-urlencoded case with a signed body
     * (tests/aws-signing-test-suite/v4/post-x-www-form-urlencoded/header-signed-request.txt): with
     * x-amz-content-sha256 and Content-Length signed, AWS publishes signature d3875051... The SDK signer, driven the
     * way the sink drives it, must produce exactly that.
     */
    @Test
    void shouldProduceThePublishedSignatureForTheSuitesSignedBodyCase() {
        AmpRequestSigner signer = new AmpRequestSigner("us-east-1", null, "service",
                Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC));

        Map<String, String> added = signer.signatureHeaders("POST", URI.create("https://example.amazonaws.com/"),
                headers("Content-Type", "application/x-www-form-urlencoded", "Content-Length", "13"),
                utf8("Param1=value1"), LONG_TERM_CREDENTIALS);

        assertThat(added).containsExactly(
                Map.entry("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                        + "aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;"
                        + "x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
                Map.entry("X-Amz-Date", "20150830T123600Z"),
                Map.entry("X-Amz-Content-Sha256",
                        "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"));
    }

    @Test
    void shouldSignAnAmpRemoteWriteWithSessionCredentialsExactlyAsTheReferenceDoes() {
        AmpRequestSigner signer = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), SESSION_CREDENTIALS);
        TestRequest request = TestRequest.remoteWrite(WORKSPACE_URL, BODY);

        signer.sign(request);

        SigV4Reference.Signature expected = referenceFor(request, "20251104T091530Z", SESSION_TOKEN);
        assertThat(expected.canonicalRequest()).isEqualTo("POST\n"
                + WORKSPACE_PATH + "\n"
                + "\n"
                + "content-encoding:snappy\n"
                + "content-type:application/x-protobuf\n"
                + "host:aps-workspaces.eu-west-1.amazonaws.com\n"
                + "x-amz-content-sha256:" + sha256Hex(BODY) + "\n"
                + "x-amz-date:20251104T091530Z\n"
                + "x-amz-security-token:" + SESSION_TOKEN + "\n"
                + "x-prometheus-remote-write-version:0.1.0\n"
                + "\n"
                + "content-encoding;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;"
                + "x-prometheus-remote-write-version\n"
                + sha256Hex(BODY));
        assertThat(expected.stringToSign()).startsWith("AWS4-HMAC-SHA256\n20251104T091530Z\n"
                + "20251104/eu-west-1/aps/aws4_request\n");
        assertThat(request.headers()).containsExactly(
                Map.entry("Content-Encoding", "snappy"),
                Map.entry("Content-Type", "application/x-protobuf"),
                Map.entry("User-Agent", "FleetPulse-PrometheusSink/1.0"),
                Map.entry("X-Prometheus-Remote-Write-Version", "0.1.0"),
                Map.entry("Authorization", expected.authorization()),
                Map.entry("X-Amz-Date", "20251104T091530Z"),
                Map.entry("X-Amz-Content-Sha256", sha256Hex(BODY)),
                Map.entry("X-Amz-Security-Token", SESSION_TOKEN));
    }

    @Test
    void shouldSendNoSecurityTokenWhenCredentialsAreLongTerm() {
        AmpRequestSigner signer = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), LONG_TERM_CREDENTIALS);
        TestRequest request = TestRequest.remoteWrite(WORKSPACE_URL, BODY);

        signer.sign(request);

        SigV4Reference.Signature expected = referenceFor(request, "20251104T091530Z", null);
        assertThat(expected.signedHeaders()).isEqualTo("content-encoding;content-type;host;x-amz-content-sha256;"
                + "x-amz-date;x-prometheus-remote-write-version");
        assertThat(request.headers()).doesNotContainKey("X-Amz-Security-Token")
                .containsEntry("Authorization", expected.authorization());
    }

    @Test
    void shouldSignTheHostWithItsPortWhenTheEndpointHasOne() {
        AmpRequestSigner signer = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), LONG_TERM_CREDENTIALS);
        TestRequest request = TestRequest.remoteWrite(URI.create("http://127.0.0.1:9091/api/v1/write"), BODY);

        signer.sign(request);

        SigV4Reference.Signature expected = SigV4Reference.sign("POST", "/api/v1/write", Map.of(),
                headers("Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
                        "Host", "127.0.0.1:9091", "X-Amz-Content-Sha256", sha256Hex(BODY),
                        "X-Amz-Date", "20251104T091530Z", "X-Prometheus-Remote-Write-Version", "0.1.0"),
                sha256Hex(BODY), ACCESS_KEY, SECRET_KEY, REGION, "aps");
        assertThat(request.headers()).containsEntry("Authorization", expected.authorization());
    }

    @Test
    void shouldSignOnAmpsClockAfterItRefusedASignatureAsExpired() {
        AmpRequestSigner signer = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), SESSION_CREDENTIALS);
        TestRequest request = TestRequest.remoteWrite(WORKSPACE_URL, BODY);

        signer.onStaleSignature(new StaleSignature(StaleSignature.Reason.CLOCK_SKEW, OptionalLong.of(90_000)));
        signer.sign(request);

        assertThat(request.headers()).containsEntry("X-Amz-Date", "20251104T091700Z");
        assertThat(request.headers().get("Authorization"))
                .isEqualTo(referenceFor(request, "20251104T091700Z", SESSION_TOKEN).authorization());
    }

    @Test
    void shouldKeepItsClockWhenTheRefusalNamesNoTime() {
        AmpRequestSigner signer = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), SESSION_CREDENTIALS);
        TestRequest request = TestRequest.remoteWrite(WORKSPACE_URL, BODY);

        signer.onStaleSignature(new StaleSignature(StaleSignature.Reason.CLOCK_SKEW, OptionalLong.of(90_000)));
        signer.onStaleSignature(new StaleSignature(StaleSignature.Reason.CLOCK_SKEW, OptionalLong.empty()));
        signer.sign(request);

        assertThat(request.headers()).containsEntry("X-Amz-Date", "20251104T091700Z");
    }

    @Test
    void shouldCarryANewDateAndSignatureWhenTheSameRequestIsSignedAgainLater() {
        MovableClock clock = new MovableClock(T0);
        AmpRequestSigner signer = openedSigner(clock, SESSION_CREDENTIALS);
        TestRequest request = TestRequest.remoteWrite(WORKSPACE_URL, BODY);

        signer.sign(request);
        String firstAuthorization = request.headers().get("Authorization");
        clock.set(T0_PLUS_90S);
        signer.sign(request);

        assertThat(request.headers()).containsEntry("X-Amz-Date", "20251104T091700Z");
        assertThat(request.headers().get("Authorization"))
                .isNotEqualTo(firstAuthorization)
                .isEqualTo(referenceFor(request, "20251104T091700Z", SESSION_TOKEN).authorization());
        assertThat(firstAuthorization)
                .isEqualTo(referenceFor(request, "20251104T091530Z", SESSION_TOKEN).authorization());
    }

    @Test
    void shouldSignWithTheCurrentCredentialsWhenTheProviderRotatesThem() {
        AwsCredentials rotated = AwsSessionCredentials.create("ASIAROTATEDEXAMPLE", "rotated/secret+EXAMPLE",
                "rotated-token");
        Iterator<AwsCredentials> issued = List.<AwsCredentials>of(SESSION_CREDENTIALS, SESSION_CREDENTIALS, rotated)
                .iterator();
        AwsCredentialsProvider rotating = issued::next;
        AmpRequestSigner signer = new AmpRequestSigner(REGION, null, "aps", Clock.fixed(T0, ZoneOffset.UTC));
        signer.open(rotating);
        TestRequest first = TestRequest.remoteWrite(WORKSPACE_URL, BODY);
        TestRequest second = TestRequest.remoteWrite(WORKSPACE_URL, BODY);

        signer.sign(first);
        signer.sign(second);

        assertThat(first.headers().get("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/");
        assertThat(second.headers().get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=ASIAROTATEDEXAMPLE/20251104/eu-west-1/aps/aws4_request");
        assertThat(second.headers()).containsEntry("X-Amz-Security-Token", "rotated-token");
    }

    @Test
    void shouldRefuseToSignWhenNotOpened() {
        AmpRequestSigner signer = new AmpRequestSigner(REGION);

        assertThatThrownBy(() -> signer.sign(TestRequest.remoteWrite(WORKSPACE_URL, BODY)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before open()");
    }

    @Test
    void shouldRefuseToSignWhenClosed() {
        AmpRequestSigner signer = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), SESSION_CREDENTIALS);

        signer.close();

        assertThatThrownBy(() -> signer.sign(TestRequest.remoteWrite(WORKSPACE_URL, BODY)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRejectARegionThatIsNoRegionName() {
        assertThatThrownBy(() -> new AmpRequestSigner("eu-west"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'eu-west' is not an AWS region name such as us-east-1");
    }

    @Test
    void shouldTakeTheRegionFromTheWorkspaceUrlUnlessOverridden() {
        assertThat(AmpRequestSigner.forWorkspace(WORKSPACE_URL.toString(), null, null).region())
                .isEqualTo("eu-west-1");
        assertThat(AmpRequestSigner.forWorkspace("http://127.0.0.1:9091/api/v1/write", "us-west-2", null).region())
                .isEqualTo("us-west-2");
        assertThatThrownBy(() -> AmpRequestSigner.forWorkspace("http://127.0.0.1:9091/api/v1/write", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not an AMP workspace URL");
    }

    @Test
    void shouldSignIdenticallyAfterASerializationRoundTrip() throws Exception {
        AssumeRole role = new AssumeRole("arn:aws:iam::123456789012:role/fleetpulse-amp-writer", "flink-job",
                "fleetpulse-2f9c");
        AmpRequestSigner original = new AmpRequestSigner(REGION, role, "aps", Clock.fixed(T0, ZoneOffset.UTC));

        AmpRequestSigner copy = roundTrip(original);

        assertThat(copy.region()).isEqualTo(REGION);
        assertThat(copy.assumeRole()).isEqualTo(role);
        assertThat(copy).hasToString("AmpRequestSigner[service=aps, region=eu-west-1, AssumeRole[roleArn="
                + "arn:aws:iam::123456789012:role/fleetpulse-amp-writer, sessionName=flink-job, externalId=***]]");
        original.open(StaticCredentialsProvider.create(SESSION_CREDENTIALS));
        copy.open(StaticCredentialsProvider.create(SESSION_CREDENTIALS));
        TestRequest signedByOriginal = TestRequest.remoteWrite(WORKSPACE_URL, BODY);
        TestRequest signedByCopy = TestRequest.remoteWrite(WORKSPACE_URL, BODY);
        original.sign(signedByOriginal);
        copy.sign(signedByCopy);
        assertThat(signedByCopy.headers()).isEqualTo(signedByOriginal.headers());
    }

    @Test
    void shouldShipNoCredentialsWhenSerializedAfterOpen() throws Exception {
        AmpRequestSigner opened = openedSigner(Clock.fixed(T0, ZoneOffset.UTC), SESSION_CREDENTIALS);

        AmpRequestSigner copy = roundTrip(opened);

        assertThatThrownBy(() -> copy.sign(TestRequest.remoteWrite(WORKSPACE_URL, BODY)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("before open()");
    }

    static AmpRequestSigner openedSigner(Clock clock, AwsCredentials credentials) {
        AmpRequestSigner signer = new AmpRequestSigner(REGION, null, "aps", clock);
        signer.open(StaticCredentialsProvider.create(credentials));
        return signer;
    }

    /** What the reference computes for the headers the sink sent plus the ones the signer must add and sign. */
    static SigV4Reference.Signature referenceFor(TestRequest request, String amzDate, String sessionToken) {
        Map<String, String> signed = headers("Content-Encoding", "snappy", "Content-Type", "application/x-protobuf",
                "Host", request.uri().getHost(), "X-Amz-Content-Sha256", sha256Hex(request.body()),
                "X-Amz-Date", amzDate, "X-Prometheus-Remote-Write-Version", "0.1.0");
        if (sessionToken != null) {
            signed.put("X-Amz-Security-Token", sessionToken);
        }
        return SigV4Reference.sign("POST", request.uri().getRawPath(), Map.of(), signed, sha256Hex(request.body()),
                ACCESS_KEY, SECRET_KEY, REGION, "aps");
    }

    static AmpRequestSigner roundTrip(AmpRequestSigner signer) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(signer);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (AmpRequestSigner) in.readObject();
        }
    }

    private static byte[] allByteValues() {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        return body;
    }

    /** A clock a test moves by hand, to sign the same request at two instants. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a UTC test clock");
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
