package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.http.RemoteWriteHttpClient;
import dev.fleetpulse.prometheus.http.RequestSigner;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the lanes of one writer share: its settings, HTTP client, signer, mailbox, timer, metrics, retry policy and
 * logs, and the counts across lanes that the writer's backpressure and gauges read.
 *
 * <p>The counts are written on the task thread only; volatile because metric reporters read them as gauges.
 */
final class LaneContext {

    private static final Logger LOG = LoggerFactory.getLogger(LaneContext.class);

    final PrometheusSinkSettings settings;
    final RemoteWriteHttpClient client;
    /** The request signer, or null. */
    final RequestSigner signer;
    final SinkMetrics metrics;
    final BackoffPolicy backoff;
    final RetryBudget retryBudget;
    /** Refusals and drops, at most one line per 10 s across the lanes. */
    final RateLimitedLog rejectionLog;
    /** Retries, at most one line per 10 s across the lanes. */
    final RateLimitedLog retryLog;
    private final MailboxExecutor mailbox;
    private final ScheduledExecutorService scheduler;

    /** Samples accepted by the writer and not yet resolved (written, refused and counted, or dropped). */
    volatile long bufferedSamples;
    volatile int inFlightRequests;
    volatile long lastSuccessfulWriteMillis;
    /** Set when the writer closes: from then on no lane sends or acts on an answer. */
    boolean closed;

    LaneContext(PrometheusSinkSettings settings, RemoteWriteHttpClient client, RequestSigner signer,
                SinkMetrics metrics, BackoffPolicy backoff, RetryBudget retryBudget, RateLimitedLog rejectionLog,
                RateLimitedLog retryLog, MailboxExecutor mailbox, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.client = client;
        this.signer = signer;
        this.metrics = metrics;
        this.backoff = backoff;
        this.retryBudget = retryBudget;
        this.rejectionLog = rejectionLog;
        this.retryLog = retryLog;
        this.mailbox = mailbox;
        this.scheduler = scheduler;
    }

    /** Runs {@code action} on the task thread; after the task ended there is nothing left to do. */
    void mail(ThrowingRunnable<? extends Exception> action, String description, int lane) {
        try {
            mailbox.execute(action, description, lane);
        } catch (RejectedExecutionException e) {
            LOG.debug("Task is shutting down; dropped mail '{}' for lane {}", description, lane);
        }
    }

    /** Runs {@code action} on the task thread after {@code delayMillis}. */
    void mailLater(ThrowingRunnable<? extends Exception> action, String description, int lane, long delayMillis) {
        scheduler.schedule(() -> mail(action, description, lane), delayMillis, TimeUnit.MILLISECONDS);
    }
}
