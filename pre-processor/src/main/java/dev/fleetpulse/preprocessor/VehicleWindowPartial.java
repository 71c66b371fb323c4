package dev.fleetpulse.preprocessor;

/**
 * One vehicle's activity in one window as seen by one pre-aggregator subtask, possibly only part of the window
 * (emitted early before a checkpoint barrier). Partials of the same vehicle and key merge with
 * {@link VehicleActivity#merge}.
 */
public record VehicleWindowPartial(AggregateKey key, String vehicleId, VehicleActivity activity) {
}
