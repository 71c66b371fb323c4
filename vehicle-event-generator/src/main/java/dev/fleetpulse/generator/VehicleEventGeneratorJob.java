package dev.fleetpulse.generator;

import java.util.Map;
import java.util.Properties;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.EffectiveSettings;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.kafka.KafkaTopics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink job: a simulated fleet of hybrid vehicles writing telemetry as JSON to Kafka.
 *
 * <pre>
 * datagen ticks (rate-limited, optionally bounded) -> vehicle index -> keyBy vehicle
 *     -> vehicle simulation (state in keyed state; event times from the clock or simulated)
 *     -> Kafka (key = vehicle id, timestamp = event time)
 * </pre>
 */
public final class VehicleEventGeneratorJob {

    private static final Logger LOG = LoggerFactory.getLogger(VehicleEventGeneratorJob.class);

    /** Amazon MSK's (and Kafka's) default maximum; Flink's default of one hour would be refused by the broker. */
    static final String TRANSACTION_TIMEOUT_MS = "900000";
    /**
     * Producer defaults for a job whose only purpose is volume; any {@code KafkaSink.*} key overrides them. Larger,
     * lz4-compressed batches cut the producer's and the broker's work per event, which on a small machine share the
     * cores with the job (docs/benchmarks.md, GeneratorThroughput). The extra 20 ms of linger does not matter for
     * simulated telemetry.
     */
    static final Map<String, String> PRODUCER_DEFAULTS = Map.of(
            ProducerConfig.BATCH_SIZE_CONFIG, "262144",
            ProducerConfig.LINGER_MS_CONFIG, "20",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    private VehicleEventGeneratorJob() {
    }

    public static void main(String[] args) throws Exception {
        ApplicationProperties properties = ApplicationProperties.load(args);
        GeneratorConfig config = GeneratorConfig.from(properties);
        Map<String, Object> settings = config.settings();
        PRODUCER_DEFAULTS.forEach((key, value) -> settings.putIfAbsent(GeneratorConfig.KAFKA_SINK + "." + key, value));
        EffectiveSettings.log(LOG, GeneratorConfig.JOB_NAME, settings);
        KafkaTopics.ensureExists(config.kafka(), config.topic(), "events topic (" + GeneratorConfig.KAFKA_SINK + "." + GeneratorConfig.TOPIC + ")");
        StreamExecutionEnvironment env = JobEnvironment.create(properties.flags());
        buildPipeline(env, createSink(config), config);
        env.execute(GeneratorConfig.JOB_NAME);
    }

    /** Adds the generator to {@code env}, writing to {@code sink}; tests and benchmarks pass their own sink. */
    public static void buildPipeline(StreamExecutionEnvironment env, Sink<VehicleEvent> sink, GeneratorConfig config) {
        TickToVehicle ticks = new TickToVehicle(config.vehicles(), config.eventsPerSecond());
        DataGeneratorSource<Long> source = config.rateLimited()
                ? new DataGeneratorSource<>(ticks, config.maxEvents(),
                        RateLimiterStrategy.perSecond(config.eventsPerSecond()), Types.LONG)
                : new DataGeneratorSource<>(ticks, config.maxEvents(), Types.LONG);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Vehicle ticks")
                .uid("vehicle-ticks")
                .keyBy(vehicle -> vehicle, Types.LONG)
                .process(new VehicleSimulation(config.simulator(), config.eventClock()))
                .uid("vehicle-simulation")
                .name("Vehicle simulation")
                .sinkTo(sink)
                .uid("vehicle-events-sink")
                .name("Vehicle events to Kafka");
    }

    /** The Kafka sink the configuration describes. */
    public static KafkaSink<VehicleEvent> createSink(GeneratorConfig config) {
        Properties producer = config.kafka().toProperties();
        PRODUCER_DEFAULTS.forEach(producer::putIfAbsent);
        if (config.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            producer.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
        }
        KafkaSinkBuilder<VehicleEvent> builder = KafkaSink.<VehicleEvent>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new VehicleEventRecordSerializer(config.topic()))
                .setDeliveryGuarantee(config.deliveryGuarantee());
        if (config.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(config.transactionalIdPrefix());
        }
        return builder.build();
    }
}
