package dev.fleetpulse.prometheus.flink;

import dev.fleetpulse.prometheus.model.SeriesKey;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * The type information of {@link SeriesKey}, the key of {@link TimeSeriesKeySelector}: serialized by
 * {@link SeriesKeySerializer}, never Kryo.
 */
public final class SeriesKeyTypeInfoFactory extends TypeInfoFactory<SeriesKey> {

    public static final TypeInformation<SeriesKey> TYPE_INFO =
            new SingleSerializerTypeInfo<>(SeriesKey.class, SeriesKeySerializer.INSTANCE, true);

    @Override
    public TypeInformation<SeriesKey> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return TYPE_INFO;
    }
}
