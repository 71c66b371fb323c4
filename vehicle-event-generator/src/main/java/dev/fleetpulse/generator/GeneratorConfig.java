package dev.fleetpulse.generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.fleetpulse.events.EventTimestamps;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.kafka.KafkaClientProperties;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The generator's validated configuration.
 *
 * @param eventsPerSecond events per second over the whole job; {@link #UNLIMITED} for as fast as possible
 * @param maxEvents events before the job finishes; {@link #UNBOUNDED} to run until stopped
 * @param vehicles size of the simulated fleet
 * @param probMotionStateChange per event: chance that the vehicle starts or stops
 * @param probWarningChange per event: chance that one warning light goes on or off
 * @param seed makes the simulation deterministic: same seed, same events per vehicle
 * @param eventClock where event times come from: the clock, or a simulated report interval
 * @param kafka the Kafka client settings of group {@code KafkaSink}
 * @param topic where the events go
 * @param deliveryGuarantee at-least-once, or exactly-once with Kafka transactions
 * @param transactionalIdPrefix Kafka transactional id prefix; required for exactly-once, else empty
 */
public record GeneratorConfig(double eventsPerSecond, long maxEvents, int vehicles, double probMotionStateChange,
                              double probWarningChange, long seed, EventClock eventClock,
                              KafkaClientProperties kafka, String topic,
                              DeliveryGuarantee deliveryGuarantee, String transactionalIdPrefix) {

    public static final String JOB_NAME = "vehicle-event-generator";

    public static final String DATAGEN = "DataGen";
    public static final String EVENTS_PER_SEC = "events.per.sec";
    public static final String MAX_EVENTS = "max.events";
    public static final String VEHICLES = "vehicles";
    public static final String PROB_MOTION_STATE_CHANGE = "prob.motion.state.change";
    public static final String PROB_WARNING_CHANGE = "prob.warning.change";
    public static final String SEED = "seed";
    public static final String SIMULATED_REPORT_INTERVAL_MS = "simulated.report.interval.ms";
    public static final String SIMULATED_START_MS = "simulated.start.ms";

    public static final String KAFKA_SINK = "KafkaSink";
    public static final String TOPIC = "topic";
    public static final String DELIVERY_GUARANTEE = "delivery.guarantee";
    public static final String TRANSACTIONAL_ID_PREFIX = "transactional.id.prefix";

    /** The {@code events.per.sec} value for "as fast as possible", e.g. to load a topic for a benchmark. */
    public static final String UNLIMITED_TEXT = "unlimited";
    public static final double UNLIMITED = Double.POSITIVE_INFINITY;
    public static final long UNBOUNDED = Long.MAX_VALUE;

    public static final int DEFAULT_VEHICLES = 1000;
    public static final double DEFAULT_PROB_MOTION_STATE_CHANGE = 0.01;
    public static final double DEFAULT_PROB_WARNING_CHANGE = 0.001;
    public static final long DEFAULT_SEED = 1;
    static final int MAX_VEHICLES = 100_000_000;
    static final long MAX_SIMULATED_REPORT_INTERVAL_MS = 86_400_000;

    private static final String AT_LEAST_ONCE = "at-least-once";
    private static final String EXACTLY_ONCE = "exactly-once";

    public GeneratorConfig {
        if (!(eventsPerSecond > 0)) {
            throw new IllegalArgumentException("eventsPerSecond must be > 0, was " + eventsPerSecond);
        }
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be >= 1, was " + maxEvents);
        }
        if (vehicles < 1) {
            throw new IllegalArgumentException("vehicles must be >= 1, was " + vehicles);
        }
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE && transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("exactly-once needs a transactional id prefix");
        }
    }

    /**
     * Reads and validates the {@code DataGen} and {@code KafkaSink} groups.
     *
     * @throws dev.fleetpulse.jobs.config.InvalidConfigurationException listing every problem
     */
    public static GeneratorConfig from(ApplicationProperties properties) {
        return read(new ConfigReader(JOB_NAME, properties));
    }

    /**
     * Reads and validates every group the job uses from {@code reader}, which afterwards lists every key the job
     * understands ({@link ConfigReader#keysRead()}): the documentation test holds docs/configuration.md to it.
     *
     * @throws dev.fleetpulse.jobs.config.InvalidConfigurationException listing every problem
     */
    public static GeneratorConfig read(ConfigReader reader) {
        ConfigReader.Group dataGen = reader.group(DATAGEN);
        double rate = eventsPerSecond(dataGen);
        long maxEvents = dataGen.longIn(MAX_EVENTS, UNBOUNDED, 1, UNBOUNDED);
        int vehicles = dataGen.intIn(VEHICLES, DEFAULT_VEHICLES, 1, MAX_VEHICLES);
        double probMotion = dataGen.doubleIn(PROB_MOTION_STATE_CHANGE, DEFAULT_PROB_MOTION_STATE_CHANGE, 0, 1);
        double probWarning = dataGen.doubleIn(PROB_WARNING_CHANGE, DEFAULT_PROB_WARNING_CHANGE, 0, 1);
        long seed = dataGen.longIn(SEED, DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        EventClock eventClock = eventClock(dataGen);

        ConfigReader.Group sink = reader.group(KAFKA_SINK);
        String topic = sink.string(TOPIC, KafkaTopics.DEFAULT_EVENTS_TOPIC);
        String guarantee = sink.choice(DELIVERY_GUARANTEE, AT_LEAST_ONCE, List.of(AT_LEAST_ONCE, EXACTLY_ONCE));
        String prefix = sink.string(TRANSACTIONAL_ID_PREFIX, "");
        if (guarantee.equals(EXACTLY_ONCE) && prefix.isEmpty()) {
            sink.problem(TRANSACTIONAL_ID_PREFIX, "is required with " + DELIVERY_GUARANTEE + " " + EXACTLY_ONCE
                    + ": a prefix unique to this job on the Kafka cluster, e.g. " + JOB_NAME);
        }
        KafkaClientProperties kafka = KafkaClientProperties.read(sink,
                Set.of(TOPIC, DELIVERY_GUARANTEE, TRANSACTIONAL_ID_PREFIX));
        reader.validate();
        return new GeneratorConfig(rate, maxEvents, vehicles, probMotion, probWarning, seed, eventClock, kafka, topic,
                guarantee.equals(EXACTLY_ONCE) ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE,
                prefix);
    }

    private static double eventsPerSecond(ConfigReader.Group dataGen) {
        String raw = dataGen.raw(EVENTS_PER_SEC);
        if (raw == null) {
            dataGen.problem(EVENTS_PER_SEC, "is required: events per second over the whole job (> 0), or "
                    + UNLIMITED_TEXT + " for as fast as possible");
            return 1;
        }
        if (raw.equalsIgnoreCase(UNLIMITED_TEXT)) {
            return UNLIMITED;
        }
        try {
            double rate = Double.parseDouble(raw.replace("_", ""));
            if (rate > 0 && Double.isFinite(rate)) {
                return rate;
            }
        } catch (NumberFormatException e) {
            // reported below with what is accepted
        }
        dataGen.problem(EVENTS_PER_SEC, "must be a number > 0 or " + UNLIMITED_TEXT + ", was '" + raw + "'");
        return 1;
    }

    /**
     * Simulated event times when {@code simulated.report.interval.ms} is set, starting at {@code simulated.start.ms}
     * or, without it, when the job is built; otherwise the clock.
     */
    private static EventClock eventClock(ConfigReader.Group dataGen) {
        if (!dataGen.has(SIMULATED_REPORT_INTERVAL_MS)) {
            if (dataGen.has(SIMULATED_START_MS)) {
                dataGen.problem(SIMULATED_START_MS, "is used only with " + SIMULATED_REPORT_INTERVAL_MS
                        + ": set both for simulated event times, or neither for event times from the clock");
            }
            return EventClock.PROCESSING_TIME;
        }
        long interval = dataGen.longIn(SIMULATED_REPORT_INTERVAL_MS, 1, 1, MAX_SIMULATED_REPORT_INTERVAL_MS);
        // The event times the readers accept.
        long start = dataGen.longIn(SIMULATED_START_MS, System.currentTimeMillis(), EventTimestamps.MIN_MILLIS,
                EventTimestamps.MAX_MILLIS);
        return new EventClock.Simulated(start, interval);
    }

    public boolean rateLimited() {
        return eventsPerSecond != UNLIMITED;
    }

    public boolean bounded() {
        return maxEvents != UNBOUNDED;
    }

    public VehicleSimulator simulator() {
        return new VehicleSimulator(seed, probMotionStateChange, probWarningChange);
    }

    /** What the job runs with, for the start-up log line. */
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(DATAGEN + "." + EVENTS_PER_SEC, rateLimited() ? eventsPerSecond : UNLIMITED_TEXT);
        settings.put(DATAGEN + "." + MAX_EVENTS, bounded() ? maxEvents : "unbounded");
        settings.put(DATAGEN + "." + VEHICLES, vehicles);
        settings.put(DATAGEN + "." + PROB_MOTION_STATE_CHANGE, probMotionStateChange);
        settings.put(DATAGEN + "." + PROB_WARNING_CHANGE, probWarningChange);
        settings.put(DATAGEN + "." + SEED, seed);
        if (eventClock instanceof EventClock.Simulated simulated) {
            settings.put(DATAGEN + "." + SIMULATED_REPORT_INTERVAL_MS, simulated.intervalMs());
            settings.put(DATAGEN + "." + SIMULATED_START_MS, simulated.startMs());
        }
        settings.put(KAFKA_SINK + "." + TOPIC, topic);
        settings.put(KAFKA_SINK + "." + DELIVERY_GUARANTEE,
                deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE ? EXACTLY_ONCE : AT_LEAST_ONCE);
        if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            settings.put(KAFKA_SINK + "." + TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
        }
        kafka.settings().forEach((k, v) -> settings.put(KAFKA_SINK + "." + k, v));
        return settings;
    }
}
