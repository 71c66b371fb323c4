package dev.fleetpulse.prometheus.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Adds HTTP basic authentication ({@code Authorization: Basic base64(user:password)}) to every request. */
public final class BasicAuthSigner implements RequestSigner {

    private final String username;
    /** Precomputed once: the header value never changes. */
    private final String headerValue;

    public BasicAuthSigner(String username, String password) {
        if (username == null || username.isEmpty() || username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("basicAuth username must be non-empty and must not contain ':'");
        }
        if (password == null) {
            throw new IllegalArgumentException("basicAuth password must not be null");
        }
        this.username = username;
        this.headerValue = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void sign(SignableRequest request) {
        request.setHeader("Authorization", headerValue);
    }

    @Override
    public String toString() {
        return "BasicAuthSigner[username=" + username + ", password=***]";
    }
}
