package dev.fleetpulse.prometheus.flink;

import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * The type information of {@link TimeSeries}: serialized by {@link TimeSeriesSerializer}, never Kryo. Give it to the
 * operator that makes the series ({@code map(fn, TYPE_INFO)}, {@code returns(TYPE_INFO)}, {@code fromData(TYPE_INFO,
 * ...)}); the factory can also be registered for the class in Flink's serialization configuration.
 */
public final class TimeSeriesTypeInfoFactory extends TypeInfoFactory<TimeSeries> {

    public static final TypeInformation<TimeSeries> TYPE_INFO =
            new SingleSerializerTypeInfo<>(TimeSeries.class, TimeSeriesSerializer.INSTANCE, false);

    @Override
    public TypeInformation<TimeSeries> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return TYPE_INFO;
    }
}
