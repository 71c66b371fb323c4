package dev.fleetpulse.prometheus.amp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An independent, deliberately plain implementation of AWS Signature Version 4 (header signing), written from the
 * published algorithm, so tests can see the canonical request and string to sign that the SDK signer keeps to
 * itself. It is pinned to AWS's published test-suite figures in {@link SigV4ReferenceTest}, then used as the oracle
 * for requests no published example covers.
 */
final class SigV4Reference {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    /** Every intermediate of one signature. */
    record Signature(String canonicalRequest, String stringToSign, String signingKeyHex, String signedHeaders,
            String signature, String authorization) {
    }

    private SigV4Reference() {
    }

    /**
     * Signs a request whose every header in {@code headers} (names in any case, {@code host} and
     * {@code x-amz-date} included) is signed.
     *
     * @param canonicalPath the path, already URI-encoded as it appears on the wire
     * @param query query parameters (unencoded); sorted and encoded here
     */
    static Signature sign(String method, String canonicalPath, Map<String, String> query, Map<String, String> headers,
            String payloadHashHex, String accessKeyId, String secretAccessKey, String region, String service) {
        SortedMap<String, String> canonicalHeaders = new TreeMap<>();
        headers.forEach((name, value) -> canonicalHeaders.put(name.toLowerCase(Locale.ROOT),
                value.strip().replaceAll(" +", " ")));
        String amzDate = canonicalHeaders.get("x-amz-date");
        if (amzDate == null) {
            throw new IllegalArgumentException("x-amz-date must be among the signed headers");
        }
        String signedHeaders = String.join(";", canonicalHeaders.keySet());
        String canonicalRequest = method + "\n"
                + canonicalPath + "\n"
                + canonicalQuery(query) + "\n"
                + canonicalHeaders.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue() + "\n")
                        .collect(Collectors.joining())
                + "\n"
                + signedHeaders + "\n"
                + payloadHashHex;
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(utf8(canonicalRequest));
        byte[] key = signingKey(secretAccessKey, date, region, service);
        String signature = HexFormat.of().formatHex(hmac(key, stringToSign));
        String authorization = ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders="
                + signedHeaders + ", Signature=" + signature;
        return new Signature(canonicalRequest, stringToSign, HexFormat.of().formatHex(key), signedHeaders, signature,
                authorization);
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] signingKey(String secret, String date, String region, String service) {
        byte[] key = hmac(utf8("AWS4" + secret), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    private static String canonicalQuery(Map<String, String> query) {
        return new TreeMap<>(query).entrySet().stream()
                .map(e -> uriEncode(e.getKey()) + "=" + uriEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** RFC 3986 percent-encoding of everything but the unreserved characters, as SigV4 requires. */
    private static String uriEncode(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : utf8(s)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(utf8(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
