package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.localstack.LocalKafka;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Helpers of the integration tests: write records to Kafka, run the real pipeline to the end. */
final class PipelineRun {

    private PipelineRun() {
    }

    /**
     * The job's configuration for a test: reads {@code topic} from the beginning, dead letters to {@code dlqTopic},
     * vehicle models from the oracle's table.
     */
    static PreProcessorConfig config(String bootstrapServers, String topic, String dlqTopic, String remoteWriteUrl,
                                     ModelTable models) {
        return PreProcessorConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("bootstrap.servers", bootstrapServers, "topic", topic, "dlq.topic", dlqTopic,
                        "starting.offsets", "earliest"),
                "Enrichment", Map.of("models.file", models.file().toString()),
                "PrometheusSink", Map.of("endpoint.url", remoteWriteUrl, "max.batch.age.ms", "200"))));
    }

    /** Runs the pipeline over everything the topic holds now and returns when the job has finished. */
    static JobExecutionResult runToEnd(StreamExecutionEnvironment env, PreProcessorConfig config) throws Exception {
        PreProcessorJob.buildPipeline(env,
                VehicleEventSources.kafkaSourceBuilder(config.source()).setBounded(OffsetsInitializer.latest()).build(),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
        return env.execute("pre-processor test");
    }

    /** Writes the records in the given order, keyed by vehicle id, with the event time as Kafka timestamp. */
    static void write(LocalKafka kafka, String topic, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1")),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> record(String topic, VehicleEvent event, VehicleEventJson json) {
        return new ProducerRecord<>(topic, null, event.timestamp(), utf8(event.vehicleId()), json.toJson(event));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
