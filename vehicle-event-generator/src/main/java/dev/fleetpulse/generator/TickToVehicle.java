package dev.fleetpulse.generator;

import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Turns the datagen source's tick numbers 0, 1, 2, ... into vehicle indexes round-robin: every vehicle gets one event
 * in turn, whatever the parallelism, and with a bound of N events each vehicle gets N / vehicles of them (the first
 * N % vehicles vehicles one more).
 */
public final class TickToVehicle implements GeneratorFunction<Long, Long> {

    private static final long serialVersionUID = 1L;

    private final long vehicles;

    public TickToVehicle(long vehicles) {
        if (vehicles < 1) {
            throw new IllegalArgumentException("vehicles must be >= 1, was " + vehicles);
        }
        this.vehicles = vehicles;
    }

    @Override
    public Long map(Long tick) {
        return tick % vehicles;
    }
}
