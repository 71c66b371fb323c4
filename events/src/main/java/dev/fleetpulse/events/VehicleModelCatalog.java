package dev.fleetpulse.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which model each vehicle is. By default the model is derived from the vehicle id, so every job and test agrees on it
 * without a lookup table; a reference file of {@code vehicleId,model} lines can override it per vehicle.
 */
public final class VehicleModelCatalog implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The eight models of the simulated fleet. */
    public static final List<String> DEFAULT_MODELS = List.of(
            "Aurora", "Borealis", "Cirrus", "Dynamo", "Ember", "Falcon", "Glacier", "Horizon");

    private static final VehicleModelCatalog DEFAULT = new VehicleModelCatalog(Map.of());

    private final Map<String, String> overrides;

    private VehicleModelCatalog(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    /** The catalog that derives every model from the id. */
    public static VehicleModelCatalog defaults() {
        return DEFAULT;
    }

    /** A catalog where the given vehicles have the given models and every other vehicle its derived model. */
    public static VehicleModelCatalog withOverrides(Map<String, String> overrides) {
        return new VehicleModelCatalog(overrides);
    }

    /**
     * Reads {@code vehicleId,model} lines. Blank lines, lines starting with {@code #} and a header line
     * {@code vehicleId,model} are skipped. Every malformed line is reported, with its number, in one exception.
     */
    public static VehicleModelCatalog fromCsv(Reader csv, String sourceName) throws IOException {
        Map<String, String> overrides = new HashMap<>();
        List<String> problems = new ArrayList<>();
        BufferedReader in = csv instanceof BufferedReader b ? b : new BufferedReader(csv);
        String line;
        int lineNumber = 0;
        while ((line = in.readLine()) != null) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.equalsIgnoreCase("vehicleId,model")) {
                continue;
            }
            int comma = trimmed.indexOf(',');
            String id = comma < 0 ? "" : trimmed.substring(0, comma).strip();
            String model = comma < 0 ? "" : trimmed.substring(comma + 1).strip();
            if (id.isEmpty() || model.isEmpty() || model.indexOf(',') >= 0) {
                problems.add("line " + lineNumber + ": expected 'vehicleId,model', got '" + trimmed + "'");
            } else {
                overrides.put(id, model);
            }
        }
        if (!problems.isEmpty()) {
            throw new IOException("Invalid vehicle model file " + sourceName + ":\n  " + String.join("\n  ", problems));
        }
        return new VehicleModelCatalog(overrides);
    }

    /** The model of this vehicle. */
    public String modelOf(String vehicleId) {
        String model = overrides.isEmpty() ? null : overrides.get(vehicleId);
        return model != null ? model : derivedModel(vehicleId);
    }

    /** Number of vehicles whose model comes from the reference file rather than from the id. */
    public int overrideCount() {
        return overrides.size();
    }

    /**
     * The model derived from the id alone. {@link String#hashCode()} is specified by the JDK, so this is the same in
     * every JVM; the extra mixing spreads ids that differ only in their last digits evenly over the models.
     */
    public static String derivedModel(String vehicleId) {
        int h = vehicleId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return DEFAULT_MODELS.get(Math.floorMod(h, DEFAULT_MODELS.size()));
    }
}
