package dev.fleetpulse.preprocessor;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.VehicleEvent;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Both aggregation stages as in the job: events into the pre-aggregator, everything it emits (partials and
 * watermarks, in order) into the keyed merge. Generic types are disabled in both, so a Kryo fallback fails a test.
 */
final class AggregationHarness implements AutoCloseable {

    final OneInputStreamOperatorTestHarness<VehicleEvent, VehicleWindowPartial> preAggregation;
    final KeyedOneInputStreamOperatorTestHarness<AggregateKey, VehicleWindowPartial, WindowAggregate> merge;
    private final List<VehicleWindowPartial> partials = new ArrayList<>();
    /** The pre-aggregator's metrics, as a reporter would see them. */
    private final InterceptingOperatorMetricGroup preAggregationMetrics = new InterceptingOperatorMetricGroup();

    private AggregationHarness(TumblingWindows windows, ModelCatalogSource catalog) throws Exception {
        MockEnvironment environment = new MockEnvironmentBuilder().setMetricGroup(new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name,
                                                                Map<String, String> variables) {
                return preAggregationMetrics;
            }
        }).build();
        preAggregation = new OneInputStreamOperatorTestHarness<>(new VehicleWindowPreAggregator(windows, catalog, "pre-processor"),
                environment);
        merge = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new WindowAggregator()),
                VehicleWindowPartial::key, TypeInformation.of(AggregateKey.class));
        disableGenericTypes(preAggregation);
        disableGenericTypes(merge);
        preAggregation.open();
        merge.open();
    }

    static AggregationHarness open(TumblingWindows windows) throws Exception {
        return new AggregationHarness(windows, ModelCatalogSource.derived());
    }

    static AggregationHarness open(TumblingWindows windows, ModelCatalogSource catalog) throws Exception {
        return new AggregationHarness(windows, catalog);
    }

    private static void disableGenericTypes(AbstractStreamOperatorTestHarness<?> harness) {
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
    }

    void send(VehicleEvent... events) throws Exception {
        for (VehicleEvent event : events) {
            preAggregation.processElement(event, event.timestamp());
        }
        forward();
    }

    void watermark(long timestamp) throws Exception {
        preAggregation.processWatermark(new Watermark(timestamp));
        forward();
    }

    /** What happens to the pre-aggregator when a checkpoint barrier reaches it. */
    void checkpointBarrier(long checkpointId) throws Exception {
        preAggregation.prepareSnapshotPreBarrier(checkpointId);
        forward();
    }

    /** The count of one of the pre-aggregator's counters. */
    long counter(String name) {
        return ((Counter) preAggregationMetrics.get(name)).getCount();
    }

    /** Every partial the pre-aggregator emitted so far, in order. */
    List<VehicleWindowPartial> partials() {
        return partials;
    }

    List<WindowAggregate> results() {
        return merge.extractOutputValues();
    }

    List<StreamRecord<? extends WindowAggregate>> resultRecords() {
        return merge.extractOutputStreamRecords();
    }

    List<DeadLetter> lateEvents() {
        List<DeadLetter> late = new ArrayList<>();
        var side = preAggregation.getSideOutput(VehicleWindowPreAggregator.LATE_EVENTS);
        if (side != null) {
            side.forEach(r -> late.add(r.getValue()));
        }
        return late;
    }

    @SuppressWarnings("unchecked")
    private void forward() throws Exception {
        Object element;
        while ((element = preAggregation.getOutput().poll()) != null) {
            if (element instanceof StreamRecord<?> record) {
                StreamRecord<VehicleWindowPartial> partial = (StreamRecord<VehicleWindowPartial>) record;
                partials.add(partial.getValue());
                merge.processElement(partial);
            } else if (element instanceof Watermark mark) {
                merge.processWatermark(mark);
            }
        }
    }

    @Override
    public void close() throws Exception {
        preAggregation.close();
        merge.close();
    }
}
