package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.RejectReason;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.health.HealthReportingOperator;
import dev.fleetpulse.jobs.health.PipelineHealth;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.Map;

/**
 * Valid events go on, counted ({@code vehicleEventsIn}); dead letters go to {@link #DEAD_LETTERS} and are counted, in
 * total ({@code invalidRecords}) and per reason ({@code invalidRecordsByReason} with a {@code reason} variable, which
 * reporters turn into a label).
 * Chained to the source, so it costs no serialization.
 *
 * <p>It also reports the reader's health ({@link PipelineHealth}): valid events in, dead letters by reason, and the
 * event-time lag of the newest event its subtask has seen.
 */
public final class SplitInvalidRecords extends HealthReportingOperator<VehicleEvent>
        implements OneInputStreamOperator<IncomingRecord, VehicleEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private transient Counter eventsIn;
    private transient Counter invalid;
    private transient Map<String, Counter> byReason;
    private transient MetricGroup metrics;
    private transient long newestEventTime;

    /** @param job the job's name, the {@code job} label of its health series */
    public SplitInvalidRecords(String job) {
        super(job);
    }

    @Override
    public void open() throws Exception {
        super.open();
        metrics = getMetricGroup();
        newestEventTime = Long.MIN_VALUE;
        eventsIn = health().counter(JobMetrics.counter(metrics, "vehicleEventsIn"), PipelineHealth.EVENTS_IN);
        invalid = JobMetrics.counter(metrics, "invalidRecords");
        byReason = new HashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            counterFor(reason.code());
        }
        health().gaugeMillisAsSeconds(PipelineHealth.EVENT_TIME_LAG, this::eventTimeLagMs);
    }

    @Override
    public void processElement(StreamRecord<IncomingRecord> element) {
        IncomingRecord record = element.getValue();
        if (record.isValid()) {
            VehicleEvent event = record.event();
            eventsIn.inc();
            if (event.timestamp() > newestEventTime) {
                newestEventTime = event.timestamp();
            }
            output.collect(element.replace(event));
            return;
        }
        DeadLetter letter = record.deadLetter();
        invalid.inc();
        counterFor(letter.reason()).inc();
        output.collect(DEAD_LETTERS, element.replace(letter));
    }

    private Counter counterFor(String reason) {
        return byReason.computeIfAbsent(reason, r -> health().counter(
                JobMetrics.counter(metrics, "reason", r, "invalidRecordsByReason"),
                PipelineHealth.DEAD_LETTERS, "reason", r));
    }

    /** 0 before the first event: nothing to be behind on yet. */
    private long eventTimeLagMs(long now) {
        return newestEventTime == Long.MIN_VALUE ? 0 : now - newestEventTime;
    }
}
