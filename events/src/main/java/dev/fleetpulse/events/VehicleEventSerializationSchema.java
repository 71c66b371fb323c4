package dev.fleetpulse.events;

import org.apache.flink.api.common.serialization.SerializationSchema;

/** Writes {@link VehicleEvent}s as JSON, for Kafka sinks and anything else that takes a {@link SerializationSchema}. */
public final class VehicleEventSerializationSchema implements SerializationSchema<VehicleEvent> {

    private static final long serialVersionUID = 1L;

    private transient VehicleEventJson json;

    @Override
    public void open(InitializationContext context) {
        json = new VehicleEventJson();
    }

    @Override
    public byte[] serialize(VehicleEvent event) {
        return json.toJson(event);
    }
}
