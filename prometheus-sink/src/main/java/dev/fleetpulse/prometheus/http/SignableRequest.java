package dev.fleetpulse.prometheus.http;

import java.net.URI;
import java.util.Map;

/**
 * One remote-write attempt as a {@link RequestSigner} sees it. The HTTP client adds {@code Host} (from
 * {@link #uri()}) and {@code Content-Length} (the length of {@link #body()}) itself; signers that cover those
 * headers must derive them the same way.
 */
public interface SignableRequest {

    /** Always {@code POST}. */
    String method();

    URI uri();

    /** Exactly the bytes that will be sent (the snappy-compressed protobuf). Do not modify the array. */
    byte[] body();

    /** The headers set so far, in insertion order; read-only. */
    Map<String, String> headers();

    /** Sets (or replaces) a header. {@code Host}, {@code Content-Length} and {@code Connection} are not allowed. */
    void setHeader(String name, String value);
}
