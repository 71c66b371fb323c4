package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.VehicleModelCatalog;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.local.LocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The models file is read through Flink's file systems: a local path, a {@code file://} URI, and any scheme a
 * registered file system serves, as the S3 file system serves {@code s3://} on Amazon Managed Service for Apache
 * Flink. The test registers its own scheme, {@value #TEST_SCHEME}, through the same service-loader mechanism.
 */
class ModelCatalogSourceTest {

    static final String TEST_SCHEME = "fleetpulse-test";

    @TempDir
    Path dir;

    @Test
    void shouldReadTheFileFromALocalPathAFileUriAndARegisteredFileSystem() throws IOException {
        Path models = dir.resolve("models.csv");
        Files.writeString(models, "vehicleId,model\nV0000000001,Zephyr\n");

        for (String location : new String[] {models.toString(), models.toUri().toString(),
                TEST_SCHEME + "://" + models.toAbsolutePath()}) {
            VehicleModelCatalog catalog = ModelCatalogSource.file(location).load();
            assertThat(catalog.modelOf("V0000000001")).as(location).isEqualTo("Zephyr");
            assertThat(catalog.overrideCount()).as(location).isEqualTo(1);
        }
    }

    @Test
    void shouldTellWhenTheFileChanged() throws IOException {
        Path models = dir.resolve("models.csv");
        Files.writeString(models, "vehicleId,model\n");
        Files.setLastModifiedTime(models, java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));

        assertThat(ModelCatalogSource.file(TEST_SCHEME + "://" + models.toAbsolutePath()).lastModified())
                .isEqualTo(1_700_000_000_000L);
    }

    @Test
    void shouldNameTheLocationWhenTheFileIsMissing() {
        String missing = dir.resolve("absent.csv").toUri().toString();

        assertThatThrownBy(() -> ModelCatalogSource.file(missing).load()).isInstanceOf(IOException.class)
                .hasMessageContaining("absent.csv");
    }

    /** The local file system under another scheme: {@code fleetpulse-test:///some/path} is {@code /some/path}. */
    public static final class TestFileSystemFactory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return TEST_SCHEME;
        }

        @Override
        public FileSystem create(URI fsUri) {
            return new LocalFileSystem() {
                @Override
                public URI getUri() {
                    return URI.create(TEST_SCHEME + ":///");
                }
            };
        }
    }
}
