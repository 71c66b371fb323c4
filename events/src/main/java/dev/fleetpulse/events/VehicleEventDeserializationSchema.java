package dev.fleetpulse.events;

import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Reads JSON records into {@link IncomingRecord}s without ever failing: a record that does not parse or validate
 * becomes a {@link DeadLetter} with its original bytes and the reason. Sources that know the Kafka coordinates of a
 * record (the jobs' Kafka source) fill them in; this schema only sees the value, so they are empty here.
 */
public final class VehicleEventDeserializationSchema implements DeserializationSchema<IncomingRecord> {

    private static final long serialVersionUID = 1L;

    private transient VehicleEventJson json;

    @Override
    public void open(InitializationContext context) {
        json = new VehicleEventJson();
    }

    @Override
    public IncomingRecord deserialize(byte[] message) {
        ParseResult result = json.parse(message);
        if (result instanceof ParseResult.Valid valid) {
            return IncomingRecord.of(valid.event());
        }
        ParseResult.Invalid invalid = (ParseResult.Invalid) result;
        return IncomingRecord.rejected(new DeadLetter(
                null, message, invalid.reason().code(), invalid.detail(), null, -1, -1L, -1L));
    }

    @Override
    public boolean isEndOfStream(IncomingRecord nextElement) {
        return false;
    }

    @Override
    public TypeInformation<IncomingRecord> getProducedType() {
        return TypeInformation.of(IncomingRecord.class);
    }
}
