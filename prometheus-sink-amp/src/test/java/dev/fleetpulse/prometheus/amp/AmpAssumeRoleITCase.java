package dev.fleetpulse.prometheus.amp;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The assume-role path end to end, offline: the signer opens with the default chain (static credentials in the
 * {@code aws.*} system properties), calls STS {@code AssumeRole} on a stand-in STS endpoint on 127.0.0.1 (through
 * the SDK's standard {@code aws.endpointUrlSts} override), and signs remote-write requests with the role's
 * temporary credentials.
 */
class AmpAssumeRoleITCase {

    static final String BASE_ACCESS_KEY = "AKIAFLEETPULSEBASE";
    static final String ROLE_ARN = "arn:aws:iam::222222222222:role/fleetpulse-amp-writer";
    static final String ASSUMED_ACCESS_KEY = "ASIAFLEETPULSEASSUMED";
    static final String ASSUMED_TOKEN = "FwoGZXIvYXdzEXAMPLEassumedRoleToken==";
    static final URI WORKSPACE_URL = AmpRequestSignerTest.WORKSPACE_URL;
    static final String[] PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken",
            "aws.endpointUrlSts"};

    private final Properties saved = new Properties();
    private final List<StsCall> stsCalls = new CopyOnWriteArrayList<>();
    private HttpServer sts;

    /** One AssumeRole call as the stand-in STS received it. */
    record StsCall(String authorization, Map<String, String> form) {
    }

    @BeforeEach
    void startStandInStsAndSetBaseCredentials() throws IOException {
        sts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        sts.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            stsCalls.add(new StsCall(exchange.getRequestHeaders().getFirst("Authorization"), form(body)));
            byte[] answer = assumeRoleResponse().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        sts.start();
        for (String key : PROPERTIES) {
            if (System.getProperty(key) != null) {
                saved.setProperty(key, System.getProperty(key));
            }
            System.clearProperty(key);
        }
        System.setProperty("aws.accessKeyId", BASE_ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", "fleetpulse/base+secret/EXAMPLEKEY");
        System.setProperty("aws.endpointUrlSts", "http://127.0.0.1:" + sts.getAddress().getPort());
    }

    @AfterEach
    void stopStandInStsAndRestoreProperties() {
        sts.stop(0);
        for (String key : PROPERTIES) {
            System.clearProperty(key);
        }
        saved.forEach((key, value) -> System.setProperty((String) key, (String) value));
    }

    @Test
    void shouldSignWithTheAssumedRolesCredentialsWhenARoleIsConfigured() {
        AmpRequestSigner signer = new AmpRequestSigner("eu-west-1",
                new AssumeRole(ROLE_ARN, "vehicle-telemetry", "fleetpulse-2f9c"));
        TestRequest request = TestRequest.remoteWrite(WORKSPACE_URL, AmpRequestSignerTest.BODY);

        signer.open();
        try {
            signer.sign(request);
        } finally {
            signer.close();
        }

        assertThat(stsCalls).hasSize(1);
        StsCall call = stsCalls.get(0);
        assertThat(call.form()).containsEntry("Action", "AssumeRole")
                .containsEntry("RoleArn", ROLE_ARN)
                .containsEntry("RoleSessionName", "vehicle-telemetry")
                .containsEntry("ExternalId", "fleetpulse-2f9c");
        assertThat(call.authorization()).as("STS is called with the default chain's credentials, in the region")
                .startsWith("AWS4-HMAC-SHA256 Credential=" + BASE_ACCESS_KEY + "/")
                .contains("/eu-west-1/sts/aws4_request");
        assertThat(request.headers().get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=" + ASSUMED_ACCESS_KEY + "/")
                .contains("/eu-west-1/aps/aws4_request");
        assertThat(request.headers()).containsEntry("X-Amz-Security-Token", ASSUMED_TOKEN);
    }

    @Test
    void shouldSendNoExternalIdWhenTheRoleRequiresNone() {
        AmpRequestSigner signer = new AmpRequestSigner("eu-west-1", AssumeRole.of(ROLE_ARN));

        signer.open();
        signer.close();

        assertThat(stsCalls).hasSize(1);
        assertThat(stsCalls.get(0).form()).containsEntry("RoleSessionName", "fleetpulse-prometheus-sink")
                .doesNotContainKey("ExternalId");
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&"))
                .map(pair -> pair.split("=", 2))
                .collect(Collectors.toMap(kv -> decode(kv[0]), kv -> kv.length > 1 ? decode(kv[1]) : ""));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The shape of STS's AssumeRole answer (query protocol, XML), with credentials valid far into the future. */
    private static String assumeRoleResponse() {
        return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                + "<Credentials><AccessKeyId>" + ASSUMED_ACCESS_KEY + "</AccessKeyId>"
                + "<SecretAccessKey>assumed/role+secret/EXAMPLEKEY</SecretAccessKey>"
                + "<SessionToken>" + ASSUMED_TOKEN + "</SessionToken>"
                + "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                + "<AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/fleetpulse-amp-writer/x</Arn>"
                + "<AssumedRoleId>AROAEXAMPLEID:x</AssumedRoleId></AssumedRoleUser>"
                + "</AssumeRoleResult><ResponseMetadata><RequestId>fleetpulse-test</RequestId></ResponseMetadata>"
                + "</AssumeRoleResponse>";
    }
}
