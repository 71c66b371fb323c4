package dev.fleetpulse.events;

/** What {@link VehicleEventJson#parse} makes of a record: an event, or the precise reason it is not one. */
public sealed interface ParseResult permits ParseResult.Valid, ParseResult.Invalid {

    /** A record that parsed and validated. */
    record Valid(VehicleEvent event) implements ParseResult {
    }

    /**
     * A record that did not.
     *
     * @param reason the class of problem, stable for headers and metrics
     * @param detail what exactly was wrong, for a human reading the dead-letter topic
     */
    record Invalid(RejectReason reason, String detail) implements ParseResult {
    }
}
