package dev.fleetpulse.rawwriter;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.prometheus.PrometheusSinkConfig;
import dev.fleetpulse.jobs.source.KafkaSourceConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The raw-event writer's validated configuration.
 *
 * @param source the {@code KafkaSource} group, as the pre-processor's but with its own consumer group
 * @param maxEventsPerSec the whole job's read rate limit ({@code RawWriter.max.events.per.sec}); 0 for none
 * @param prometheus the {@code PrometheusSink} group
 */
public record RawEventWriterConfig(KafkaSourceConfig source, long maxEventsPerSec, PrometheusSinkConfig prometheus) {

    public static final String JOB_NAME = "raw-event-writer";
    /** Each job reads the events topic with its own consumer group, named after the job. */
    public static final String DEFAULT_GROUP_ID = JOB_NAME;

    public static final String RAW_WRITER = "RawWriter";
    public static final String MAX_EVENTS_PER_SEC = "max.events.per.sec";

    /**
     * Reads and validates every group the job uses.
     *
     * @throws dev.fleetpulse.jobs.config.InvalidConfigurationException listing every problem
     */
    public static RawEventWriterConfig from(ApplicationProperties properties) {
        return read(new ConfigReader(JOB_NAME, properties));
    }

    /**
     * Reads and validates every group the job uses from {@code reader}, which afterwards lists every key the job
     * understands ({@link ConfigReader#keysRead()}): the documentation test holds docs/configuration.md to it.
     *
     * @throws dev.fleetpulse.jobs.config.InvalidConfigurationException listing every problem
     */
    public static RawEventWriterConfig read(ConfigReader reader) {
        KafkaSourceConfig source = KafkaSourceConfig.read(reader, DEFAULT_GROUP_ID);
        long maxEventsPerSec = reader.group(RAW_WRITER).longIn(MAX_EVENTS_PER_SEC, 0, 0, 100_000_000);
        PrometheusSinkConfig prometheus = PrometheusSinkConfig.read(reader, JOB_NAME);
        reader.validate();
        return new RawEventWriterConfig(source, maxEventsPerSec, prometheus);
    }

    public boolean throttled() {
        return maxEventsPerSec > 0;
    }

    /** What the job runs with, for the start-up log line (the sink logs its own settings). */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>(source.settings());
        settings.put(RAW_WRITER + "." + MAX_EVENTS_PER_SEC, throttled() ? maxEventsPerSec : "unlimited");
        settings.put(PrometheusSinkConfig.GROUP + "." + PrometheusSinkConfig.ENDPOINT_URL, prometheus.endpointUrl());
        return settings;
    }
}
