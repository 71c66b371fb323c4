package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.events.config.ApplicationProperties;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.localstack.LocalKafka;
import dev.fleetpulse.localstack.PrometheusQueryClient;
import dev.fleetpulse.localstack.QuerySeries;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Helpers of the integration tests: write records to Kafka, run the real pipeline to the end, read Prometheus. */
final class PipelineRun {

    private PipelineRun() {
    }

    /** The job's configuration for a test: reads {@code topic} from the beginning, dead letters to {@code dlqTopic}. */
    static PreProcessorConfig config(String bootstrapServers, String topic, String dlqTopic, String remoteWriteUrl) {
        return PreProcessorConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("bootstrap.servers", bootstrapServers, "topic", topic, "dlq.topic", dlqTopic,
                        "starting.offsets", "earliest"),
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

    /** Every stored sample of both metrics with a timestamp in [from, to], as (metric, model, region, time) -> value. */
    static Map<ExpectedAggregates.Sample, Double> samplesIn(PrometheusQueryClient prometheus, long from, long to) {
        Map<ExpectedAggregates.Sample, Double> found = new TreeMap<>();
        for (QuerySeries series : prometheus.rawSamples("{__name__=~\"vehicles_in_motion|warnings\"}",
                Duration.ofMinutes(59))) {
            assertOnlyLabels(series);
            for (QuerySeries.Point p : series.points()) {
                if (p.timestampMs() >= from && p.timestampMs() <= to) {
                    ExpectedAggregates.Sample key = new ExpectedAggregates.Sample(series.label("__name__"),
                            series.label("model"), series.label("region"), p.timestampMs());
                    if (found.put(key, p.value()) != null) {
                        throw new AssertionError("two samples for " + key);
                    }
                }
            }
        }
        return found;
    }

    /**
     * Fails unless {@code written} equals {@code expected} exactly, naming the first few missing, unexpected and
     * wrong samples (a plain map comparison would print tens of thousands of entries).
     */
    static void assertSameSamples(Map<ExpectedAggregates.Sample, Double> written,
                                  Map<ExpectedAggregates.Sample, Double> expected, String what) {
        List<String> missing = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        expected.forEach((sample, value) -> {
            Double actual = written.get(sample);
            if (actual == null) {
                missing.add(sample + "=" + value);
            } else if (!actual.equals(value)) {
                wrong.add(sample + " expected " + value + " but was " + actual);
            }
        });
        List<String> unexpected = new ArrayList<>();
        written.forEach((sample, value) -> {
            if (!expected.containsKey(sample)) {
                unexpected.add(sample + "=" + value);
            }
        });
        if (!missing.isEmpty() || !wrong.isEmpty() || !unexpected.isEmpty()) {
            throw new AssertionError(what + ": " + expected.size() + " samples expected, " + written.size()
                    + " written; " + missing.size() + " missing " + first(missing) + ", " + wrong.size()
                    + " wrong " + first(wrong) + ", " + unexpected.size() + " unexpected " + first(unexpected));
        }
    }

    private static List<String> first(List<String> items) {
        return items.subList(0, Math.min(5, items.size()));
    }

    private static void assertOnlyLabels(QuerySeries series) {
        if (!series.labels().keySet().equals(Set.of("__name__", "model", "region"))) {
            throw new AssertionError("unexpected labels on " + series.labels());
        }
    }
}
