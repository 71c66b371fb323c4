package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.http.RemoteWriteHttpClient;
import dev.fleetpulse.prometheus.http.RequestSigner;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Batches series into lanes ({@link Lane}) and sends each lane's batches one request at a time.
 *
 * <p>Threading: all state lives on the task (mailbox) thread. HTTP completions and timers (retry backoff,
 * batch age) only enqueue mails, so no field needs locking, and {@link #flush} / backpressure simply
 * {@code yield} to the mailbox until the state they wait for is reached.
 *
 * <p>Ordering: a series always maps to the same lane, each lane sends in order, and Flink's {@code keyBy} gives each
 * series to one subtask; so per-series order holds with {@code lanes} requests in flight.
 *
 * <p>At least once: {@code bufferedSamples} counts every sample accepted by {@link #write} and not yet
 * resolved (written, already written, or dropped per the settings); {@link #flush}, which Flink calls before
 * each checkpoint barrier, returns only when it is zero.
 *
 * <p>Its state is its counters ({@link SinkCounts}), so that they, and with {@link SelfMonitoring} the health series
 * written from them, go on after a restore instead of starting again. Those series go into the lanes like any other:
 * gauges every {@link #HEALTH_INTERVAL_MILLIS} ms; counters too until the first checkpoint, then at each checkpoint
 * with the counts of the one before, which is complete by then (one checkpoint at a time), so a restore never brings a
 * counter below a value already written.
 */
public final class PrometheusSinkWriter implements StatefulSinkWriter<TimeSeries, SinkCounts> {

    /** How often the self-monitoring gauges (and counters before the first checkpoint) are written. */
    static final long HEALTH_INTERVAL_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusSinkWriter.class);

    private final PrometheusSinkSettings settings;
    private final RequestSigner signer;
    private final MailboxExecutor mailbox;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService httpExecutor;
    private final RemoteWriteHttpClient client;
    private final LaneAssigner assigner;
    private final LaneContext lanesContext;
    private final Lane[] lanes;
    private final SinkMetrics metrics;
    private final RateLimitedLog futureLog = new RateLimitedLog(LOG, 10_000);
    private final FutureSampleBound futureBound;
    private final int subtask;
    /** Null without self-monitoring. */
    private final SinkHealth health;
    /** From the first checkpoint on (or from a restore), counters are written at checkpoints only. */
    private boolean countersAtCheckpoints;
    /** The counts at the latest snapshot, written at the next one. */
    private Map<String, Long> countsAtLastSnapshot;
    private long lastHealthMillis = Long.MIN_VALUE;
    /** The input ended and the final counts went out: a later (final) checkpoint writes no older ones. */
    private boolean finalCountsWritten;

    private PrometheusSinkWriter(PrometheusSinkSettings settings, RequestSigner signer, WriterInitContext context,
                                 Collection<SinkCounts> restored) {
        this.settings = settings;
        this.signer = signer;
        this.mailbox = context.getMailboxExecutor();
        this.subtask = context.getTaskInfo().getIndexOfThisSubtask();
        this.scheduler = new ScheduledThreadPoolExecutor(1,
                RemoteWriteHttpClient.daemonThreads("prometheus-sink-" + subtask + "-timer"));
        this.scheduler.setRemoveOnCancelPolicy(true);
        this.httpExecutor = Executors.newCachedThreadPool(
                RemoteWriteHttpClient.daemonThreads("prometheus-sink-" + subtask + "-http"));
        this.client = new RemoteWriteHttpClient(settings.endpointUrl(), settings.connectTimeout(),
                settings.requestTimeout(), settings.userAgent(), signer, settings.maxInFlightRequests(), httpExecutor);
        this.assigner = new LaneAssigner(settings.maxInFlightRequests());
        this.futureBound = new FutureSampleBound(settings.maxFutureSkew(), System::currentTimeMillis);
        this.lanes = new Lane[settings.maxInFlightRequests()];
        this.metrics = new SinkMetrics(context.metricGroup(), settings.metricGroupName(), this::bufferedSamples,
                this::inFlightRequests, this::oldestUnsentSampleAgeMillis, this::lastSuccessfulWriteMillis);
        this.lanesContext = new LaneContext(settings, client, signer, metrics,
                new BackoffPolicy(settings.initialBackoff(), settings.maxBackoff(), new SplittableRandom()),
                new RetryBudget(settings.maxRetries(), settings.maxRetryDuration()),
                new RateLimitedLog(LOG, 10_000), new RateLimitedLog(LOG, 10_000), mailbox, scheduler);
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i, lanesContext);
        }
        for (SinkCounts counts : restored) {
            if (counts.subtask() == subtask) {
                metrics.restore(counts.counts());
                countersAtCheckpoints = true;
            }
        }
        this.health = settings.selfMonitoring() == null ? null : new SinkHealth(settings.selfMonitoring(), subtask);
        if (health != null) {
            scheduler.scheduleWithFixedDelay(() -> lanesContext.mail(this::writeHealthOnTimer, "self-monitoring", -1),
                    0, HEALTH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens the signer (on the task manager, once per writer) and creates the writer, with the counts of the
     * checkpoint it is restored from (empty on a fresh start).
     */
    public static PrometheusSinkWriter create(PrometheusSinkSettings settings, RequestSigner signer,
            WriterInitContext context, Collection<SinkCounts> restored) throws IOException {
        if (signer != null) {
            try {
                signer.open();
            } catch (Exception e) {
                throw new IOException("Opening the request signer " + signer + " failed", e);
            }
        }
        return new PrometheusSinkWriter(settings, signer, context, restored);
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
        lanesContext.bufferedSamples += accepted;
        lane.pump();
        if (lanesContext.bufferedSamples >= settings.maxBufferedSamples()) {
            // Backpressure: wait for answers; never drop. Only idle lanes send their partial batch, so that an
            // answer is always on its way. Sealing the lanes that are still sending as well would add a nearly
            // empty request per lane on every wait: under sustained load requests would shrink to a few samples
            // each, and the per-request cost would cap the sink.
            sealAndPumpIdleLanes();
            while (lanesContext.bufferedSamples >= settings.maxBufferedSamples()) {
                mailbox.yield();
                sealAndPumpIdleLanes();
            }
        }
    }

    /** Samples {@code from..} of {@code series} are dated later than now plus maxFutureSkew. */
    private void dropFutureSamples(TimeSeries series, int from) {
        int dropped = series.sampleCount() - from;
        metrics.futureDropped(dropped);
        futureLog.warn("Dropped {} samples of {} from {} on ({}), later than now plus maxFutureSkew ({}): a receiver"
                + " such as Prometheus would move its head block there and refuse ordinary samples as out of bounds",
                dropped, series.seriesKey(), series.timestamp(from), Instant.ofEpochMilli(series.timestamp(from)),
                settings.maxFutureSkew());
    }

    @Override
    public void flush(boolean endOfInput) throws InterruptedException {
        sendEverything();
        if (endOfInput && health != null) {
            // No checkpoint and no timer follow the end of the input: the final counts, which include every sample
            // just sent, go out now.
            long now = healthTimestamp();
            writeOwn(health.counters(metrics.counts(), now));
            writeGauges(now);
            finalCountsWritten = true;
            sendEverything();
        }
    }

    /** Seals every lane's batch and waits until every buffered sample is resolved. */
    private void sendEverything() throws InterruptedException {
        for (Lane lane : lanes) {
            lane.seal();
            lane.pump();
        }
        while (lanesContext.bufferedSamples > 0) {
            mailbox.yield();
        }
    }

    @Override
    public List<SinkCounts> snapshotState(long checkpointId) {
        Map<String, Long> counts = metrics.counts();
        if (health != null && countsAtLastSnapshot != null && !finalCountsWritten) {
            writeOwn(health.counters(countsAtLastSnapshot, healthTimestamp()));
        }
        countsAtLastSnapshot = counts;
        countersAtCheckpoints = true;
        return List.of(new SinkCounts(subtask, counts));
    }

    /** On the task thread, every {@link #HEALTH_INTERVAL_MILLIS} ms. */
    private void writeHealthOnTimer() {
        long now = healthTimestamp();
        if (!countersAtCheckpoints) {
                writeOwn(health.counters(metrics.counts(), now));
        }
        writeGauges(now);
    }

    private void writeGauges(long now) {
        writeOwn(health.gauges(bufferedSamples(), inFlightRequests(), oldestUnsentSampleAgeMillis(),
                lastSuccessfulWriteMillis(), now));
    }

    /**
     * Appends the sink's own series to their lanes without waiting for room: a dozen samples beyond the buffer's
     * limit are nothing, and the timer or the checkpoint that writes them must not block.
     */
    private void writeOwn(List<TimeSeries> series) {
        for (TimeSeries own : series) {
            Lane lane = lanes[assigner.laneOf(own)];
            lane.append(own, own.sampleCount());
            lanesContext.bufferedSamples += own.sampleCount();
            lane.pump();
        }
    }

    /** Now, but after the previous health timestamp: two writes of a series never share a millisecond. */
    private long healthTimestamp() {
        lastHealthMillis = Math.max(System.currentTimeMillis(), lastHealthMillis + 1);
        return lastHealthMillis;
    }

    @Override
    public void close() {
        lanesContext.closed = true;
        if (lanesContext.bufferedSamples > 0) {
            LOG.info("Closing with {} unsent samples; they are replayed from the last checkpoint",
                    lanesContext.bufferedSamples);
        }
        scheduler.shutdownNow();
        httpExecutor.shutdownNow();
        client.close();
        if (signer != null) {
            signer.close();
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

    private long bufferedSamples() {
        return lanesContext.bufferedSamples;
    }

    private long inFlightRequests() {
        return lanesContext.inFlightRequests;
    }

    private long lastSuccessfulWriteMillis() {
        return lanesContext.lastSuccessfulWriteMillis;
    }

    private long oldestUnsentSampleAgeMillis() {
        long oldest = Long.MAX_VALUE;
        for (Lane lane : lanes) {
            oldest = Math.min(oldest, lane.headEnqueuedMillis());
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
    }
}
