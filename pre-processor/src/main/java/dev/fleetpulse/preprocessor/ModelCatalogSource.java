package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.VehicleModelCatalog;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the vehicle-model catalog comes from: derived from vehicle ids, or a {@code vehicleId,model} CSV file that
 * overrides them. Only the location travels with the job graph; each task loads the file once when it opens, so a
 * large reference file is not serialized into the job.
 *
 * @param file path of the CSV file on the task managers, or {@code null} for the derived catalog
 */
public record ModelCatalogSource(String file) implements Serializable {

    public static ModelCatalogSource derived() {
        return new ModelCatalogSource(null);
    }

    public VehicleModelCatalog load() throws IOException {
        if (file == null) {
            return VehicleModelCatalog.defaults();
        }
        try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            return VehicleModelCatalog.fromCsv(reader, file);
        }
    }

    @Override
    public String toString() {
        return file == null ? "derived from vehicle ids" : file;
    }
}
