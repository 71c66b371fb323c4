package dev.fleetpulse.preprocessor;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.prometheus.PrometheusSinkConfig;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pre-processor's validated configuration.
 *
 * @param source the {@code KafkaSource} group: events topic, consumer group, dead-letter topic, client settings
 * @param windows tumbling event-time windows of {@code Aggregation.window.size.sec}
 * @param maxOutOfOrderness how far behind the newest event of its partition an event may be and still be counted
 * @param idleTimeout after this long without records a partition stops holding event time back; zero: never
 * @param catalog where vehicle models come from ({@code Enrichment.models.file}, or derived from the id)
 * @param prometheus the {@code PrometheusSink} group
 */
public record PreProcessorConfig(KafkaSourceConfig source, TumblingWindows windows, Duration maxOutOfOrderness,
                                 Duration idleTimeout, ModelCatalogSource catalog, PrometheusSinkConfig prometheus) {

    public static final String JOB_NAME = "pre-processor";
    /** Each job reads the events topic with its own consumer group, named after the job. */
    public static final String DEFAULT_GROUP_ID = JOB_NAME;

    public static final String AGGREGATION = "Aggregation";
    public static final String WINDOW_SIZE_SEC = "window.size.sec";
    public static final String MAX_OUT_OF_ORDERNESS_MS = "max.out.of.orderness.ms";
    public static final String IDLE_TIMEOUT_MS = "idle.timeout.ms";
    public static final String ENRICHMENT = "Enrichment";
    public static final String MODELS_FILE = "models.file";
    public static final String MODELS_REFRESH_INTERVAL = "models.refresh.interval";
    private static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

    public static final int DEFAULT_WINDOW_SIZE_SEC = 5;
    public static final long DEFAULT_MAX_OUT_OF_ORDERNESS_MS = 2_000;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 30_000;
    private static final long HOUR_MS = 3_600_000;

    /**
     * Reads and validates every group the job uses.
     *
     * @throws dev.fleetpulse.jobs.config.InvalidConfigurationException listing every problem
     */
    public static PreProcessorConfig from(ApplicationProperties properties) {
        return read(new ConfigReader(JOB_NAME, properties));
    }

    /**
     * Reads and validates every group the job uses from {@code reader}, which afterwards lists every key the job
     * understands ({@link ConfigReader#keysRead()}): the documentation test holds docs/configuration.md to it.
     *
     * @throws dev.fleetpulse.jobs.config.InvalidConfigurationException listing every problem
     */
    public static PreProcessorConfig read(ConfigReader reader) {
        KafkaSourceConfig source = KafkaSourceConfig.read(reader, DEFAULT_GROUP_ID);

        ConfigReader.Group aggregation = reader.group(AGGREGATION);
        int windowSec = aggregation.intIn(WINDOW_SIZE_SEC, DEFAULT_WINDOW_SIZE_SEC, 1, 86_400);
        long outOfOrderness = aggregation.longIn(MAX_OUT_OF_ORDERNESS_MS, DEFAULT_MAX_OUT_OF_ORDERNESS_MS, 0, HOUR_MS);
        long idle = aggregation.longIn(IDLE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT_MS, 0, 24 * HOUR_MS);

        ConfigReader.Group enrichment = reader.group(ENRICHMENT);
        String modelsFile = enrichment.raw(MODELS_FILE);
        Duration refresh = enrichment.durationOrOff(MODELS_REFRESH_INTERVAL, Duration.ZERO, MIN_REFRESH_INTERVAL);
        if (modelsFile == null && !refresh.isZero()) {
            enrichment.problem(MODELS_REFRESH_INTERVAL,
                    "needs " + ENRICHMENT + "." + MODELS_FILE + ": there is no file to refresh");
            refresh = Duration.ZERO;
        }
        ModelCatalogSource catalog = modelsFile == null ? ModelCatalogSource.derived()
                : new ModelCatalogSource(modelsFile, refresh);
        if (modelsFile != null) {
            try {
                catalog.load(); // fail before submission; each task loads it again when it opens
            } catch (IOException e) {
                enrichment.problem(MODELS_FILE, "cannot be read: " + e.getMessage());
            }
        }

        PrometheusSinkConfig prometheus = PrometheusSinkConfig.read(reader, JOB_NAME);
        reader.validate();
        return new PreProcessorConfig(source, new TumblingWindows(windowSec * 1000L), Duration.ofMillis(outOfOrderness),
                Duration.ofMillis(idle), catalog, prometheus);
    }

    /** What the job runs with, for the start-up log line (the sink logs its own settings). */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>(source.settings());
        settings.put(AGGREGATION + "." + WINDOW_SIZE_SEC, windows.sizeMillis() / 1000);
        settings.put(AGGREGATION + "." + MAX_OUT_OF_ORDERNESS_MS, maxOutOfOrderness.toMillis());
        settings.put(AGGREGATION + "." + IDLE_TIMEOUT_MS, idleTimeout.isZero() ? "never" : idleTimeout.toMillis());
        settings.put(ENRICHMENT + "." + MODELS_FILE, catalog);
        settings.put(PrometheusSinkConfig.GROUP + "." + PrometheusSinkConfig.ENDPOINT_URL, prometheus.endpointUrl());
        return settings;
    }
}
