package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.RejectReason;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.metrics.JobMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.HashMap;
import java.util.Map;

/**
 * Valid events go on; dead letters go to {@link #DEAD_LETTERS} and are counted, in total ({@code invalidRecords})
 * and per reason ({@code invalidRecordsByReason} with a {@code reason} variable, which reporters turn into a label).
 * Chained to the source, so it costs no serialization.
 */
public final class SplitInvalidRecords extends ProcessFunction<IncomingRecord, VehicleEvent> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private transient Counter invalid;
    private transient Map<String, Counter> byReason;
    private transient MetricGroup metrics;

    @Override
    public void open(OpenContext openContext) {
        metrics = getRuntimeContext().getMetricGroup();
        invalid = JobMetrics.counter(metrics, "invalidRecords");
        byReason = new HashMap<>();
        for (RejectReason reason : RejectReason.values()) {
            counterFor(reason.code());
        }
    }

    @Override
    public void processElement(IncomingRecord record, Context ctx, Collector<VehicleEvent> out) {
        if (record.isValid()) {
            out.collect(record.event());
            return;
        }
        DeadLetter letter = record.deadLetter();
        invalid.inc();
        counterFor(letter.reason()).inc();
        ctx.output(DEAD_LETTERS, letter);
    }

    private Counter counterFor(String reason) {
        return byReason.computeIfAbsent(reason,
                r -> JobMetrics.counter(metrics, "reason", r, "invalidRecordsByReason"));
    }
}
