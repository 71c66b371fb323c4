package dev.fleetpulse.preprocessor;

/**
 * What one vehicle did in one window, reduced to what the aggregates need: whether it moved, and its latest warning
 * report. Merging is commutative, associative and idempotent (moved: OR; warning: the later report, equal times
 * broken by the larger count), so partial results may be merged in any order and any number of times.
 *
 * @param moved at least one engine or motor reading with a non-zero RPM
 * @param warningTimestamp event time of the latest warning report, {@link #NO_WARNING} when there was none
 * @param warningCount warning lights on in that report
 */
public record VehicleActivity(boolean moved, long warningTimestamp, int warningCount) {

    /** Marks the absence of a warning report; below every valid event time. */
    public static final long NO_WARNING = Long.MIN_VALUE;

    public boolean hasWarning() {
        return warningTimestamp != NO_WARNING;
    }

    public VehicleActivity merge(VehicleActivity other) {
        boolean otherWarningWins = supersedes(other.warningTimestamp, other.warningCount,
                warningTimestamp, warningCount);
        return new VehicleActivity(moved || other.moved,
                otherWarningWins ? other.warningTimestamp : warningTimestamp,
                otherWarningWins ? other.warningCount : warningCount);
    }

    /** The tie rule of DESIGN section 5: the later report wins; at equal event times, the larger count. */
    static boolean supersedes(long timestamp, int count, long currentTimestamp, int currentCount) {
        return timestamp > currentTimestamp || (timestamp == currentTimestamp && count > currentCount);
    }
}
