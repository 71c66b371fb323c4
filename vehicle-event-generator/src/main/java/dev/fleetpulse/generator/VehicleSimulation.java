package dev.fleetpulse.generator;

import dev.fleetpulse.events.VehicleEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Runs the {@link VehicleSimulator} for the vehicles of this subtask: each input is a request for one event of the
 * keyed vehicle; the vehicle's state lives in Flink keyed state, so it is checkpointed and moves with its key group
 * when the job is rescaled. Timestamps come from the {@link EventClock}: the processing-time service (the wall clock in
 * a job, a settable clock in tests), or a simulated clock.
 */
public final class VehicleSimulation extends KeyedProcessFunction<Long, Long, VehicleEvent> {

    private static final long serialVersionUID = 1L;

    static final TypeInformation<VehicleState> STATE_TYPE = TypeInformation.of(VehicleState.class);
    static final ValueStateDescriptor<VehicleState> STATE = new ValueStateDescriptor<>("vehicle", STATE_TYPE);

    private final VehicleSimulator simulator;
    private final EventClock clock;
    private transient ValueState<VehicleState> state;

    public VehicleSimulation(VehicleSimulator simulator, EventClock clock) {
        this.simulator = simulator;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
    }

    @Override
    public void processElement(Long vehicle, Context ctx, Collector<VehicleEvent> out) throws Exception {
        long v = vehicle;
        VehicleState current = state.value();
        if (current == null) {
            current = simulator.initialState(v);
        }
        long now = clock.nextEventTime(current.eventCount, ctx.timerService().currentProcessingTime());
        VehicleEvent event = simulator.next(v, current, now);
        state.update(current);
        out.collect(event);
    }
}
