package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.events.VehicleModelCatalog;
import dev.fleetpulse.jobs.health.HealthReportingOperator;
import dev.fleetpulse.jobs.health.PipelineHealth;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reduces events to one {@link VehicleWindowPartial} per vehicle and window before the shuffle, chained to the
 * source, so events are never serialized between tasks: only one small partial per vehicle and window crosses the
 * network.
 *
 * <p>Not keyed; its only checkpointed state is its health counts ({@link PipelineHealth}). On each watermark it
 * emits the partials of every window the watermark closed, then forwards the watermark, so downstream always holds a
 * window's partials before the watermark that fires it. Before each checkpoint barrier ({@link
 * #prepareSnapshotPreBarrier}) it emits every open partial early: everything the source consumed up to the barrier
 * is then in the downstream keyed state of the same checkpoint, and a restore (at any parallelism) replays only
 * events after it. Partials merge idempotently downstream, so early emission and at-least-once replays of partials
 * never change a result.
 *
 * <p>An event whose window the watermark already closed is late: counted and sent to {@link #LATE_EVENTS} as a
 * {@link DeadLetter} with reason {@code late}, re-serialized as JSON because the original bytes are not kept.
 *
 * <p>With a refresh interval on the models file, a background thread checks the file's modification time and swaps
 * in a freshly loaded catalog when it changed; partials emitted after the swap carry the new models. A file that
 * cannot be read or parsed keeps the models loaded before, counted in {@code modelCatalogReloadFailures}.
 */
public final class VehicleWindowPreAggregator extends HealthReportingOperator<VehicleWindowPartial>
        implements OneInputStreamOperator<VehicleEvent, VehicleWindowPartial> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VehicleWindowPreAggregator.class);

    /** Side output of late events, ready for the dead-letter sink. */
    public static final OutputTag<DeadLetter> LATE_EVENTS =
            new OutputTag<>("late-events", TypeInformation.of(DeadLetter.class));

    private final TumblingWindows windows;
    private final ModelCatalogSource catalogSource;

    /** Open windows by end, each with its vehicles; usually one or two windows are open at a time. */
    private transient TreeMap<Long, OpenWindow> openWindows;
    /** The window the previous event went to; most events go to the same one, which saves a boxed lookup. */
    private transient long lastWindowEnd;
    private transient OpenWindow lastWindow;
    /** An emitted window's table, cleared, for the next window: it keeps its size, so it need not grow again. */
    private transient OpenWindow spare;
    private transient long watermark;
    /** Replaced by the refresh thread when the models file changes; read once per vehicle and window. */
    private transient volatile VehicleModelCatalog catalog;
    private transient ScheduledExecutorService refresher;
    private transient long loadedModificationTime;
    private transient Counter catalogReloads;
    private transient Counter catalogReloadFailures;
    private transient VehicleEventJson json;
    private transient StreamRecord<VehicleWindowPartial> outRecord;
    private transient Counter lateEvents;

    /** @param job the job's name, the {@code job} label of its health series */
    public VehicleWindowPreAggregator(TumblingWindows windows, ModelCatalogSource catalogSource, String job) {
        super(job);
        this.windows = windows;
        this.catalogSource = catalogSource;
    }

    @Override
    public void open() throws Exception {
        super.open();
        openWindows = new TreeMap<>();
        lastWindow = null;
        watermark = Long.MIN_VALUE;
        json = new VehicleEventJson();
        outRecord = new StreamRecord<>(null);
        lateEvents = health().counter(JobMetrics.counter(getMetricGroup(), "lateEvents"), PipelineHealth.LATE_EVENTS);
        catalogReloads = JobMetrics.counter(getMetricGroup(), "modelCatalogReloads");
        catalogReloadFailures = JobMetrics.counter(getMetricGroup(), "modelCatalogReloadFailures");
        if (catalogSource.refreshes()) {
            loadedModificationTime = catalogSource.lastModified();
        }
        catalog = catalogSource.load();
        if (catalogSource.refreshes()) {
            startRefreshing();
        }
    }

    private void startRefreshing() {
        refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "model-catalog-refresh " + getOperatorName());
            thread.setDaemon(true);
            return thread;
        });
        long interval = catalogSource.refreshInterval().toMillis();
        refresher.scheduleWithFixedDelay(this::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** On the refresh thread: the only writer of the catalog after {@link #open}. */
    private void reloadIfChanged() {
        try {
            long modified = catalogSource.lastModified();
            if (modified != loadedModificationTime) {
                catalog = catalogSource.load();
                loadedModificationTime = modified;
                catalogReloads.inc();
                LOG.info("Reloaded vehicle models from {}", catalogSource.file());
            }
        } catch (IOException | RuntimeException e) {
            catalogReloadFailures.inc();
            LOG.warn("Cannot reload vehicle models from {}; keeping the models loaded before: {}",
                    catalogSource.file(), e.toString());
        }
    }

    @Override
    public void close() throws Exception {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        super.close();
    }

    @Override
    public void processElement(StreamRecord<VehicleEvent> record) {
        VehicleEvent event = record.getValue();
        long windowEnd = windows.endOf(event.timestamp());
        if (TumblingWindows.isClosed(windowEnd, watermark)) {
            lateEvents.inc();
            output.collect(LATE_EVENTS, new StreamRecord<>(lateLetter(event, windowEnd), event.timestamp()));
            return;
        }
        windowEndingAt(windowEnd).add(event);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long newWatermark = mark.getTimestamp();
        Iterator<Map.Entry<Long, OpenWindow>> it = openWindows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, OpenWindow> window = it.next();
            if (!TumblingWindows.isClosed(window.getKey(), newWatermark)) {
                break; // ascending ends: every later window is open too
            }
            emit(window.getKey(), window.getValue());
            it.remove();
            lastWindow = null;
        }
        watermark = Math.max(watermark, newWatermark);
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        emitAll();
    }

    /** No more input will come: whatever is still open would otherwise be lost. */
    @Override
    public void finish() throws Exception {
        emitAll();
        super.finish();
    }

    private OpenWindow windowEndingAt(long windowEnd) {
        if (lastWindow == null || lastWindowEnd != windowEnd) {
            lastWindow = openWindows.computeIfAbsent(windowEnd, end -> takeSpare());
            lastWindowEnd = windowEnd;
        }
        return lastWindow;
    }

    private OpenWindow takeSpare() {
        OpenWindow window = spare != null ? spare : new OpenWindow();
        spare = null;
        return window;
    }

    private void emitAll() {
        for (Map.Entry<Long, OpenWindow> window : openWindows.entrySet()) {
            emit(window.getKey(), window.getValue());
        }
        openWindows.clear();
        lastWindow = null;
    }

    /**
     * Emits one partial per vehicle and region, then keeps the cleared table as the spare. The model is looked up
     * here, once per vehicle and window, rather than once per event.
     */
    private void emit(long windowEnd, OpenWindow vehicles) {
        long timestamp = TumblingWindows.lastTimestampOf(windowEnd);
        vehicles.forEach((vehicleId, region, activity) -> {
            VehicleWindowPartial partial = new VehicleWindowPartial(
                    new AggregateKey(catalog.modelOf(vehicleId), region, windowEnd), vehicleId, activity);
            output.collect(outRecord.replace(partial, timestamp));
        });
        vehicles.clear();
        spare = vehicles;
    }

    private DeadLetter lateLetter(VehicleEvent event, long windowEnd) {
        String detail = "event time " + Instant.ofEpochMilli(event.timestamp()) + " is in the window ending "
                + Instant.ofEpochMilli(windowEnd) + ", closed by the watermark " + Instant.ofEpochMilli(watermark);
        return DeadLetter.late(event, json.toJson(event), detail);
    }
}
