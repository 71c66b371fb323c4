package dev.fleetpulse.localstack;

/** Prometheus (or VictoriaMetrics) refused a query or answered something that is not a query result. */
public final class PrometheusQueryException extends RuntimeException {

    private final int statusCode;

    public PrometheusQueryException(String message, int statusCode) {
        super(message);
        this.statusCode = statusCode;
    }

    /** The HTTP status of the answer, or -1 when no answer arrived. */
    public int statusCode() {
        return statusCode;
    }
}
