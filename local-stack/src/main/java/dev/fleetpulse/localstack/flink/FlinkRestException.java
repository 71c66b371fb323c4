package dev.fleetpulse.localstack.flink;

/** The Flink REST API answered with an error status; the message carries Flink's own error text. */
public final class FlinkRestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;

    FlinkRestException(String method, String path, int statusCode, String body) {
        super(method + " " + path + " answered HTTP " + statusCode + ": " + body);
        this.statusCode = statusCode;
    }

    public int statusCode() {
        return statusCode;
    }
}
