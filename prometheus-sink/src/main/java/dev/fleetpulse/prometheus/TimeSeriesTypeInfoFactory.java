package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Tells Flink's type extraction to serialize {@link TimeSeries} with {@link TimeSeriesSerializer}. */
public final class TimeSeriesTypeInfoFactory extends TypeInfoFactory<TimeSeries> {

    /** The type information of {@link TimeSeries}, e.g. for {@code returns(...)} on a lambda. */
    public static final TypeInformation<TimeSeries> TYPE_INFO =
            new SingleSerializerTypeInfo<>(TimeSeries.class, TimeSeriesSerializer.INSTANCE, false);

    @Override
    public TypeInformation<TimeSeries> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return TYPE_INFO;
    }
}
