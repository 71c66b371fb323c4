package dev.fleetpulse.generator;

import java.io.Serializable;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;

/**
 * The behaviour of one simulated hybrid vehicle: a pure function of (seed, vehicle, number of events sent so far).
 *
 * <p>Every random draw is a hash of those three numbers and the draw's purpose, never the output of a shared random
 * generator. So a vehicle's sequence of (type, measurement) is the same at any parallelism, in any interleaving with
 * other vehicles, and after a restore from a checkpoint, which only has to bring back the {@link VehicleState}.
 *
 * <p>The model: a vehicle is moving or stopped and has 0..5 warning lights on. Before each event the vehicle may
 * start or stop ({@code probMotionStateChange}) and may switch one warning light on or off
 * ({@code probWarningChange}; at 0 only on, at 5 only off). Then it reports: usually an engine reading, combustion
 * ({@link EventType#IC_RPM}) or electric ({@link EventType#ELECTRIC_RPM}) half of the time each, zero when stopped;
 * sometimes ({@value #WARNINGS_EVENT_SHARE}) its warning count.
 */
public final class VehicleSimulator implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int MAX_WARNINGS = 5;
    /** Share of events that report the warning count rather than an RPM reading. */
    static final double WARNINGS_EVENT_SHARE = 0.1;
    /** Share of vehicles moving when first seen, so a fresh fleet is not all parked. */
    static final double INITIALLY_MOVING_SHARE = 0.5;
    /** A running combustion engine: idle to near the red line. */
    static final int IC_RPM_MIN = 800;
    static final int IC_RPM_MAX = 6_500;
    /** A turning electric motor: magnitude range; negative while recuperating or reversing. */
    static final int ELECTRIC_RPM_MIN = 100;
    static final int ELECTRIC_RPM_MAX = 12_000;
    static final double ELECTRIC_NEGATIVE_SHARE = 0.15;

    // Purposes of the draws for one event; each gets its own independent hash.
    private static final int DRAW_MOTION = 0;
    private static final int DRAW_WARNING_CHANGE = 1;
    private static final int DRAW_WARNING_DIRECTION = 2;
    private static final int DRAW_TYPE = 3;
    private static final int DRAW_MEASUREMENT = 4;
    private static final int DRAW_SIGN = 5;
    private static final int DRAWS_PER_EVENT = 8;
    // Per-vehicle draws made once, at first sight.
    private static final long DRAW_REGION = -1;
    private static final long DRAW_INITIAL_MOTION = -2;

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private final long seed;
    private final double probMotionStateChange;
    private final double probWarningChange;

    public VehicleSimulator(long seed, double probMotionStateChange, double probWarningChange) {
        if (!(probMotionStateChange >= 0 && probMotionStateChange <= 1)) {
            throw new IllegalArgumentException("probMotionStateChange must be in [0, 1], was " + probMotionStateChange);
        }
        if (!(probWarningChange >= 0 && probWarningChange <= 1)) {
            throw new IllegalArgumentException("probWarningChange must be in [0, 1], was " + probWarningChange);
        }
        this.seed = seed;
        this.probMotionStateChange = probMotionStateChange;
        this.probWarningChange = probWarningChange;
    }

    /** The vehicle with this index, before its first event: id, region from the seed, moving or not, no warnings. */
    public VehicleState initialState(long vehicle) {
        long stream = stream(vehicle);
        return new VehicleState(VehicleIds.of(vehicle), Region.weighted(uniform(stream, DRAW_REGION)),
                uniform(stream, DRAW_INITIAL_MOTION) < INITIALLY_MOVING_SHARE, 0, 0, Long.MIN_VALUE);
    }

    /**
     * Advances the vehicle by one event, updating {@code state} in place, and returns the event.
     *
     * @param now the current time in epoch ms; the event's timestamp is this, or the previous event's if the clock
     *     went back
     */
    public VehicleEvent next(long vehicle, VehicleState state, long now) {
        long stream = stream(vehicle);
        long draw = state.eventCount * DRAWS_PER_EVENT;
        if (uniform(stream, draw + DRAW_MOTION) < probMotionStateChange) {
            state.moving = !state.moving;
        }
        if (uniform(stream, draw + DRAW_WARNING_CHANGE) < probWarningChange) {
            boolean up = state.warnings == 0
                    || (state.warnings < MAX_WARNINGS && uniform(stream, draw + DRAW_WARNING_DIRECTION) < 0.5);
            state.warnings += up ? 1 : -1;
        }
        double type = uniform(stream, draw + DRAW_TYPE);
        EventType eventType;
        long measurement;
        if (type < WARNINGS_EVENT_SHARE) {
            eventType = EventType.WARNINGS;
            measurement = state.warnings;
        } else if (type < WARNINGS_EVENT_SHARE + (1 - WARNINGS_EVENT_SHARE) / 2) {
            eventType = EventType.IC_RPM;
            measurement = state.moving ? between(uniform(stream, draw + DRAW_MEASUREMENT), IC_RPM_MIN, IC_RPM_MAX) : 0;
        } else {
            eventType = EventType.ELECTRIC_RPM;
            measurement = state.moving ? electricRpm(stream, draw) : 0;
        }
        long timestamp = Math.max(now, state.lastTimestamp);
        state.lastTimestamp = timestamp;
        state.eventCount++;
        return new VehicleEvent(eventType, state.vehicleId, state.region, timestamp, measurement);
    }

    private static long electricRpm(long stream, long draw) {
        long magnitude = between(uniform(stream, draw + DRAW_MEASUREMENT), ELECTRIC_RPM_MIN, ELECTRIC_RPM_MAX);
        return uniform(stream, draw + DRAW_SIGN) < ELECTRIC_NEGATIVE_SHARE ? -magnitude : magnitude;
    }

    /** An integer in [min, max] from a uniform number in [0, 1). */
    private static long between(double uniform, int min, int max) {
        return min + (long) (uniform * (max - min + 1));
    }

    /** The vehicle's own random stream, independent of every other vehicle's. */
    private long stream(long vehicle) {
        return mix64(seed ^ mix64(vehicle * GOLDEN_GAMMA + GOLDEN_GAMMA));
    }

    /** A uniform number in [0, 1) for draw number {@code draw} of a vehicle's stream. */
    private static double uniform(long stream, long draw) {
        return (mix64(stream + draw * GOLDEN_GAMMA) >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finalizer: a bijective 64-bit mix whose outputs pass statistical randomness tests. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
