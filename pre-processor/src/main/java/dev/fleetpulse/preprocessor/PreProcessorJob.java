package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.EffectiveSettings;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.prometheus.HealthSeries;
import dev.fleetpulse.jobs.source.EventTimeWatermarks;
import dev.fleetpulse.jobs.source.SplitInvalidRecords;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink job: vehicle events from Kafka to per-model, per-region aggregates in Prometheus.
 *
 * <pre>
 * Kafka (event time, watermarks per partition) -> split invalid records -----------> dead letters (Kafka, chained)
 *   -> pre-aggregate per vehicle and window (chained, no shuffle) -- late events ---> dead letters (Kafka, chained)
 *   -> keyBy (model, region, window end) -> merge per vehicle, fire at window end
 *   -> vehicles_in_motion / warnings samples -> keyBy series -> Prometheus remote-write
 * </pre>
 *
 * See docs/pre-processor.md for the semantics and docs/architecture.md for why the aggregation has two stages.
 */
public final class PreProcessorJob {

    private static final Logger LOG = LoggerFactory.getLogger(PreProcessorJob.class);


    private PreProcessorJob() {
    }

    public static void main(String[] args) throws Exception {
        ApplicationProperties properties = ApplicationProperties.load(args);
        PreProcessorConfig config = PreProcessorConfig.from(properties);
        EffectiveSettings.log(LOG, PreProcessorConfig.JOB_NAME, config.settings());
        VehicleEventSources.ensureTopics(config.source());
        StreamExecutionEnvironment env = JobEnvironment.create(properties.flags());
        buildPipeline(env, VehicleEventSources.kafkaSource(config.source()),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
        env.execute(PreProcessorConfig.JOB_NAME);
    }

    /**
     * Adds the pre-processor to {@code env}. Tests and benchmarks pass bounded sources and their own sinks.
     *
     * @param source vehicle events (and dead letters) as the Kafka source emits them
     * @param deadLetterSink receives invalid records and late events
     * @param prometheusSink receives the aggregates, keyed by series
     */
    public static void buildPipeline(StreamExecutionEnvironment env, Source<IncomingRecord, ?, ?> source,
                                     Sink<DeadLetter> deadLetterSink, Sink<TimeSeries> prometheusSink,
                                     PreProcessorConfig config) {
        SingleOutputStreamOperator<IncomingRecord> records = env
                .fromSource(source, EventTimeWatermarks.of(config.maxOutOfOrderness(), config.idleTimeout()),
                        "Vehicle events from Kafka")
                .uid("vehicle-events-source");
        SingleOutputStreamOperator<VehicleEvent> events = records
                .transform("Split invalid records", TypeInformation.of(VehicleEvent.class),
                        new SplitInvalidRecords(PreProcessorConfig.JOB_NAME))
                .uid("split-invalid-records");
        SingleOutputStreamOperator<VehicleWindowPartial> partials = events
                .transform("Pre-aggregate per vehicle and window", TypeInformation.of(VehicleWindowPartial.class),
                        new VehicleWindowPreAggregator(config.windows(), config.catalog(),
                                PreProcessorConfig.JOB_NAME))
                .uid("vehicle-window-pre-aggregation");
        // Dead letters leave from the source chain itself, through sinks chained to it: a flood of bad input then
        // costs no serialization and no extra task between the parse and Kafka (docs/benchmarks.md, BadInputFlood).
        DataStreamSink<DeadLetter> invalidSink = events.getSideOutput(SplitInvalidRecords.DEAD_LETTERS)
                .sinkTo(deadLetterSink)
                .uid("dead-letter-sink")
                .name("Dead letters to Kafka");
        DataStreamSink<DeadLetter> lateSink = partials.getSideOutput(VehicleWindowPreAggregator.LATE_EVENTS)
                .sinkTo(deadLetterSink)
                .uid("late-event-sink")
                .name("Late events to Kafka");
        if (config.source().maxParallelism() > 0) {
            // The pre-aggregation and the dead-letter sinks are chained to the source, so the cap applies to them all.
            int parallelism = config.source().sourceParallelism(env.getParallelism());
            records.setParallelism(parallelism);
            events.setParallelism(parallelism);
            partials.setParallelism(parallelism);
            invalidSink.setParallelism(parallelism);
            lateSink.setParallelism(parallelism);
        }

        partials.keyBy(VehicleWindowPartial::key, TypeInformation.of(AggregateKey.class))
                .process(new WindowAggregator(), TypeInformation.of(WindowAggregate.class))
                .uid("window-aggregation")
                .name("Aggregate per model, region and window")
                .flatMap(new AggregateToTimeSeries(), TimeSeriesTypeInfoFactory.TYPE_INFO)
                .uid("aggregates-to-time-series")
                .name("Aggregates to time series")
                .union(HealthSeries.of(events, "split-invalid-records-health"),
                        HealthSeries.of(partials, "vehicle-window-pre-aggregation-health"))
                .keyBy(new TimeSeriesKeySelector())
                .sinkTo(prometheusSink)
                .uid("prometheus-sink")
                .name("Prometheus remote-write");
    }
}
