package dev.fleetpulse.prometheus.http;

/** Adds {@code Authorization: Bearer <token>} to every request. */
public final class BearerTokenSigner implements RequestSigner {

    private final String token;

    public BearerTokenSigner(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("bearerToken must not be blank");
        }
        this.token = token;
    }

    @Override
    public void sign(SignableRequest request) {
        request.setHeader("Authorization", "Bearer " + token);
    }

    @Override
    public String toString() {
        return "BearerTokenSigner[token=***]";
    }
}
