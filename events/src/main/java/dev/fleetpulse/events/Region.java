package dev.fleetpulse.events;

import java.util.HashMap;
import java.util.Map;

/**
 * The 20 regions a vehicle can belong to. A vehicle's region never changes. The weights say how common each region is
 * in the simulated fleet (US most common); they are relative, not percentages.
 */
public enum Region {
    US("US", 20),
    CANADA("Canada", 8),
    MEXICO("Mexico", 6),
    UK("UK", 7),
    GERMANY("Germany", 7),
    FRANCE("France", 6),
    ITALY("Italy", 5),
    SPAIN("Spain", 5),
    POLAND("Poland", 3),
    SWEDEN("Sweden", 2),
    NORWAY("Norway", 2),
    AUSTRALIA("Australia", 5),
    NEW_ZEALAND("New Zealand", 1),
    JAPAN("Japan", 7),
    THAILAND("Thailand", 3),
    MALAYSIA("Malaysia", 2),
    SOUTH_AFRICA("South Africa", 2),
    BRAZIL("Brazil", 5),
    ARGENTINA("Argentina", 2),
    UAE("UAE", 2);

    private static final Region[] VALUES = values();
    private static final Map<String, Region> BY_LABEL = new HashMap<>();
    private static final double[] CUMULATIVE_SHARE = new double[VALUES.length];
    private static final int TOTAL_WEIGHT;

    static {
        int total = 0;
        for (Region r : VALUES) {
            BY_LABEL.put(r.label, r);
            total += r.weight;
        }
        TOTAL_WEIGHT = total;
        int running = 0;
        for (int i = 0; i < VALUES.length; i++) {
            running += VALUES[i].weight;
            CUMULATIVE_SHARE[i] = (double) running / total;
        }
    }

    private final String label;
    private final int weight;

    Region(String label, int weight) {
        this.label = label;
        this.weight = weight;
    }

    /** The name used in JSON and as the Prometheus label value, e.g. {@code "New Zealand"}. */
    public String label() {
        return label;
    }

    /** Relative weight of this region in a simulated fleet. */
    public int weight() {
        return weight;
    }

    /** The region with this JSON label, or {@code null} when there is none (no exception on the hot path). */
    public static Region fromLabel(String label) {
        return BY_LABEL.get(label);
    }

    /**
     * Maps a uniform number in [0, 1) to a region, following the weights: a vehicle drawn this way is most often in
     * the US. The generator draws one such number per vehicle from its seed, so a vehicle's region is fixed.
     */
    public static Region weighted(double uniform) {
        if (!(uniform >= 0.0 && uniform < 1.0)) {
            throw new IllegalArgumentException("uniform must be in [0, 1), was " + uniform);
        }
        for (int i = 0; i < VALUES.length; i++) {
            if (uniform < CUMULATIVE_SHARE[i]) {
                return VALUES[i];
            }
        }
        return VALUES[VALUES.length - 1];
    }

    /** This region's share of a weighted fleet, in (0, 1). */
    public double share() {
        return (double) weight / TOTAL_WEIGHT;
    }
}
