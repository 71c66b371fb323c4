package dev.fleetpulse.prometheus.amp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.fleetpulse.prometheus.amp.SigV4Reference.sha256Hex;
import static dev.fleetpulse.prometheus.amp.SigV4Reference.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pins the test oracle {@link SigV4Reference} to figures AWS published, so that the signer tests comparing the SDK
 * against it compare against SigV4 itself.
 *
 * <p>Sources (figures only): the AWS Signature Version 4 test suite
 * (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; the same cases with their context
 * files are in github.com/awslabs/aws-c-auth, tests/aws-signing-test-suite/v4/&lt;case&gt;/), cases get-vanilla,
 * post-x-www-form-urlencoded, get-vanilla-with-session-token and post-sts-header-before; and the worked IAM
 * ListUsers example of the AWS General Reference, "Signature Version 4 signing process"
 * (https://docs.aws.amazon.com/general/latest/gr/sigv4-create-canonical-request.html and the pages after it).
 * All use access key AKIDEXAMPLE, secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY and 2015-08-30T12:36:00Z.
 */
class SigV4ReferenceTest {

    static final String ACCESS_KEY = "AKIDEXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final String AMZ_DATE = "20150830T123600Z";
    static final String SUITE_HOST = "example.amazonaws.com";
    static final String EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void shouldReproduceGetVanillaFromTheTestSuite() {
        SigV4Reference.Signature s = SigV4Reference.sign("GET", "/", Map.of(),
                headers("Host", SUITE_HOST, "X-Amz-Date", AMZ_DATE), EMPTY_BODY_SHA256,
                ACCESS_KEY, SECRET_KEY, "us-east-1", "service");

        assertThat(s.canonicalRequest()).isEqualTo("""
                GET
                /

                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
        assertThat(s.stringToSign()).isEqualTo("""
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63""");
        assertThat(s.authorization()).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                + "aws4_request, SignedHeaders=host;x-amz-date, "
                + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    @Test
    void shouldReproducePostFormUrlencodedFromTheTestSuite() {
        String bodyHash = sha256Hex(utf8("Param1=value1"));

        SigV4Reference.Signature s = SigV4Reference.sign("POST", "/", Map.of(),
                headers("Content-Type", "application/x-www-form-urlencoded", "Host", SUITE_HOST,
                        "X-Amz-Date", AMZ_DATE),
                bodyHash, ACCESS_KEY, SECRET_KEY, "us-east-1", "service");

        assertThat(bodyHash).isEqualTo("9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
        assertThat(s.canonicalRequest()).isEqualTo("""
                POST
                /

                content-type:application/x-www-form-urlencoded
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e""");
        assertThat(s.stringToSign()).isEqualTo("""
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/service/aws4_request
                42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281""");
        assertThat(s.signature()).isEqualTo("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
    }

    @Test
    void shouldReproduceTheIamListUsersExample() {
        SigV4Reference.Signature s = SigV4Reference.sign("GET", "/",
                Map.of("Version", "2010-05-08", "Action", "ListUsers"),
                headers("Content-Type", "application/x-www-form-urlencoded; charset=utf-8",
                        "Host", "iam.amazonaws.com", "X-Amz-Date", AMZ_DATE),
                EMPTY_BODY_SHA256, ACCESS_KEY, SECRET_KEY, "us-east-1", "iam");

        assertThat(s.canonicalRequest()).isEqualTo("""
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
        assertThat(s.stringToSign()).endsWith("\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
        assertThat(s.signingKeyHex()).isEqualTo("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        assertThat(s.signature()).isEqualTo("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    }

    @Test
    void shouldReproduceGetVanillaWithSessionTokenFromTheTestSuite() {
        SigV4Reference.Signature s = SigV4Reference.sign("GET", "/", Map.of(),
                headers("Host", SUITE_HOST, "X-Amz-Date", AMZ_DATE, "X-Amz-Security-Token",
                        "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
                EMPTY_BODY_SHA256, ACCESS_KEY, SECRET_KEY, "us-east-1", "service");

        assertThat(s.authorization()).isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
                + "aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, "
                + "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8");
    }

    @Test
    void shouldReproducePostStsHeaderBeforeFromTheTestSuite() {
        SigV4Reference.Signature s = SigV4Reference.sign("POST", "/", Map.of(),
                headers("Host", SUITE_HOST, "X-Amz-Date", AMZ_DATE, "X-Amz-Security-Token", SUITE_STS_TOKEN),
                EMPTY_BODY_SHA256, ACCESS_KEY, SECRET_KEY, "us-east-1", "service");

        assertThat(s.signedHeaders()).isEqualTo("host;x-amz-date;x-amz-security-token");
        assertThat(s.signature()).isEqualTo("85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
    }

    /** The session token of the post-sts-* cases of the test suite. */
    static final String SUITE_STS_TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWH"
            + "GBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KP"
            + "kyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDr"
            + "ypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return headers;
    }
}
