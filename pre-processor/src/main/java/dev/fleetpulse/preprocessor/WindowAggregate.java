package dev.fleetpulse.preprocessor;

/**
 * The final result of one (model, region, window): the two values written to Prometheus at the window end.
 *
 * @param vehiclesInMotion distinct vehicles with at least one non-zero RPM reading
 * @param warnings sum over the vehicles that reported warnings of each one's latest count
 */
public record WindowAggregate(AggregateKey key, long vehiclesInMotion, long warnings) {
}
