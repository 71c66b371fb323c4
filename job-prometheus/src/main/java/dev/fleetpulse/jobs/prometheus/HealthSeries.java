package dev.fleetpulse.jobs.prometheus;

import dev.fleetpulse.jobs.health.HealthSample;
import dev.fleetpulse.jobs.health.PipelineHealth;
import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The jobs' health as Prometheus series: each {@link HealthSample} an operator emits to {@link PipelineHealth#SAMPLES}
 * becomes one sample of {@code fleetpulse_pipeline_*{job, subtask[, label]}}. Together with the series the
 * Prometheus sink writes of itself ({@link PrometheusSinkConfig}), they are what the dashboard's pipeline-health row
 * and the pipeline alerts read (docs/monitoring.md).
 */
public final class HealthSeries implements MapFunction<HealthSample, TimeSeries> {

    private static final long serialVersionUID = 1L;

    /**
     * The health samples of {@code operator}'s side output as series, chained to it, ready to join the job's stream in
     * front of the sink.
     */
    public static DataStream<TimeSeries> of(SingleOutputStreamOperator<?> operator, String uid) {
        return operator.getSideOutput(PipelineHealth.SAMPLES)
                .map(new HealthSeries(), TimeSeriesTypeInfoFactory.TYPE_INFO)
                .uid(uid)
                .name("Health of " + operator.getName())
                .setParallelism(operator.getParallelism());
    }

    @Override
    public TimeSeries map(HealthSample sample) {
        TimeSeries.Builder series = TimeSeries.builder(sample.name())
                .label(PipelineHealth.JOB, sample.job())
                .label(PipelineHealth.SUBTASK, Integer.toString(sample.subtask()));
        if (sample.labelName() != null) {
            series.label(sample.labelName(), sample.labelValue());
        }
        return series.sample(sample.value(), sample.timestamp()).build();
    }
}
