package dev.fleetpulse.jobs.health;

import dev.fleetpulse.prometheus.TimeSeries;
import dev.fleetpulse.prometheus.TimeSeriesTypeInfoFactory;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * One operator subtask's share of a job's health, written as Prometheus series through the job's own remote-write
 * sink: where nothing scrapes the jobs (Amazon Managed Service for Apache Flink with AMP), the dashboard's
 * pipeline-health row and the pipeline alerts read these series; locally they are the same.
 *
 * <p>Every {@value #INTERVAL_SECONDS} s the operator emits one sample per counter and gauge to {@link #SERIES}, named
 * {@code fleetpulse_pipeline_*} and labelled {@code job} and {@code subtask} (plus the counter's own labels, such as
 * {@code reason}), stamped with the processing time. The job unions that side output into the stream before the
 * sink's key-by, so each series is written by one sink subtask, in order.
 *
 * <p>Counters are monotonic across restarts: their counts are in the operator's checkpointed state and a restored
 * subtask continues from them (the records replayed after the checkpoint are counted again, exactly as they are
 * processed again). The state is a union list state keyed by subtask index, so after rescaling each subtask takes its
 * own index's counts; series of subtasks that no longer exist simply stop.
 *
 * <p>Use from an operator: create it in {@code initializeState} and call its {@link #initializeState} there, call
 * {@link #snapshotState} from the operator's, register counters and gauges in {@code open}, then {@link #start}; on
 * {@code finish}, {@link #emit} once more.
 */
public final class PipelineHealth {

    public static final String PREFIX = "fleetpulse_pipeline_";
    /** Valid events a reader took in. */
    public static final String EVENTS_IN = PREFIX + "events_in_total";
    /** Records a reader sent to the dead-letter topic, label {@code reason}. */
    public static final String DEAD_LETTERS = PREFIX + "dead_letters_total";
    /** Events whose window was already final (pre-processor). */
    public static final String LATE_EVENTS = PREFIX + "late_events_total";
    /** Wall clock minus the newest event time a reader's subtask has seen, in seconds. */
    public static final String EVENT_TIME_LAG = PREFIX + "event_time_lag_seconds";
    public static final String JOB = "job";
    public static final String SUBTASK = "subtask";

    static final int INTERVAL_SECONDS = 5;
    public static final Duration INTERVAL = Duration.ofSeconds(INTERVAL_SECONDS);

    /** Where operators emit their health samples; jobs union it into the stream in front of the sink. */
    public static final OutputTag<TimeSeries> SERIES =
            new OutputTag<>("pipeline-health", TimeSeriesTypeInfoFactory.TYPE_INFO);

    private static final ListStateDescriptor<HealthCount> STATE =
            new ListStateDescriptor<>("pipeline-health-counts", TypeInformation.of(HealthCount.class));

    private final String job;
    private final int subtask;
    private final Map<String, Tracked> counters = new LinkedHashMap<>();
    private final Map<String, Gauge> gauges = new LinkedHashMap<>();
    private final Map<String, Long> restored = new HashMap<>();
    private ListState<HealthCount> state;

    /**
     * One checkpointed count.
     *
     * @param subtask the subtask that counted it
     * @param series the series' identity: name and its own labels
     * @param count the count at the checkpoint
     */
    public record HealthCount(int subtask, String series, long count) {
    }

    private record Tracked(String name, Map<String, String> labels, Counter counter) {
    }

    private record Gauge(String name, LongUnaryOperator valueAt, double scale) {
    }

    public PipelineHealth(String job, int subtask) {
        this.job = job;
        this.subtask = subtask;
    }

    /** Restores this subtask's counts; call from the operator's {@code initializeState}. */
    public void initializeState(StateInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(STATE);
        if (context.isRestored()) {
            for (HealthCount count : state.get()) {
                if (count.subtask() == subtask) {
                    restored.merge(count.series(), count.count(), Long::sum);
                }
            }
        }
    }

    /** Stores this subtask's counts; call from the operator's {@code snapshotState}. */
    public void snapshotState(StateSnapshotContext context) throws Exception {
        List<HealthCount> counts = new ArrayList<>(counters.size());
        counters.forEach((id, tracked) -> counts.add(new HealthCount(subtask, id, tracked.counter().getCount())));
        state.update(counts);
    }

    /**
     * Writes {@code counter} as the series {@code name} with {@code labels}; a restored subtask first adds the count
     * it had at the checkpoint, so the Flink metric is monotonic across restarts too.
     */
    public Counter counter(Counter counter, String name, Map<String, String> labels) {
        String id = id(name, labels);
        Long before = restored.remove(id);
        if (before != null) {
            counter.inc(before);
        }
        counters.put(id, new Tracked(name, labels, counter));
        return counter;
    }

    /**
     * Writes a gauge in milliseconds as the series {@code name} in seconds; {@code millisAt} gets the processing time
     * of the emission.
     */
    public void gaugeMillisAsSeconds(String name, LongUnaryOperator millisAt) {
        gauges.put(name, new Gauge(name, millisAt, 1e-3));
    }

    /** Emits every series now and then every {@link #INTERVAL}, on the operator's mailbox thread. */
    public <T> void start(ProcessingTimeService time, Output<StreamRecord<T>> output) {
        long interval = INTERVAL.toMillis();
        time.scheduleWithFixedDelay(now -> emit(output, now), 0, interval);
    }

    /** Emits every series now, e.g. when a bounded input ends and no later emission would come. */
    public <T> void emit(Output<StreamRecord<T>> output, long now) {
        counters.values().forEach(t -> output.collect(SERIES,
                new StreamRecord<>(series(t.name(), t.labels(), t.counter().getCount(), now), now)));
        gauges.values().forEach(g -> output.collect(SERIES,
                new StreamRecord<>(series(g.name(), Map.of(), g.valueAt().applyAsLong(now) * g.scale(), now), now)));
    }

    private TimeSeries series(String name, Map<String, String> labels, double value, long now) {
        TimeSeries.Builder builder = TimeSeries.builder(name).label(JOB, job).label(SUBTASK, Integer.toString(subtask));
        labels.forEach(builder::label);
        return builder.sample(value, now).build();
    }

    private static String id(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }
}
