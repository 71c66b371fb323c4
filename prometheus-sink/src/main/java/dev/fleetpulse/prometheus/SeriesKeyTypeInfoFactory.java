package dev.fleetpulse.prometheus;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/** Tells Flink's type extraction to serialize {@link SeriesKey} with {@link SeriesKeySerializer}. */
public final class SeriesKeyTypeInfoFactory extends TypeInfoFactory<SeriesKey> {

    public static final TypeInformation<SeriesKey> TYPE_INFO =
            new SingleSerializerTypeInfo<>(SeriesKey.class, SeriesKeySerializer.INSTANCE, true);

    @Override
    public TypeInformation<SeriesKey> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
        return TYPE_INFO;
    }
}
