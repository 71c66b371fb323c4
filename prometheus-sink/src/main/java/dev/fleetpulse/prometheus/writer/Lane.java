package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.http.RemoteWriteResponse;
import dev.fleetpulse.prometheus.http.ResponseClassifier;
import dev.fleetpulse.prometheus.http.ResponseClassifier.Action;
import dev.fleetpulse.prometheus.http.ResponseClassifier.Rejection;
import dev.fleetpulse.prometheus.http.StaleSignature;
import dev.fleetpulse.prometheus.model.TimeSeries;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One ordered request stream of a writer: a batch being filled, sealed batches waiting, and at most one being sent.
 * A series always maps to the same lane, and a lane sends its batches strictly one after another (a retried or split
 * batch blocks the lane until it is resolved), so the samples of a series reach the receiver in order.
 *
 * <p>Task thread only: answers and timers come back to it as mails ({@link LaneContext#mail}). An exception thrown
 * from a mail fails the task, which is how fatal answers and {@link RetryLimitBehaviour#FAIL} fail the job.
 */
final class Lane {
    private static final int MAX_LOGGED_BODY = 500;
    /** Cleared batches a lane keeps for reuse (each keeps the buffer it grew to, up to maxBatchBytes). */
    private static final int MAX_POOLED_BATCHES = 16;
    /** Refusals of one request's signature as stale that are retried; the next one fails the job. */
    private static final int MAX_STALE_SIGNATURES = 3;

    private final int index;
    private final LaneContext context;
    private final PrometheusSinkSettings settings;
    private final ArrayDeque<WriteRequestBatch> queue = new ArrayDeque<>();
    private final ArrayDeque<WriteRequestBatch> free = new ArrayDeque<>();
    private WriteRequestBatch building;
    /** Identifies the current {@code building} batch for its age timer (batch objects are pooled). */
    private long buildingGeneration;
    private WriteRequestBatch current;
    private int bodyLength;
    private int attempts;
    /** Answers to this request that refused its signature as stale. */
    private int staleSignatures;
    private long firstAttemptNanos;
    /** Enqueue time of this lane's oldest unresolved sample, {@code Long.MAX_VALUE} when idle. */
    private volatile long headEnqueuedMillis = Long.MAX_VALUE;

    Lane(int index, LaneContext context) {
        this.index = index;
        this.context = context;
        this.settings = context.settings;
    }

    /** Appends the samples of {@code series} before index {@code end}. */
    void append(TimeSeries series, int end) {
        int next = 0;
        while (next < end) {
            if (building == null) {
                building = takeBatch();
            }
            boolean wasEmpty = building.isEmpty();
            // The clock matters only to a batch's first sample (its age): read once per batch, not per record, on
            // this hot path.
            long nowMillis = wasEmpty ? System.currentTimeMillis() : building.firstEnqueuedMillis();
            int added = building.add(series, next, end, nowMillis);
            if (added == next) {
                // The next sample does not fit in what is left of this batch; an empty one always takes it.
                seal();
                continue;
            }
            next = added;
            if (wasEmpty) {
                scheduleAgeFlush();
                if (headEnqueuedMillis == Long.MAX_VALUE) {
                    headEnqueuedMillis = nowMillis;
                }
            }
            if (building.isFull()) {
                seal();
            }
        }
    }

    private void scheduleAgeFlush() {
        long generation = ++buildingGeneration;
        context.mailLater(() -> onBatchAge(generation), "prometheus-sink batch age lane %s", index,
                settings.maxBatchAge().toMillis());
    }

    private void onBatchAge(long generation) {
        if (!context.closed && generation == buildingGeneration && building != null) {
            seal();
            pump();
        }
    }

    /** Nothing being sent or waiting to be sent; samples may still be in the batch being filled. */
    /** Enqueue time of this lane's oldest unresolved sample, {@code Long.MAX_VALUE} when it has none. */
    long headEnqueuedMillis() {
        return headEnqueuedMillis;
    }

    boolean isIdle() {
        return current == null && queue.isEmpty();
    }

    void seal() {
        if (building != null && !building.isEmpty()) {
            queue.addLast(building);
            building = null;
        }
    }

    void pump() {
        if (context.closed || current != null || queue.isEmpty()) {
            return;
        }
        current = queue.pollFirst();
        bodyLength = current.compress();
        attempts = 0;
        staleSignatures = 0;
        firstAttemptNanos = System.nanoTime();
        send();
    }

    private void send() {
        context.inFlightRequests++;
        CompletableFuture<RemoteWriteResponse> response = context.client.send(current.body(), bodyLength);
        response.whenComplete((answer, error) ->
                context.mail(() -> onResponse(answer, error), "prometheus-sink response lane %s", index));
    }

    private void onResponse(RemoteWriteResponse answer, Throwable error) {
        context.inFlightRequests--;
        if (context.closed) {
            return;
        }
        if (error != null) {
            retry(describe(error), 0);
            return;
        }
        Action action = ResponseClassifier.classify(answer.status(), answer.body());
        switch (action) {
            case SUCCESS -> {
                context.metrics.written(current.sampleCount(), bodyLength);
                context.lastSuccessfulWriteMillis = System.currentTimeMillis();
                finishCurrent();
            }
            case RETRY -> retry("HTTP " + answer.status() + " " + truncate(answer.body()),
                    ResponseClassifier.retryAfterMillis(answer.retryAfter(), System.currentTimeMillis()));
            case REJECTED, TOO_LARGE -> rejected(answer, action);
            case RESIGN -> resign(answer);
            case FATAL -> throw new PrometheusSinkException("Remote-write endpoint " + settings.endpointUrl()
                    + " answered HTTP " + answer.status() + " (" + truncate(answer.body()) + "). No write can"
                    + " succeed: check the endpoint URL and the credentials (requestSigner, bearerToken,"
                    + " basicAuth). Failing the job.");
        }
    }

    /**
     * All-or-nothing rejection: split until each rejected sample is alone, then count it; or, when both halves of
     * a batch are refused for the same reason that is not about one sample's timestamp, drop the second half
     * whole (the refusal is systematic: splitting it to single samples would cost two requests per sample).
     */
    private void rejected(RemoteWriteResponse answer, Action action) {
        Rejection rejection = ResponseClassifier.rejectionOf(answer.body());
        String reason = "HTTP " + answer.status() + " (" + truncate(answer.body()) + ")";
        boolean refusedForGood = action == Action.REJECTED
                ? rejection == Rejection.OUT_OF_BOUNDS || rejection == Rejection.DROPPED
                : current.sampleCount() == 1;
        if (refusedForGood && settings.onRejected() == RejectedBehaviour.FAIL) {
            throw new PrometheusSinkException("Remote-write endpoint " + settings.endpointUrl() + " refused "
                    + current.sampleCount() + " samples with " + reason + " (first: "
                    + current.describeFirstSample() + "). onRejected=FAIL: failing the job. It restarts from its"
                    + " last checkpoint and meets the same samples again, so fix the receiver, its limits or the"
                    + " input, or set onRejected=DROP_AND_COUNT.");
        }
        if (current.secondHalf != null) {
            // The second half is still queued: the first half is always resolved before it is sent.
            current.secondHalf.firstHalfRefusal = reason;
        }
        boolean systematic = action == Action.REJECTED && rejection == Rejection.DROPPED
                && reason.equals(current.firstHalfRefusal);
        if (current.sampleCount() > 1 && !systematic) {
            WriteRequestBatch head = takeBatch();
            WriteRequestBatch tail = takeBatch();
            current.splitInto(head, tail);
            head.secondHalf = tail;
            queue.addFirst(tail);
            queue.addFirst(head);
            release(current);
            current = null;
            pump();
            return;
        }
        if (systematic) {
            context.metrics.nonRetryableDropped(current.sampleCount());
            context.rejectionLog.warn("Dropped {} samples (first: {}): {} refused both halves of their batch with {}",
                    current.sampleCount(), current.describeFirstSample(), settings.endpointUrl(), reason);
            finishCurrent();
            return;
        }
        switch (rejection) {
            case OUT_OF_ORDER -> context.metrics.rejectedOutOfOrder(1);
            case DUPLICATE -> context.metrics.rejectedDuplicate(1);
            case OUT_OF_BOUNDS, DROPPED -> {
                context.metrics.nonRetryableDropped(1);
                context.rejectionLog.warn("Dropped sample {} rejected by {} with HTTP {}: {}",
                        current.describeFirstSample(), settings.endpointUrl(), answer.status(),
                        truncate(answer.body()));
            }
        }
        finishCurrent();
    }

    /**
     * A 403 for a stale signing time or an expired session token: the signer learns the receiver's clock (from
     * the answer's Date) or refreshes its credentials, and the request is retried, signed anew. A fourth such
     * answer to one request means re-signing does not help: then it is as fatal as any other 403.
     */
    private void resign(RemoteWriteResponse answer) {
        StaleSignature stale = new StaleSignature(ResponseClassifier.staleSignatureOf(answer.body()),
                ResponseClassifier.clockOffsetMillis(answer.date(), System.currentTimeMillis()));
        staleSignatures++;
        if (staleSignatures > MAX_STALE_SIGNATURES) {
            String offset = stale.clockOffsetMillis().isPresent()
                    ? ", its clock minus ours " + stale.clockOffsetMillis().getAsLong() + " ms" : "";
            throw new PrometheusSinkException("Remote-write endpoint " + settings.endpointUrl() + " refused "
                    + staleSignatures + " attempts of one request as signed with a stale time or an expired"
                    + " token (" + stale.reason() + offset + "), the last with HTTP " + answer.status() + " ("
                    + truncate(answer.body()) + "), although each was signed anew. Check the task manager's"
                    + " clock (NTP) and where the credentials come from. Failing the job.");
        }
        if (context.signer != null) {
            context.signer.onStaleSignature(stale);
        }
        retry("HTTP " + answer.status() + " " + truncate(answer.body()), 0);
    }

    private void retry(String failure, long retryAfterMillis) {
        attempts++;
        long elapsedNanos = System.nanoTime() - firstAttemptNanos;
        long delayMillis = Math.max(context.backoff.delayMillis(attempts), retryAfterMillis);
        if (!context.retryBudget.allows(attempts, elapsedNanos, delayMillis)) {
            long remainingMillis = context.retryBudget.remainingMillis(elapsedNanos);
            retryLimitReached(retryAfterMillis > remainingMillis
                    ? failure + "; its Retry-After asks to wait " + retryAfterMillis + " ms, more than the "
                            + remainingMillis + " ms left of maxRetryDuration"
                    : failure, elapsedNanos);
            return;
        }
        context.retryLog.warn("Write of {} samples to {} failed ({}); retry {} in {} ms", current.sampleCount(),
                settings.endpointUrl(), failure, attempts, delayMillis);
        context.mailLater(this::resend, "prometheus-sink retry lane %s", index, delayMillis);
    }

    private void resend() {
        if (!context.closed) {
            context.metrics.retried();
            send();
        }
    }

    private void retryLimitReached(String failure, long elapsedNanos) {
        String summary = "Writing " + current.sampleCount() + " samples to " + settings.endpointUrl()
                + " still failed after " + attempts + " attempts in "
                + TimeUnit.NANOSECONDS.toMillis(elapsedNanos) + " ms (maxRetries=" + settings.maxRetries()
                + ", maxRetryDuration=" + settings.maxRetryDuration() + "); last failure: " + failure;
        if (settings.onRetryLimit() == RetryLimitBehaviour.FAIL) {
            throw new PrometheusSinkException(summary + ". onRetryLimit=FAIL: failing the job; it restarts"
                    + " from the last checkpoint and nothing is lost.");
        }
        context.metrics.retryLimitDropped(current.sampleCount());
        context.rejectionLog.warn("{}. onRetryLimit=DISCARD_AND_CONTINUE: dropped them.", summary);
        finishCurrent();
    }

    private void finishCurrent() {
        context.bufferedSamples -= current.sampleCount();
        release(current);
        current = null;
        WriteRequestBatch next = queue.peekFirst();
        if (next != null) {
            headEnqueuedMillis = next.firstEnqueuedMillis();
        } else if (building != null && !building.isEmpty()) {
            headEnqueuedMillis = building.firstEnqueuedMillis();
        } else {
            headEnqueuedMillis = Long.MAX_VALUE;
        }
        pump();
    }

    private WriteRequestBatch takeBatch() {
        WriteRequestBatch batch = free.pollFirst();
        return batch != null ? batch : new WriteRequestBatch(settings.maxBatchSamples(), settings.maxBatchBytes());
    }

    /**
     * Keeps a few cleared batches, with their grown buffers, for reuse; more are left to the garbage collector,
     * so a burst of small batches (age flushes while a lane retries) does not pin their buffers for good.
     */
    private void release(WriteRequestBatch batch) {
        if (free.size() < MAX_POOLED_BATCHES) {
            batch.clear();
            free.addFirst(batch);
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String truncate(String body) {
        if (body == null) {
            return "";
        }
        String text = body.strip();
        return text.length() <= MAX_LOGGED_BODY ? text : text.substring(0, MAX_LOGGED_BODY) + "...";
    }
}
