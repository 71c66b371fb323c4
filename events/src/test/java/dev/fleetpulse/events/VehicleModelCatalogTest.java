package dev.fleetpulse.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VehicleModelCatalogTest {

    @Test
    void shouldHaveEightDistinctModels() {
        assertThat(new HashSet<>(VehicleModelCatalog.DEFAULT_MODELS)).hasSize(8);
    }

    @Test
    void shouldSpreadGeneratorIdsEvenlyOverAllEightModels() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 8_000; i++) {
            counts.merge(VehicleModelCatalog.derivedModel(String.format("V%010d", i)), 1, Integer::sum);
        }

        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(VehicleModelCatalog.DEFAULT_MODELS);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(850, 1150));
    }

    /**
     * The derived models, frozen: the integration tests' oracle uses its own model table (handed to the job as a
     * reference file), so this is what holds the default derivation still. A change would move vehicles between
     * models on every dashboard.
     */
    @ParameterizedTest(name = "{0} is a {1}")
    @CsvSource({"V0000000000,Borealis", "V0000000001,Ember", "V0000000002,Borealis", "V0000000003,Dynamo",
            "V0000012345,Cirrus", "V9999999999,Borealis", "car-7,Glacier", "fleet:truck.12,Cirrus"})
    void shouldDeriveTheDocumentedModelOfAnId(String vehicleId, String model) {
        assertThat(VehicleModelCatalog.derivedModel(vehicleId)).isEqualTo(model);
    }

    @Test
    void shouldDeriveTheSameModelEveryTime() {
        assertThat(VehicleModelCatalog.defaults().modelOf("V0000012345"))
                .isEqualTo(VehicleModelCatalog.derivedModel("V0000012345"))
                .isEqualTo(VehicleModelCatalog.derivedModel(new String("V0000012345")));
    }

    @Test
    void shouldLetTheReferenceFileOverrideSomeVehicles() throws IOException {
        VehicleModelCatalog catalog = VehicleModelCatalog.fromCsv(new StringReader(
                "vehicleId,model\n# fleet of the pilot customer\n\nV0000000001, Roadster X \nV0000000002,Cargo\n"), "test.csv");

        assertThat(catalog.modelOf("V0000000001")).isEqualTo("Roadster X");
        assertThat(catalog.modelOf("V0000000002")).isEqualTo("Cargo");
        assertThat(catalog.modelOf("V0000000003")).isEqualTo(VehicleModelCatalog.derivedModel("V0000000003"));
        assertThat(catalog.overrideCount()).isEqualTo(2);
    }

    @Test
    void shouldReportEveryMalformedLineWithItsNumber() {
        assertThatThrownBy(() -> VehicleModelCatalog.fromCsv(new StringReader("V1,A\nV2\n,B\nV3,C,D\n"), "models.csv"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("models.csv")
                .hasMessageContaining("line 2: expected 'vehicleId,model', got 'V2'")
                .hasMessageContaining("line 3:")
                .hasMessageContaining("line 4:")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("line 1"));
    }

    @Test
    void shouldKeepOverridesIndependentOfLaterChangesToTheSourceMap() {
        Map<String, String> source = new HashMap<>(Map.of("V1", "Special"));
        VehicleModelCatalog catalog = VehicleModelCatalog.withOverrides(source);
        source.put("V1", "Changed");

        assertThat(catalog.modelOf("V1")).isEqualTo("Special");
        assertThat(Set.copyOf(VehicleModelCatalog.DEFAULT_MODELS)).doesNotContain("Special");
    }
}
