package dev.fleetpulse.preprocessor;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Merges the partials of one (model, region, window) into its final {@link WindowAggregate}.
 *
 * <p>State is one small {@link VehicleActivity} per vehicle: the distinct-vehicle count needs the ids, because the
 * same vehicle can arrive in several partials (emitted early before a checkpoint, or replayed after a restore).
 * An event-time timer at the window's last millisecond fires once the watermark closes the window; the pre-aggregator
 * has emitted every partial of that window before forwarding that watermark. Firing clears the state and the key
 * disappears.
 */
public final class WindowAggregator extends KeyedProcessFunction<AggregateKey, VehicleWindowPartial, WindowAggregate> {

    private static final long serialVersionUID = 1L;

    private transient MapState<String, VehicleActivity> vehicles;

    @Override
    public void open(OpenContext openContext) {
        vehicles = getRuntimeContext().getMapState(new MapStateDescriptor<>(
                "vehicles", Types.STRING, TypeInformation.of(VehicleActivity.class)));
    }

    @Override
    public void processElement(VehicleWindowPartial partial, Context ctx, Collector<WindowAggregate> out)
            throws Exception {
        VehicleActivity known = vehicles.get(partial.vehicleId());
        if (known == null) {
            vehicles.put(partial.vehicleId(), partial.activity());
            // Registering the same timer again is a no-op, so doing it once per new vehicle needs no extra state.
            ctx.timerService().registerEventTimeTimer(TumblingWindows.lastTimestampOf(partial.key().windowEnd()));
        } else {
            vehicles.put(partial.vehicleId(), known.merge(partial.activity()));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WindowAggregate> out) throws Exception {
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
        vehicles.clear();
        out.collect(new WindowAggregate(ctx.getCurrentKey(), inMotion, warnings));
    }
}
