package dev.fleetpulse.prometheus.model;

import dev.fleetpulse.prometheus.flink.TimeSeriesTypeInfoFactory;
import dev.fleetpulse.prometheus.flink.SeriesKeySerializer;
import dev.fleetpulse.prometheus.flink.TimeSeriesKeySelector;
import dev.fleetpulse.prometheus.flink.TimeSeriesSerializer;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeSeriesTest {

    private static final long T0 = 1_730_621_750_000L;

    @Test
    void shouldSortLabelsByNameAndDropEmptyValues() {
        TimeSeries series = TimeSeries.builder("vehicles_in_motion")
                .label("region", "UK").label("model", "X").label("fleet", "").sample(3.0, T0).build();

        assertThat(series.labels()).containsExactly(Map.entry("model", "X"), Map.entry("region", "UK"));
        assertThat(series.labelCount()).isEqualTo(2);
        assertThat(series.labelName(0)).isEqualTo("model");
    }

    @Test
    void shouldSortSamplesByTimestampKeepingEqualTimestampsInInsertionOrder() {
        TimeSeries series = TimeSeries.builder("m")
                .sample(3.0, T0 + 2000).sample(1.0, T0).sample(2.0, T0 + 1000).sample(2.5, T0 + 1000).build();

        assertThat(series.sampleCount()).isEqualTo(4);
        assertThat(new long[] {series.timestamp(0), series.timestamp(1), series.timestamp(2), series.timestamp(3)})
                .containsExactly(T0, T0 + 1000, T0 + 1000, T0 + 2000);
        assertThat(new double[] {series.value(0), series.value(1), series.value(2), series.value(3)})
                .containsExactly(1.0, 2.0, 2.5, 3.0);
    }

    @Test
    void shouldRejectInvalidMetricName() {
        assertThatThrownBy(() -> TimeSeries.builder("9lives").sample(1, T0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid metric name '9lives': it must match [a-zA-Z_:][a-zA-Z0-9_:]*");
    }

    @Test
    void shouldRejectInvalidLabelName() {
        assertThatThrownBy(() -> TimeSeries.builder("m").label("vehicle-id", "V1").sample(1, T0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid label name 'vehicle-id' on series 'm': it must match [a-zA-Z_][a-zA-Z0-9_]*");
    }

    @Test
    void shouldRejectColonInLabelNameThoughMetricNamesAllowIt() {
        assertThat(TimeSeries.builder("job:rate5m").sample(1, T0).build().metricName()).isEqualTo("job:rate5m");
        assertThatThrownBy(() -> TimeSeries.builder("m").label("a:b", "x").sample(1, T0).build())
                .hasMessageContaining("Invalid label name 'a:b'");
    }

    @Test
    void shouldRejectDuplicateLabelNames() {
        assertThatThrownBy(() -> TimeSeries.builder("m").label("region", "UK").label("region", "US")
                .sample(1, T0).build())
                .hasMessage("Series 'm' has the label 'region' twice (values 'UK' and 'US')");
    }

    @Test
    void shouldRejectNameLabelSetByUser() {
        assertThatThrownBy(() -> TimeSeries.builder("m").label("__name__", "other").sample(1, T0).build())
                .hasMessageContaining("sets the label __name__");
    }

    @Test
    void shouldRejectSeriesWithoutSamples() {
        assertThatThrownBy(() -> TimeSeries.builder("m").label("a", "b").build())
                .hasMessage("Series 'm' has no samples; add at least one");
    }

    @Test
    void shouldRejectNullLabelValue() {
        assertThatThrownBy(() -> TimeSeries.builder("m").label("region", null))
                .hasMessageContaining("Label 'region' of series 'm' has a null value");
    }

    @Test
    void shouldGiveEqualSeriesEqualKeysRegardlessOfLabelOrder() {
        TimeSeries a = TimeSeries.builder("m").label("b", "2").label("a", "1").sample(1, T0).build();
        TimeSeries b = TimeSeries.builder("m").label("a", "1").label("b", "2").sample(5, T0 + 1).build();
        TimeSeries other = TimeSeries.builder("m").label("a", "12").sample(1, T0).build();

        assertThat(a.seriesKey()).isEqualTo(b.seriesKey()).hasSameHashCodeAs(b.seriesKey());
        assertThat(a.seriesHash()).isEqualTo(b.seriesHash());
        assertThat(a.seriesKey()).isNotEqualTo(other.seriesKey());
        assertThat(a.seriesKey()).hasToString("m{a=\"1\",b=\"2\"}");
        assertThat(new TimeSeriesKeySelector().getKey(a)).isEqualTo(b.seriesKey());
    }

    @Test
    void shouldDistinguishLabelBoundariesInTheSeriesHash() {
        TimeSeries ab = TimeSeries.builder("m").label("a", "bc").sample(1, T0).build();
        TimeSeries abc = TimeSeries.builder("m").label("ab", "c").sample(1, T0).build();

        assertThat(ab.seriesHash()).isNotEqualTo(abc.seriesHash());
    }

    @Test
    void shouldRoundTripThroughItsFlinkSerializer() throws IOException {
        TimeSeries series = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V0000012345")
                .label("region", "São Paulo").sample(4356, T0).sample(Double.NaN, T0 + 1000).build();

        TimeSeries copy = roundTrip(TimeSeriesSerializer.INSTANCE, series);

        assertThat(copy).isEqualTo(series).isNotSameAs(series);
        assertThat(copy.seriesKey()).isEqualTo(series.seriesKey());
        assertThat(roundTrip(SeriesKeySerializer.INSTANCE, series.seriesKey())).isEqualTo(series.seriesKey());
    }

    @Test
    void shouldReplaceUnpairedSurrogatesInLabelValuesAsUtf8DoesSoTheSeriesSurvivesItsSerializer()
            throws IOException {
        TimeSeries series = TimeSeries.builder("m").label("a", "x\ud800y").label("b", "\udc00🚗\ud83d")
                .sample(1, T0).build();

        assertThat(series.labels()).containsExactly(Map.entry("a", "x?y"), Map.entry("b", "?🚗?"));
        assertThat(roundTrip(TimeSeriesSerializer.INSTANCE, series)).isEqualTo(series);
    }

    @Test
    void shouldCarryTheSeriesHashThroughItsSerializer() throws IOException {
        TimeSeries series = TimeSeries.builder("vehicle_ic_rpm").label("vehicle_id", "V0000012345")
                .label("region", "UK").sample(4356, T0).build();
        DataOutputSerializer out = new DataOutputSerializer(64);
        TimeSeriesSerializer.INSTANCE.serialize(series, out);
        byte[] bytes = out.getCopyOfBuffer();
        // The hash leads the record; a changed hash must come out as written, not be computed again.
        bytes[0] ^= 0x40;

        TimeSeries copy = TimeSeriesSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));

        assertThat(copy.seriesHash()).isEqualTo(series.seriesHash() ^ (0x40L << 56));
        assertThat(copy.labels()).isEqualTo(series.labels());
    }

    @Test
    void shouldBeSerializedByFlinkWithoutKryoWhenGenericTypesAreDisabled() {
        // The series' type as the jobs give it; the key's as Flink extracts it from the key selector.
        TypeInformation<TimeSeries> seriesType = TimeSeriesTypeInfoFactory.TYPE_INFO;
        TypeInformation<SeriesKey> keyType =
                TypeExtractor.getKeySelectorTypes(new TimeSeriesKeySelector(), seriesType);
        Configuration noGenericTypes = new Configuration();
        noGenericTypes.set(PipelineOptions.GENERIC_TYPES, false);
        ExecutionConfig config = new ExecutionConfig();
        config.configure(noGenericTypes, TimeSeriesTest.class.getClassLoader());
        SerializerConfigImpl serializerConfig = (SerializerConfigImpl) config.getSerializerConfig();

        assertThat(serializerConfig.hasGenericTypesDisabled()).isTrue();
        assertThat(seriesType).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(keyType).isNotInstanceOf(GenericTypeInfo.class);
        assertThat(keyType.isKeyType()).isTrue();
        assertThat(seriesType.createSerializer(serializerConfig)).isSameAs(TimeSeriesSerializer.INSTANCE);
        assertThat(keyType.createSerializer(serializerConfig)).isSameAs(SeriesKeySerializer.INSTANCE);
    }

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T copy = serializer.deserialize(in);
        assertThat(in.available()).isZero();
        return copy;
    }
}
