package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.VehicleModelCatalog;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Where the vehicle-model catalog comes from: derived from vehicle ids, or a {@code vehicleId,model} CSV file that
 * overrides them. Only the location travels with the job graph; each task loads the file when it opens, so a large
 * reference file is not serialized into the job.
 *
 * <p>The file is read through Flink's file systems, so the location is any path or URI the cluster can read: a local
 * path or {@code file://} URI locally, {@code s3://bucket/models.csv} on Amazon Managed Service for Apache Flink (which
 * provides the S3 file system).
 *
 * @param file path or URI of the CSV file, or {@code null} for the derived catalog
 * @param refreshInterval how often each task looks for a changed file and reloads it; {@link Duration#ZERO}: never
 */
public record ModelCatalogSource(String file, Duration refreshInterval) implements Serializable {

    public ModelCatalogSource {
        if (refreshInterval.isNegative() || (file == null && !refreshInterval.isZero())) {
            throw new IllegalArgumentException("refreshInterval must be zero or positive, and zero without a file; was "
                    + refreshInterval);
        }
    }

    public static ModelCatalogSource derived() {
        return new ModelCatalogSource(null, Duration.ZERO);
    }

    /** A file read once per task. */
    public static ModelCatalogSource file(String file) {
        return new ModelCatalogSource(file, Duration.ZERO);
    }

    public boolean refreshes() {
        return !refreshInterval.isZero();
    }

    public VehicleModelCatalog load() throws IOException {
        if (file == null) {
            return VehicleModelCatalog.defaults();
        }
        Path path = new Path(file);
        try (FSDataInputStream in = path.getFileSystem().open(path);
             Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return VehicleModelCatalog.fromCsv(reader, file);
        }
    }

    /** When the file last changed, as its file system tells; a refresh reloads the file when this moves. */
    public long lastModified() throws IOException {
        Path path = new Path(file);
        return path.getFileSystem().getFileStatus(path).getModificationTime();
    }

    @Override
    public String toString() {
        if (file == null) {
            return "derived from vehicle ids";
        }
        return refreshes() ? file + " (checked for changes every " + refreshInterval + ")" : file;
    }
}
