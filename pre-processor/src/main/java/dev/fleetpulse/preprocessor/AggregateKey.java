package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.Region;

/**
 * What one output pair of samples is about: a vehicle model in a region, in the window ending at {@code windowEnd}.
 * The key of the shuffle between the pre-aggregation and the per-series merge.
 */
public record AggregateKey(String model, Region region, long windowEnd) {

    /**
     * Flink assigns key groups from {@code hashCode()}, so it must be the same in every JVM. A record's generated
     * hash would use {@link Enum#hashCode()}, which is an identity hash and differs between task managers and
     * restarts; the region's ordinal does not.
     */
    @Override
    public int hashCode() {
        return 31 * (31 * model.hashCode() + region.ordinal()) + Long.hashCode(windowEnd);
    }
}
