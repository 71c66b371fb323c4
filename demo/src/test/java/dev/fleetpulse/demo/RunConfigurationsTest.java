package dev.fleetpulse.demo;

import dev.fleetpulse.generator.GeneratorConfig;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IntelliJ run configurations in {@code .run/} start what they say: each names a main class that exists; a job's
 * puts provided dependencies on the class path (a local Flink run needs them), and its program arguments make a valid
 * configuration of that job, flags included.
 */
class RunConfigurationsTest {

    private static final Path RUN_CONFIGURATIONS = Path.of("..", ".run");
    private static final Map<String, Consumer<ApplicationProperties>> JOBS = Map.of(
            "dev.fleetpulse.generator.VehicleEventGeneratorJob", GeneratorConfig::from,
            "dev.fleetpulse.preprocessor.PreProcessorJob", PreProcessorConfig::from,
            "dev.fleetpulse.rawwriter.RawEventWriterJob", RawEventWriterConfig::from);
    /** Each job's module, whose bundled development properties a run without --config starts from. */
    private static final Map<String, String> MODULES = Map.of(
            "dev.fleetpulse.generator.VehicleEventGeneratorJob", "vehicle-event-generator",
            "dev.fleetpulse.preprocessor.PreProcessorJob", "pre-processor",
            "dev.fleetpulse.rawwriter.RawEventWriterJob", "raw-event-writer");

    @Test
    void shouldStartAnExistingMainWithProvidedDependenciesAndValidArguments() throws Exception {
        List<Path> files;
        try (Stream<Path> listing = Files.list(RUN_CONFIGURATIONS)) {
            files = listing.filter(f -> f.toString().endsWith(".run.xml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files) {
            Map<String, String> options = options(file);
            String main = options.get("MAIN_CLASS_NAME");
            assertThat(Class.forName(main)).as(file.toString()).isNotNull();
            Consumer<ApplicationProperties> job = JOBS.get(main);
            if (job != null) {
                assertThat(options.get("INCLUDE_PROVIDED_SCOPE")).as(file + " provided scope").isEqualTo("true");
                // This class path holds every job's development properties under one name: name the job's own.
                List<String> args = new ArrayList<>(List.of("--config", Path.of("..", MODULES.get(main), "src", "main",
                        "resources", ApplicationProperties.DEV_PROPERTIES.substring(1)).toString()));
                String parameters = options.getOrDefault("PROGRAM_PARAMETERS", "").strip();
                if (!parameters.isEmpty()) {
                    args.addAll(List.of(parameters.split("\\s+")));
                }
                ApplicationProperties properties = ApplicationProperties.load(args.toArray(String[]::new));
                job.accept(properties);
                JobEnvironment.LocalOptions.fromFlags(properties.flags());
            }
        }
    }

    private static Map<String, String> options(Path file) throws Exception {
        Document xml;
        try {
            xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        } catch (IOException e) {
            throw new IOException("Cannot read " + file, e);
        }
        Map<String, String> options = new HashMap<>();
        NodeList nodes = xml.getElementsByTagName("option");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element option = (Element) nodes.item(i);
            options.put(option.getAttribute("name"), option.getAttribute("value"));
        }
        return options;
    }
}
