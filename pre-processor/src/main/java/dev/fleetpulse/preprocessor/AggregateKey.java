package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.Region;

/**
 * What one output pair of samples is about: a vehicle model in a region, in the window ending at {@code windowEnd}.
 * The key of the shuffle between the pre-aggregation and the per-series merge.
 */
public record AggregateKey(String model, Region region, long windowEnd) {

    /**
     * Flink assigns key groups, and so subtasks, from {@code hashCode()}. Two rules follow:
     * <ul>
     *   <li>It must be the same in every JVM. A record's generated hash would use {@link Enum#hashCode()}, an
     *       identity hash that differs between task managers and restarts; the region's ordinal does not.</li>
     *   <li>It leaves out the window end, so every window of a (model, region) is merged by the same subtask.
     *       Event-time timers of one subtask fire in timestamp order, so each output series leaves that subtask
     *       window by window, in order, which Prometheus requires (it rejects a sample older than the series'
     *       newest). With the window end in the hash, two subtasks could emit the windows of one series in either
     *       order when their watermarks differ, and the older sample would be lost.</li>
     * </ul>
     * Equal keys still have equal hashes; keys that differ only in the window end share one, which costs nothing
     * because only a few windows are open at a time.
     */
    @Override
    public int hashCode() {
        return 31 * model.hashCode() + region.ordinal();
    }
}
