package dev.fleetpulse.events;

/** What a vehicle event measures. The JSON form is the constant's name. */
public enum EventType {
    /** Combustion engine RPM, never negative. */
    IC_RPM(0, 100_000),
    /** Electric motor RPM; negative while the motor runs backwards or recuperates. */
    ELECTRIC_RPM(-100_000, 100_000),
    /** Number of warning lights currently on. */
    WARNINGS(0, 5);

    private final long minMeasurement;
    private final long maxMeasurement;

    EventType(long minMeasurement, long maxMeasurement) {
        this.minMeasurement = minMeasurement;
        this.maxMeasurement = maxMeasurement;
    }

    /** Smallest measurement this type accepts; anything below is rejected as {@link RejectReason#BAD_MEASUREMENT}. */
    public long minMeasurement() {
        return minMeasurement;
    }

    /** Largest measurement this type accepts. */
    public long maxMeasurement() {
        return maxMeasurement;
    }

    /** True for the engine and motor readings, the ones that say whether a vehicle moves. */
    public boolean isRpm() {
        return this != WARNINGS;
    }

    /** Resolves the JSON name without throwing; {@code null} when the name is unknown. */
    public static EventType fromName(String name) {
        return switch (name) {
            case "IC_RPM" -> IC_RPM;
            case "ELECTRIC_RPM" -> ELECTRIC_RPM;
            case "WARNINGS" -> WARNINGS;
            default -> null;
        };
    }
}
