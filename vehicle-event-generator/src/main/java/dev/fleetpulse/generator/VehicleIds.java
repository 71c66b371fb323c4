package dev.fleetpulse.generator;

/** Vehicle ids of the simulated fleet: {@code V} + the vehicle's index as 10 digits, e.g. {@code V0000012345}. */
public final class VehicleIds {

    public static final long MAX_VEHICLES = 10_000_000_000L;
    private static final int DIGITS = 10;

    private VehicleIds() {
    }

    public static String of(long vehicle) {
        if (vehicle < 0 || vehicle >= MAX_VEHICLES) {
            throw new IllegalArgumentException("vehicle index must be in [0, " + MAX_VEHICLES + "), was " + vehicle);
        }
        char[] id = new char[DIGITS + 1];
        id[0] = 'V';
        long rest = vehicle;
        for (int i = DIGITS; i > 0; i--) {
            id[i] = (char) ('0' + rest % 10);
            rest /= 10;
        }
        return new String(id);
    }
}
