package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.VehicleEventJson;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record into exactly one {@link IncomingRecord}: the parsed event, or a {@link DeadLetter} with the
 * original key and value, the reason, and the record's topic, partition, offset and timestamp. It never throws on
 * content, so a bad record can never fail or stall the source.
 */
public final class IncomingRecordDeserializer implements KafkaRecordDeserializationSchema<IncomingRecord> {

    private static final long serialVersionUID = 1L;

    private transient VehicleEventJson json;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        json = new VehicleEventJson();
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IncomingRecord> out) {
        ParseResult result = json.parse(record.value());
        if (result instanceof ParseResult.Valid valid) {
            out.collect(IncomingRecord.of(valid.event()));
        } else {
            ParseResult.Invalid invalid = (ParseResult.Invalid) result;
            out.collect(IncomingRecord.rejected(new DeadLetter(record.key(), record.value(),
                    invalid.reason().code(), invalid.detail(),
                    record.topic(), record.partition(), record.offset(), record.timestamp())));
        }
    }

    @Override
    public TypeInformation<IncomingRecord> getProducedType() {
        return TypeInformation.of(IncomingRecord.class);
    }
}
