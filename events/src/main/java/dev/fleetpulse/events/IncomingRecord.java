package dev.fleetpulse.events;

/**
 * What a job's Kafka source emits for each record: exactly one of a valid {@link VehicleEvent} or a
 * {@link DeadLetter}. One type for both keeps bad records in the stream, in order, instead of failing the source.
 */
public record IncomingRecord(VehicleEvent event, DeadLetter deadLetter) {

    public static IncomingRecord of(VehicleEvent event) {
        return new IncomingRecord(event, null);
    }

    public static IncomingRecord rejected(DeadLetter deadLetter) {
        return new IncomingRecord(null, deadLetter);
    }

    public boolean isValid() {
        return event != null;
    }
}
