package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.config.ConfigReader;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.localstack.LocalKafkaExtension;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The events source against a real broker, where transactional producers leave aborted records in the log. */
class VehicleEventSourcesITCase {

    @RegisterExtension
    static final LocalKafkaExtension KAFKA = new LocalKafkaExtension();

    private static final long T0 = System.currentTimeMillis();

    @Test
    void shouldReadOnlyCommittedEventsWhenATransactionalProducerAbortedSome() throws Exception {
        String topic = KAFKA.newTopic(1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.kafka().clientProperties(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sources-it-" + topic)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            inTransaction(producer, topic, 1, 2);
            producer.beginTransaction();
            producer.send(record(topic, 3));
            producer.flush();
            producer.abortTransaction();
            inTransaction(producer, topic, 4);
        }

        assertThat(readToEnd(topic)).containsExactly(1L, 2L, 4L);
    }

    @Test
    void shouldReadAbortedEventsTooWhenIsolationLevelIsSetToReadUncommitted() throws Exception {
        String topic = KAFKA.newTopic(1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.kafka().clientProperties(Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sources-it-" + topic)),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(topic, 1));
            producer.flush();
            producer.abortTransaction();
            inTransaction(producer, topic, 2);
        }

        assertThat(readToEnd(topic, Map.of("isolation.level", "read_uncommitted"))).containsExactly(1L, 2L);
    }

    private static void inTransaction(KafkaProducer<byte[], byte[]> producer, String topic, long... measurements) {
        producer.beginTransaction();
        for (long measurement : measurements) {
            producer.send(record(topic, measurement));
        }
        producer.commitTransaction();
    }

    /** An engine reading whose measurement identifies it. */
    private static ProducerRecord<byte[], byte[]> record(String topic, long measurement) {
        VehicleEvent event = new VehicleEvent(EventType.IC_RPM, "V0000000001", Region.UK, T0 + measurement,
                measurement);
        return new ProducerRecord<>(topic, null, event.timestamp(),
                event.vehicleId().getBytes(StandardCharsets.UTF_8), new VehicleEventJson().toJson(event));
    }

    private static List<Long> readToEnd(String topic) throws Exception {
        return readToEnd(topic, Map.of());
    }

    /** The measurements of every event the configured source reads from the beginning to the current end. */
    private static List<Long> readToEnd(String topic, Map<String, String> extraKeys) throws Exception {
        Map<String, String> group = new HashMap<>(extraKeys);
        group.putAll(Map.of("bootstrap.servers", KAFKA.bootstrapServers(), "topic", topic,
                "starting.offsets", "earliest"));
        ConfigReader reader = new ConfigReader("test", ApplicationProperties.of(Map.of("KafkaSource", group)));
        KafkaSourceConfig config = KafkaSourceConfig.read(reader, "sources-it");
        reader.validate();
        StreamExecutionEnvironment env = JobEnvironment.createLocal(
                new JobEnvironment.LocalOptions(0, Duration.ZERO, 1, 0, JobEnvironment.HASHMAP));
        List<Long> measurements = new ArrayList<>();
        env.fromSource(VehicleEventSources.kafkaSourceBuilder(config).setBounded(OffsetsInitializer.latest()).build(),
                        WatermarkStrategy.noWatermarks(), "events")
                .filter(IncomingRecord::isValid)
                .map(r -> r.event().measurement(), Types.LONG)
                .executeAndCollect().forEachRemaining(measurements::add);
        return measurements;
    }
}
