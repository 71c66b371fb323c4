package dev.fleetpulse.prometheus.http;

import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * Sends a request once more, at once, when it failed on a kept-alive connection that had already carried an exchange
 * and no deadline or cancellation ended it: the server most likely closed the idle connection as the request went
 * out. HttpClient's own retry strategy does not resend a POST; a remote-write receiver keeps one of two equal samples,
 * so a request that did arrive is harmless the second time. Every other failure, and every answer, goes back to the
 * sink, which decides about retrying with its backoff and retry budget.
 */
final class StaleConnectionRetry implements HttpRequestRetryStrategy {

    @Override
    public boolean retryRequest(HttpRequest request, IOException failure, int execCount, HttpContext context) {
        if (execCount > 1 || failure instanceof InterruptedIOException || failure instanceof SSLException) {
            return false;
        }
        EndpointDetails connection = HttpClientContext.castOrCreate(context).getEndpointDetails();
        return connection != null && connection.getResponseCount() > 0;
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
        return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
    }
}
