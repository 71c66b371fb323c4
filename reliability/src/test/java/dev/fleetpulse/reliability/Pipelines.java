package dev.fleetpulse.reliability;

import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.preprocessor.PreProcessorConfig;
import dev.fleetpulse.preprocessor.testkit.ModelTable;
import dev.fleetpulse.preprocessor.PreProcessorJob;
import dev.fleetpulse.prometheus.model.TimeSeries;
import dev.fleetpulse.rawwriter.RawEventWriterConfig;
import dev.fleetpulse.rawwriter.RawEventWriterJob;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.Map;

/** The real pipelines of the pre-processor and the raw writer, configured as the scenarios need them. */
final class Pipelines {

    /** Short windows: a scenario of a minute still covers dozens of windows. */
    static final int WINDOW_SEC = 1;
    static final long WINDOW_MS = WINDOW_SEC * 1000L;

    private Pipelines() {
    }

    /**
     * The pre-processor reading {@code topic} from the beginning, with 1 s windows, the vehicle models of the oracle's
     * table as its reference file, and the sink's default settings except a short batch age (a test's last samples
     * need not wait a second).
     */
    static PreProcessorConfig preProcessorConfig(String bootstrapServers, String topic, String dlqTopic,
                                                 String remoteWriteUrl, ModelTable models) {
        return preProcessorConfig(bootstrapServers, topic, dlqTopic, remoteWriteUrl, models, WINDOW_SEC);
    }

    /** As {@link #preProcessorConfig(String, String, String, String, ModelTable)}, with windows of {@code windowSec}. */
    static PreProcessorConfig preProcessorConfig(String bootstrapServers, String topic, String dlqTopic,
                                                 String remoteWriteUrl, ModelTable models, int windowSec) {
        return PreProcessorConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("bootstrap.servers", bootstrapServers, "topic", topic, "dlq.topic", dlqTopic,
                        "starting.offsets", "earliest"),
                "Aggregation", Map.of("window.size.sec", Integer.toString(windowSec)),
                "Enrichment", Map.of("models.file", models.file().toString()),
                "PrometheusSink", Map.of("endpoint.url", remoteWriteUrl, "max.batch.age.ms", "200"))));
    }

    /** The raw writer reading {@code topic} from the beginning, unthrottled, with the sink's default settings. */
    static RawEventWriterConfig rawWriterConfig(String bootstrapServers, String topic, String dlqTopic,
                                                String remoteWriteUrl) {
        return RawEventWriterConfig.from(ApplicationProperties.of(Map.of(
                "KafkaSource", Map.of("bootstrap.servers", bootstrapServers, "topic", topic, "dlq.topic", dlqTopic,
                        "starting.offsets", "earliest"),
                "PrometheusSink", Map.of("endpoint.url", remoteWriteUrl, "max.batch.age.ms", "200"))));
    }

    /** Adds the pre-processor, reading up to {@code stoppingOffsets} (then it finishes), writing to {@code sink}. */
    static void preProcessor(StreamExecutionEnvironment env, PreProcessorConfig config,
                             OffsetsInitializer stoppingOffsets, Sink<TimeSeries> sink) {
        PreProcessorJob.buildPipeline(env,
                VehicleEventSources.kafkaSourceBuilder(config.source()).setBounded(stoppingOffsets).build(),
                VehicleEventSources.deadLetterSink(config.source()), sink, config);
    }

    static void preProcessor(StreamExecutionEnvironment env, PreProcessorConfig config,
                             OffsetsInitializer stoppingOffsets) {
        preProcessor(env, config, stoppingOffsets, config.prometheus().sink());
    }

    /** Adds the pre-processor reading without end, as in production. */
    static void unboundedPreProcessor(StreamExecutionEnvironment env, PreProcessorConfig config) {
        PreProcessorJob.buildPipeline(env, VehicleEventSources.kafkaSource(config.source()),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
    }

    static void rawWriter(StreamExecutionEnvironment env, RawEventWriterConfig config,
                          OffsetsInitializer stoppingOffsets) {
        RawEventWriterJob.buildPipeline(env,
                VehicleEventSources.kafkaSourceBuilder(config.source()).setBounded(stoppingOffsets).build(),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
    }

    static void unboundedRawWriter(StreamExecutionEnvironment env, RawEventWriterConfig config) {
        RawEventWriterJob.buildPipeline(env, VehicleEventSources.kafkaSource(config.source()),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
    }

    /** Checkpoints every {@code interval}; a failure restarts the job at most {@code restarts} times. */
    static Configuration checkpointedJob(Duration interval, int restarts) {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        return config;
    }

    /** Checkpoints every {@code interval}, and any failure fails the job: a job that finishes never failed. */
    static Configuration checkpointedJobThatMustNotFail(Duration interval) {
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return config;
    }
}
