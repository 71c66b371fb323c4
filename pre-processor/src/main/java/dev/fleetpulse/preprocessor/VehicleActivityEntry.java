package dev.fleetpulse.preprocessor;

/**
 * One partial as the merge stage keeps it: the vehicle and its activity, without the key its state is already under.
 * A vehicle can have several entries in one window; {@link WindowAggregator} merges them when the window fires.
 */
public record VehicleActivityEntry(String vehicleId, VehicleActivity activity) {
}
