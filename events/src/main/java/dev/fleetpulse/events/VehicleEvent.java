package dev.fleetpulse.events;

import java.util.Objects;

/**
 * One telemetry reading of one vehicle, as it travels on the {@code vehicle-events} topic.
 *
 * @param eventType what is measured
 * @param vehicleId the vehicle, e.g. {@code V0000012345}; also the Kafka record key
 * @param region where the vehicle is registered; fixed per vehicle
 * @param timestamp event time in epoch milliseconds
 * @param measurement the reading: RPM, or the number of warning lights on
 */
public record VehicleEvent(EventType eventType, String vehicleId, Region region, long timestamp, long measurement) {

    /** Longest vehicle id accepted; anything longer is almost certainly not an id. */
    public static final int MAX_VEHICLE_ID_LENGTH = 64;

    /**
     * The characters a vehicle id may have: letters and digits (any script), {@code -}, {@code _}, {@code .} and
     * {@code :}. No spaces, no control or format characters (a zero-width space would make a second, invisible
     * series of the same vehicle), no lone surrogates (UTF-8 cannot carry them, so distinct ids would merge into one
     * label value).
     */
    public static boolean isAcceptableVehicleIdChar(int codePoint) {
        return Character.isLetterOrDigit(codePoint)
                || codePoint == '-' || codePoint == '_' || codePoint == '.' || codePoint == ':';
    }

    public VehicleEvent {
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(vehicleId, "vehicleId");
        Objects.requireNonNull(region, "region");
    }

    /** True when this reading says the vehicle moves: an engine or motor turning, in either direction. */
    public boolean indicatesMotion() {
        return eventType.isRpm() && measurement != 0;
    }
}
