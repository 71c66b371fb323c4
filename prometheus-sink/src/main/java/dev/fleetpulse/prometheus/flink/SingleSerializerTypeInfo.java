package dev.fleetpulse.prometheus.flink;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information for a non-composite type with one dedicated serializer, so Flink never falls back to Kryo
 * for it ({@code TimeSeries}, {@code SeriesKey}).
 */
final class SingleSerializerTypeInfo<T> extends TypeInformation<T> {

    private final Class<T> typeClass;
    private final TypeSerializer<T> serializer;
    private final boolean keyType;

    SingleSerializerTypeInfo(Class<T> typeClass, TypeSerializer<T> serializer, boolean keyType) {
        this.typeClass = typeClass;
        this.serializer = serializer;
        this.keyType = keyType;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return typeClass;
    }

    @Override
    public boolean isKeyType() {
        return keyType;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return typeClass.getSimpleName() + "TypeInfo";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SingleSerializerTypeInfo<?> other && other.canEqual(this)
                && typeClass == other.typeClass;
    }

    @Override
    public int hashCode() {
        return typeClass.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof SingleSerializerTypeInfo;
    }
}
