package dev.fleetpulse.prometheus;

import dev.fleetpulse.prometheus.RemoteWriteHttpClient.WriteResponse;
import dev.fleetpulse.prometheus.ResponseClassifier.Action;
import dev.fleetpulse.prometheus.ResponseClassifier.Rejection;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.ThrowingRunnable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Batches series into lanes and sends each lane's batches one request at a time.
 *
 * <p>Threading: all state lives on the task (mailbox) thread. HTTP completions and timers (retry backoff,
 * batch age) only enqueue mails, so no field needs locking, and {@link #flush} / backpressure simply
 * {@code yield} to the mailbox until the state they wait for is reached. An exception thrown from a mail fails
 * the task, which is how fatal answers and {@link RetryLimitBehaviour#FAIL} fail the job.
 *
 * <p>Ordering: a series always maps to the same lane, a lane sends its batches strictly one after another
 * (a retried or split batch blocks the lane until it is resolved), and Flink's {@code keyBy} gives each series
 * to one subtask; so per-series order holds with {@code lanes} requests in flight.
 *
 * <p>At least once: {@code bufferedSamples} counts every sample accepted by {@link #write} and not yet
 * resolved (written, already written, or dropped per the settings); {@link #flush}, which Flink calls before
 * each checkpoint barrier, returns only when it is zero.
 */
final class PrometheusSinkWriter implements SinkWriter<TimeSeries> {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSinkWriter.class);
    private static final int MAX_LOGGED_BODY = 500;
    /** Cleared batches a lane keeps for reuse (each keeps the buffer it grew to, up to maxBatchBytes). */
    private static final int MAX_POOLED_BATCHES_PER_LANE = 16;
    /** Refusals of one request's signature as stale that are retried; the next one fails the job. */
    private static final int MAX_STALE_SIGNATURES = 3;

    private final PrometheusSinkSettings settings;
    private final RequestSigner signer;
    private final MailboxExecutor mailbox;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService httpExecutor;
    private final RemoteWriteHttpClient client;
    private final LaneAssigner assigner;
    private final Lane[] lanes;
    private final BackoffPolicy backoff;
    private final SinkMetrics metrics;
    private final RateLimitedLog rejectionLog = new RateLimitedLog(LOG, 10_000);
    private final RateLimitedLog retryLog = new RateLimitedLog(LOG, 10_000);
    private final RateLimitedLog futureLog = new RateLimitedLog(LOG, 10_000);
    private final FutureSampleBound futureBound;
    private final long maxBatchAgeMillis;
    private final RetryBudget retryBudget;

    // Written on the task thread only; volatile because metric reporters read them as gauges.
    private volatile long bufferedSamples;
    private volatile int inFlightRequests;
    private volatile long lastSuccessfulWriteMillis;
    private boolean closed;

    private PrometheusSinkWriter(PrometheusSinkSettings settings, RequestSigner signer, WriterInitContext context) {
        this.settings = settings;
        this.signer = signer;
        this.mailbox = context.getMailboxExecutor();
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.scheduler = new ScheduledThreadPoolExecutor(1, RemoteWriteHttpClient.daemonThreads("prometheus-sink-" + subtask + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.httpExecutor = Executors.newCachedThreadPool(RemoteWriteHttpClient.daemonThreads("prometheus-sink-" + subtask + "-http"));
        this.client = new RemoteWriteHttpClient(settings.endpointUrl(), settings.connectTimeout(),
                settings.requestTimeout(), settings.userAgent(), signer, settings.maxInFlightRequests(), httpExecutor);
        this.assigner = new LaneAssigner(settings.maxInFlightRequests());
        this.lanes = new Lane[settings.maxInFlightRequests()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
        this.backoff = new BackoffPolicy(settings.initialBackoff(), settings.maxBackoff(), new SplittableRandom());
        this.maxBatchAgeMillis = settings.maxBatchAge().toMillis();
        this.retryBudget = new RetryBudget(settings.maxRetries(), settings.maxRetryDuration());
        this.futureBound = new FutureSampleBound(settings.maxFutureSkew(), System::currentTimeMillis);
        this.metrics = new SinkMetrics(context.metricGroup(), settings.metricGroupName(), () -> bufferedSamples,
                () -> inFlightRequests, this::oldestUnsentSampleAgeMillis, () -> lastSuccessfulWriteMillis);
    }

    static PrometheusSinkWriter create(PrometheusSinkSettings settings, RequestSigner signer,
            WriterInitContext context) throws IOException {
        if (signer != null) {
            try {
                signer.open();
            } catch (Exception e) {
                throw new IOException("Opening the request signer " + signer + " failed", e);
            }
        }
        return new PrometheusSinkWriter(settings, signer, context);
    }

    @Override
    public void write(TimeSeries series, Context context) throws InterruptedException {
        int accepted = futureBound.acceptedEnd(series);
        if (accepted < series.sampleCount()) {
            dropFutureSamples(series, accepted);
            if (accepted == 0) {
                return;
            }
        }
        Lane lane = lanes[assigner.laneOf(series)];
        lane.append(series, accepted);
        bufferedSamples += accepted;
        lane.pump();
        if (bufferedSamples >= settings.maxBufferedSamples()) {
            // Backpressure: wait for answers; never drop. Only idle lanes send their partial batch, so that an
            // answer is always on its way. Sealing the lanes that are still sending as well would add a nearly
            // empty request per lane on every wait: under sustained load requests then shrank to a few samples
            // each and the per-request cost capped the raw-event writer at about 20k samples/s.
            sealAndPumpIdleLanes();
            while (bufferedSamples >= settings.maxBufferedSamples()) {
                mailbox.yield();
                sealAndPumpIdleLanes();
            }
        }
    }

    /** Samples {@code from..} of {@code series} are dated later than now plus maxFutureSkew. */
    private void dropFutureSamples(TimeSeries series, int from) {
        int dropped = series.sampleCount() - from;
        metrics.futureDropped(dropped);
        StringBuilder name = new StringBuilder();
        SeriesKey.appendSeries(name, series.metricName(), series.labelNamesArray(), series.labelValuesArray());
        futureLog.warn("Dropped {} samples of {} from {} on ({}), later than now plus maxFutureSkew ({}): a receiver"
                + " such as Prometheus would move its head block there and refuse ordinary samples as out of bounds",
                dropped, name, series.timestamp(from), Instant.ofEpochMilli(series.timestamp(from)),
                settings.maxFutureSkew());
    }

    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        sealAndPumpAll();
        while (bufferedSamples > 0) {
            mailbox.yield();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (bufferedSamples > 0) {
            LOG.info("Closing with {} unsent samples; they are replayed from the last checkpoint", bufferedSamples);
        }
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
        client.close();
        if (signer != null) {
            signer.close();
        }
    }

    private void sealAndPumpAll() {
        for (Lane lane : lanes) {
            lane.seal();
            lane.pump();
        }
    }

    private void sealAndPumpIdleLanes() {
        for (Lane lane : lanes) {
            if (lane.isIdle()) {
                lane.seal();
                lane.pump();
            }
        }
    }

    private long oldestUnsentSampleAgeMillis() {
        long oldest = Long.MAX_VALUE;
        for (Lane lane : lanes) {
            oldest = Math.min(oldest, lane.headEnqueuedMillis);
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }

    /** Runs {@code action} on the task thread; after the task ended there is nothing left to do. */
    private void mail(ThrowingRunnable<? extends Exception> action, String description, int lane) {
        try {
            mailbox.execute(action, description, lane);
        } catch (RejectedExecutionException e) {
            LOG.debug("Task is shutting down; dropped mail '{}' for lane {}", description, lane);
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause()
                : error;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    private static String truncate(String body) {
        if (body == null) {
            return "";
        }
        String text = body.strip();
        return text.length() <= MAX_LOGGED_BODY ? text : text.substring(0, MAX_LOGGED_BODY) + "...";
    }

    /** One ordered request stream: a batch being filled, sealed batches waiting, and at most one being sent. */
    private final class Lane {
        private final int index;
        private final RemoteWriteRequestEncoder encoder = new RemoteWriteRequestEncoder();
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

        Lane(int index) {
            this.index = index;
        }

        /** Appends the samples of {@code series} before index {@code end}. */
        void append(TimeSeries series, int end) {
            int next = 0;
            while (next < end) {
                if (building == null) {
                    building = takeBatch();
                }
                boolean wasEmpty = building.isEmpty();
                // The clock matters only to a batch's first sample (its age); reading it per record was 4.5% of
                // the writer thread in a profile of the raw shape.
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
            scheduler.schedule(() -> mail(() -> onBatchAge(generation), "prometheus-sink batch age lane %s", index),
                    maxBatchAgeMillis, TimeUnit.MILLISECONDS);
        }

        private void onBatchAge(long generation) {
            if (!closed && generation == buildingGeneration && building != null) {
                seal();
                pump();
            }
        }

        /** Nothing being sent or waiting to be sent; samples may still be in the batch being filled. */
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
            if (closed || current != null || queue.isEmpty()) {
                return;
            }
            current = queue.pollFirst();
            bodyLength = encoder.encode(current);
            attempts = 0;
            staleSignatures = 0;
            firstAttemptNanos = System.nanoTime();
            send();
        }

        private void send() {
            inFlightRequests++;
            CompletableFuture<WriteResponse> response = client.send(encoder.body(), bodyLength);
            response.whenComplete((answer, error) ->
                    mail(() -> onResponse(answer, error), "prometheus-sink response lane %s", index));
        }

        private void onResponse(WriteResponse answer, Throwable error) {
            inFlightRequests--;
            if (closed) {
                return;
            }
            if (error != null) {
                retry(describe(error), 0);
                return;
            }
            Action action = ResponseClassifier.classify(answer.status(), answer.body());
            switch (action) {
                case SUCCESS -> {
                    metrics.written(current.sampleCount(), bodyLength);
                    lastSuccessfulWriteMillis = System.currentTimeMillis();
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
        private void rejected(WriteResponse answer, Action action) {
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
                metrics.nonRetryableDropped(current.sampleCount());
                rejectionLog.warn("Dropped {} samples (first: {}): {} refused both halves of their batch with {}",
                        current.sampleCount(), current.describeFirstSample(), settings.endpointUrl(), reason);
                finishCurrent();
                return;
            }
            switch (rejection) {
                case OUT_OF_ORDER -> metrics.rejectedOutOfOrder(1);
                case DUPLICATE -> metrics.rejectedDuplicate(1);
                case OUT_OF_BOUNDS, DROPPED -> {
                    metrics.nonRetryableDropped(1);
                    rejectionLog.warn("Dropped sample {} rejected by {} with HTTP {}: {}",
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
        private void resign(WriteResponse answer) {
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
            if (signer != null) {
                signer.onStaleSignature(stale);
            }
            retry("HTTP " + answer.status() + " " + truncate(answer.body()), 0);
        }

        private void retry(String failure, long retryAfterMillis) {
            attempts++;
            long elapsedNanos = System.nanoTime() - firstAttemptNanos;
            long delayMillis = Math.max(backoff.delayMillis(attempts), retryAfterMillis);
            if (!retryBudget.allows(attempts, elapsedNanos, delayMillis)) {
                long remainingMillis = retryBudget.remainingMillis(elapsedNanos);
                retryLimitReached(retryAfterMillis > remainingMillis
                        ? failure + "; its Retry-After asks to wait " + retryAfterMillis + " ms, more than the "
                                + remainingMillis + " ms left of maxRetryDuration"
                        : failure, elapsedNanos);
                return;
            }
            retryLog.warn("Write of {} samples to {} failed ({}); retry {} in {} ms", current.sampleCount(),
                    settings.endpointUrl(), failure, attempts, delayMillis);
            scheduler.schedule(() -> mail(this::resend, "prometheus-sink retry lane %s", index),
                    delayMillis, TimeUnit.MILLISECONDS);
        }

        private void resend() {
            if (!closed) {
                metrics.retried();
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
            metrics.retryLimitDropped(current.sampleCount());
            rejectionLog.warn("{}. onRetryLimit=DISCARD_AND_CONTINUE: dropped them.", summary);
            finishCurrent();
        }

        private void finishCurrent() {
            bufferedSamples -= current.sampleCount();
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
            if (free.size() < MAX_POOLED_BATCHES_PER_LANE) {
                batch.clear();
                free.addFirst(batch);
            }
        }
    }
}
