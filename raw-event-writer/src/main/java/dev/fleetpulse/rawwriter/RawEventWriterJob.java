package dev.fleetpulse.rawwriter;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.jobs.EffectiveSettings;
import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.jobs.config.ApplicationProperties;
import dev.fleetpulse.jobs.prometheus.HealthSeries;
import dev.fleetpulse.jobs.source.SplitInvalidRecords;
import dev.fleetpulse.jobs.source.VehicleEventSources;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink job: every raw vehicle event from Kafka as one Prometheus sample, unchanged, so raw and pre-processed metrics
 * can be compared (cost, cardinality, query speed).
 *
 * <pre>
 * Kafka -> [throttle] -> split invalid records ----------------------------------> dead letters (Kafka)
 *   -> event to sample (vehicle_ic_rpm | vehicle_electric_rpm | vehicle_warnings) -> keyBy series -> remote-write
 * </pre>
 *
 * The source, dead letters and sink are the pre-processor's, from job-common; nothing here is windowed, so the job
 * needs no watermarks.
 */
public final class RawEventWriterJob {

    private static final Logger LOG = LoggerFactory.getLogger(RawEventWriterJob.class);


    private RawEventWriterJob() {
    }

    public static void main(String[] args) throws Exception {
        ApplicationProperties properties = ApplicationProperties.load(args);
        RawEventWriterConfig config = RawEventWriterConfig.from(properties);
        EffectiveSettings.log(LOG, RawEventWriterConfig.JOB_NAME, config.settings());
        VehicleEventSources.ensureTopics(config.source());
        StreamExecutionEnvironment env = JobEnvironment.create(properties.flags());
        buildPipeline(env, VehicleEventSources.kafkaSource(config.source()),
                VehicleEventSources.deadLetterSink(config.source()), config.prometheus().sink(), config);
        env.execute(RawEventWriterConfig.JOB_NAME);
    }

    /**
     * Adds the raw-event writer to {@code env}. Tests and benchmarks pass bounded sources and their own sinks.
     *
     * @param source vehicle events (and dead letters) as the Kafka source emits them
     * @param deadLetterSink receives invalid records
     * @param prometheusSink receives one sample per valid event, keyed by series
     */
    public static void buildPipeline(StreamExecutionEnvironment env, Source<IncomingRecord, ?, ?> source,
                                     Sink<DeadLetter> deadLetterSink, Sink<TimeSeries> prometheusSink,
                                     RawEventWriterConfig config) {
        int sourceParallelism = config.source().sourceParallelism(env.getParallelism());
        SingleOutputStreamOperator<IncomingRecord> records = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "Vehicle events from Kafka")
                .uid("vehicle-events-source")
                .setParallelism(sourceParallelism);
        DataStream<IncomingRecord> paced = records;
        if (config.throttled()) {
            paced = records.map(new Throttle<>(config.maxEventsPerSec()), TypeInformation.of(IncomingRecord.class))
                    .uid("throttle")
                    .name("Throttle to " + config.maxEventsPerSec() + " events/s")
                    .setParallelism(sourceParallelism);
        }
        SingleOutputStreamOperator<VehicleEvent> events = paced
                .transform("Split invalid records", TypeInformation.of(VehicleEvent.class),
                        new SplitInvalidRecords(RawEventWriterConfig.JOB_NAME))
                .uid("split-invalid-records")
                .setParallelism(sourceParallelism);

        events.map(new EventToTimeSeries(), TimeSeriesTypeInfoFactory.TYPE_INFO)
                .uid("events-to-time-series")
                .name("Event to sample")
                .setParallelism(sourceParallelism)
                .union(HealthSeries.of(events, "split-invalid-records-health"))
                .keyBy(new TimeSeriesKeySelector())
                .sinkTo(prometheusSink)
                .uid("prometheus-sink")
                .name("Prometheus remote-write");

        // At the source's parallelism, so the sink is chained to it: dead letters are never serialized between tasks.
        events.getSideOutput(SplitInvalidRecords.DEAD_LETTERS)
                .sinkTo(deadLetterSink)
                .uid("dead-letter-sink")
                .name("Dead letters to Kafka")
                .setParallelism(sourceParallelism);
    }
}
