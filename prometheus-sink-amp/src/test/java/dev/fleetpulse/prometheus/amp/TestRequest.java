package dev.fleetpulse.prometheus.amp;

import dev.fleetpulse.prometheus.http.SignableRequest;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A remote-write attempt as the sink hands it to a signer: the sink's own headers, then whatever the signer adds. */
final class TestRequest implements SignableRequest {

    private final URI uri;
    private final byte[] body;
    private final Map<String, String> headers = new LinkedHashMap<>();

    TestRequest(URI uri, byte[] body) {
        this.uri = uri;
        this.body = body;
    }

    /** A request with the headers the sink sets on every remote-write request. */
    static TestRequest remoteWrite(URI uri, byte[] body) {
        TestRequest request = new TestRequest(uri, body);
        request.setHeader("Content-Encoding", "snappy");
        request.setHeader("Content-Type", "application/x-protobuf");
        request.setHeader("User-Agent", "FleetPulse-PrometheusSink/1.0");
        request.setHeader("X-Prometheus-Remote-Write-Version", "0.1.0");
        return request;
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public byte[] body() {
        return body;
    }

    @Override
    public Map<String, String> headers() {
        return Collections.unmodifiableMap(headers);
    }

    @Override
    public void setHeader(String name, String value) {
        headers.put(name, value);
    }
}
