package dev.fleetpulse.preprocessor.testkit;

import dev.fleetpulse.events.VehicleEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle's vehicle models: a table of its own, not the job's catalog, so an enrichment bug cannot hide by being
 * computed the same way on both sides. Tests give the job the same table as its reference file
 * ({@code Enrichment.models.file}, see {@link #file()}): the aggregates then match only if the job reads the file and
 * applies it to every vehicle. The table deals the models out round-robin over the sorted ids, unlike the catalog's
 * hash of the id, so a job that ignored the file would put most vehicles under another model.
 */
public final class ModelTable {

    /** DESIGN's eight model names, written out here rather than taken from the code under test. */
    private static final List<String> MODELS =
            List.of("Aurora", "Borealis", "Cirrus", "Dynamo", "Ember", "Falcon", "Glacier", "Horizon");

    private final Map<String, String> models = new TreeMap<>();
    private Path file;

    private ModelTable(Collection<String> vehicleIds) {
        int i = 0;
        for (String id : new TreeSet<>(vehicleIds)) {
            models.put(id, MODELS.get(i++ % MODELS.size()));
        }
    }

    /** A table for these vehicles. */
    public static ModelTable forVehicles(Collection<String> vehicleIds) {
        return new ModelTable(vehicleIds);
    }

    /** A table for every vehicle of these events. */
    public static ModelTable forEvents(Collection<VehicleEvent> events) {
        return new ModelTable(events.stream().map(VehicleEvent::vehicleId).toList());
    }

    /** The vehicle's model in this table; a vehicle the table lacks is a mistake of the test, not a default. */
    public String modelOf(String vehicleId) {
        String model = models.get(vehicleId);
        if (model == null) {
            throw new IllegalArgumentException("vehicle " + vehicleId + " is not in the oracle's model table");
        }
        return model;
    }

    /** The table as a {@code vehicleId,model} file for the job, written once, deleted when the JVM exits. */
    public synchronized Path file() {
        if (file == null) {
            try {
                file = Files.createTempFile("oracle-models-", ".csv");
                file.toFile().deleteOnExit();
                StringBuilder csv = new StringBuilder("vehicleId,model\n");
                models.forEach((id, model) -> csv.append(id).append(',').append(model).append('\n'));
                Files.writeString(file, csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the oracle's model table", e);
            }
        }
        return file;
    }
}
