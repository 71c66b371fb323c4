package dev.fleetpulse.preprocessor;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Merges the partials of one (model, region, window) into its final {@link WindowAggregate}.
 *
 * <p>The distinct-vehicle count needs the vehicle ids, because the same vehicle can arrive in several partials
 * (emitted early before a checkpoint, or replayed after a restore). Each partial is appended to the key's list
 * state as it arrives, a write that reads nothing: with RocksDB an append is a merge into the memtable, where a
 * per-vehicle map would cost a read (usually of a vehicle not there yet) and a write. The entries of one vehicle are
 * merged only when the window fires, in memory; their number is bounded by the checkpoints and replays during the
 * window.
 *
 * <p>An event-time timer at the window's last millisecond fires once the watermark closes the window; the
 * pre-aggregator has emitted every partial of that window before forwarding that watermark. Firing clears the state
 * and the key disappears.
 */
public final class WindowAggregator extends KeyedProcessFunction<AggregateKey, VehicleWindowPartial, WindowAggregate> {

    private static final long serialVersionUID = 1L;

    private transient ListState<VehicleActivityEntry> entries;
    /**
     * Keys this instance has registered a timer for, so that a key's timer is registered with its first partial only,
     * not with every one. Not checkpointed: after a restore a key's next partial registers its timer again, which is
     * a no-op for a timer the checkpoint brought back.
     */
    private transient Set<AggregateKey> keysWithTimer;

    @Override
    public void open(OpenContext openContext) {
        entries = getRuntimeContext().getListState(new ListStateDescriptor<>(
                "vehicle-activity", TypeInformation.of(VehicleActivityEntry.class)));
        keysWithTimer = new HashSet<>();
    }

    @Override
    public void processElement(VehicleWindowPartial partial, Context ctx, Collector<WindowAggregate> out)
            throws Exception {
        entries.add(new VehicleActivityEntry(partial.vehicleId(), partial.activity()));
        if (keysWithTimer.add(partial.key())) {
            ctx.timerService().registerEventTimeTimer(TumblingWindows.lastTimestampOf(partial.key().windowEnd()));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowAggregate> out) throws Exception {
        Map<String, VehicleActivity> vehicles = new HashMap<>();
        for (VehicleActivityEntry entry : entries.get()) {
            vehicles.merge(entry.vehicleId(), entry.activity(), VehicleActivity::merge);
        }
        long inMotion = 0;
        long warnings = 0;
        for (VehicleActivity activity : vehicles.values()) {
            if (activity.moved()) {
                inMotion++;
            }
            if (activity.hasWarning()) {
                warnings += activity.warningCount();
            }
        }
        entries.clear();
        keysWithTimer.remove(ctx.getCurrentKey());
        out.collect(new WindowAggregate(ctx.getCurrentKey(), inMotion, warnings));
    }
}
