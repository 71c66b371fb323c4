package dev.fleetpulse.jobs.health;

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
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * One operator subtask's share of a job's health, as samples ({@link HealthSample}) that the jobs writing to
 * Prometheus turn into series and write through their own remote-write sink: where nothing scrapes the jobs (Amazon
 * Managed Service for Apache Flink with AMP), the dashboard's pipeline-health row and the pipeline alerts read these
 * series; locally they are the same.
 *
 * <p>The operator emits the samples to {@link #SAMPLES}, named {@code fleetpulse_pipeline_*}, for its job and subtask
 * (plus a counter's own label, such as {@code reason}), stamped with the processing time. Gauges are written every
 * {@value #INTERVAL_SECONDS} s.
 *
 * <p>Counters never go back, also across restarts, and count each record once: they are in the operator's
 * checkpointed state, a restored subtask continues from them, and the records replayed after the checkpoint are
 * counted again exactly as they are processed again. So that no written value is ever above what a restore brings
 * back, a counter is written with the count of each checkpoint when that checkpoint completes (a restore starts from
 * the latest completed one), not in between; before the first checkpoint, and without checkpointing, every
 * {@value #INTERVAL_SECONDS} s. The state is a union list state keyed by subtask index, so after rescaling each
 * subtask takes its own index's counts; series of subtasks that no longer exist simply stop.
 *
 * <p>Use from an operator through {@link HealthReportingOperator}, which calls each method at its point of the
 * operator's life.
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

    /** Where operators emit their health samples; jobs turn them into series in front of the sink. */
    public static final OutputTag<HealthSample> SAMPLES =
            new OutputTag<>("pipeline-health", TypeInformation.of(HealthSample.class));

    private static final ListStateDescriptor<HealthCount> STATE =
            new ListStateDescriptor<>("pipeline-health-counts", TypeInformation.of(HealthCount.class));

    private final String job;
    private final int subtask;
    private final Map<String, Tracked> counters = new LinkedHashMap<>();
    private final Map<String, Gauge> gauges = new LinkedHashMap<>();
    private final Map<String, Long> restored = new HashMap<>();
    /** Counts at each snapshot not yet known complete, by checkpoint id. */
    private final NavigableMap<Long, Map<String, Long>> pending = new TreeMap<>();
    private ListState<HealthCount> state;
    private boolean countersAtCheckpoints;
    /** The input ended and the final counts went out: a checkpoint completing later writes no older ones. */
    private boolean finalCountsWritten;

    /**
     * One checkpointed count.
     *
     * @param subtask the subtask that counted it
     * @param series the series' identity: name and its own labels
     * @param count the count at the checkpoint
     */
    public record HealthCount(int subtask, String series, long count) {
    }

    private record Tracked(String name, String labelName, String labelValue, Counter counter) {
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
        // A restored job checkpoints: its counters wait for completed checkpoints from the start.
        countersAtCheckpoints = context.isRestored();
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
        Map<String, Long> counts = new LinkedHashMap<>();
        counters.forEach((id, tracked) -> counts.put(id, tracked.counter().getCount()));
        List<HealthCount> entries = new ArrayList<>(counts.size());
        counts.forEach((id, count) -> entries.add(new HealthCount(subtask, id, count)));
        state.update(entries);
        countersAtCheckpoints = true;
        pending.put(context.getCheckpointId(), counts);
    }

    /** Writes the counts of a completed checkpoint; call from the operator's {@code notifyCheckpointComplete}. */
    public <T> void checkpointCompleted(long checkpointId, Output<StreamRecord<T>> output, long now) {
        Map<String, Long> counts = pending.get(checkpointId);
        pending.headMap(checkpointId, true).clear();
        if (counts != null && !finalCountsWritten) {
            counts.forEach((id, count) -> {
                Tracked tracked = counters.get(id);
                output.collect(SAMPLES, new StreamRecord<>(sample(tracked, count, now), now));
            });
        }
    }

    /**
     * Writes {@code counter} as the series {@code name}; a restored subtask first adds the count it had at the
     * checkpoint, so the Flink metric is monotonic across restarts too.
     */
    public Counter counter(Counter counter, String name) {
        return counter(counter, name, null, null);
    }

    /** As {@link #counter(Counter, String)}, for the series of {@code name} with the label {@code labelName}. */
    public Counter counter(Counter counter, String name, String labelName, String labelValue) {
        String id = labelName == null ? name : name + "{" + labelName + "=" + labelValue + "}";
        Long before = restored.remove(id);
        if (before != null) {
            counter.inc(before);
        }
        counters.put(id, new Tracked(name, labelName, labelValue, counter));
        return counter;
    }

    /**
     * Writes a gauge in milliseconds as the series {@code name} in seconds; {@code millisAt} gets the processing time
     * of the emission.
     */
    public void gaugeMillisAsSeconds(String name, LongUnaryOperator millisAt) {
        gauges.put(name, new Gauge(name, millisAt, 1e-3));
    }

    /**
     * Writes every series now and then every {@link #INTERVAL}, on the operator's mailbox thread; counters only until
     * the first checkpoint, then when checkpoints complete. The counts written before the first checkpoint are never
     * above it, and a failure before it completes starts the job afresh, which Prometheus sees as a counter reset.
     */
    public <T> void start(ProcessingTimeService time, Output<StreamRecord<T>> output) {
        long interval = INTERVAL.toMillis();
        time.scheduleWithFixedDelay(now -> {
            if (!countersAtCheckpoints) {
                emitCounters(output, now);
            }
            emitGauges(output, now);
        }, 0, interval);
    }

    /** Writes every series now, for the last time: the input ended, and no timer follows. */
    public <T> void emitFinal(Output<StreamRecord<T>> output, long now) {
        emitCounters(output, now);
        emitGauges(output, now);
        finalCountsWritten = true;
    }

    private <T> void emitCounters(Output<StreamRecord<T>> output, long now) {
        counters.values().forEach(t -> output.collect(SAMPLES,
                new StreamRecord<>(sample(t, t.counter().getCount(), now), now)));
    }

    private <T> void emitGauges(Output<StreamRecord<T>> output, long now) {
        gauges.values().forEach(g -> output.collect(SAMPLES,
                new StreamRecord<>(new HealthSample(g.name(), job, subtask, null, null,
                        g.valueAt().applyAsLong(now) * g.scale(), now), now)));
    }

    private HealthSample sample(Tracked tracked, long count, long now) {
        return new HealthSample(tracked.name(), job, subtask, tracked.labelName(), tracked.labelValue(), count, now);
    }
}
