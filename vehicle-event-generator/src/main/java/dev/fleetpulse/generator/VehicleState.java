package dev.fleetpulse.generator;

import java.util.Objects;

import dev.fleetpulse.events.Region;

/**
 * What the simulation remembers about one vehicle, kept in Flink keyed state so it survives restarts and rescaling.
 *
 * <p>A mutable Flink POJO rather than a record on purpose: the simulation updates it once per event, and replacing it
 * with a new object every event would be the only allocation besides the event itself. Mutating the object returned
 * by {@code ValueState.value()} and passing it back to {@code update()} is safe with both state backends: the heap
 * backend copies an entry before handing it out while a snapshot still refers to it, RocksDB deserializes a fresh
 * object on every read.
 */
public class VehicleState {

    /** {@code V} + 10 digits; kept so the hot path does not format it per event. */
    public String vehicleId;
    /** Fixed for the vehicle's lifetime: drawn once from the seed, then carried in state. */
    public Region region;
    public boolean moving;
    /** Warning lights on, 0..{@value VehicleSimulator#MAX_WARNINGS}. */
    public int warnings;
    /** Events this vehicle has sent; with the seed and the vehicle it determines the next event. */
    public long eventCount;
    /** Time of the last event, so a clock step backwards never makes a vehicle's timestamps go back. */
    public long lastTimestamp;

    /** For Flink's POJO serializer. */
    public VehicleState() {
    }

    public VehicleState(String vehicleId, Region region, boolean moving, int warnings, long eventCount,
                        long lastTimestamp) {
        this.vehicleId = vehicleId;
        this.region = region;
        this.moving = moving;
        this.warnings = warnings;
        this.eventCount = eventCount;
        this.lastTimestamp = lastTimestamp;
    }

    public VehicleState copy() {
        return new VehicleState(vehicleId, region, moving, warnings, eventCount, lastTimestamp);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VehicleState s && moving == s.moving && warnings == s.warnings
                && eventCount == s.eventCount && lastTimestamp == s.lastTimestamp
                && Objects.equals(vehicleId, s.vehicleId) && region == s.region;
    }

    @Override
    public int hashCode() {
        return Objects.hash(vehicleId, region, moving, warnings, eventCount, lastTimestamp);
    }

    @Override
    public String toString() {
        return "VehicleState{" + vehicleId + ", " + region + ", " + (moving ? "moving" : "stopped") + ", warnings="
                + warnings + ", events=" + eventCount + ", last=" + lastTimestamp + "}";
    }
}
