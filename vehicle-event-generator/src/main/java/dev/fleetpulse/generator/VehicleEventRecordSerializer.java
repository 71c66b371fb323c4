package dev.fleetpulse.generator;

import java.nio.charset.StandardCharsets;

import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A vehicle event as a Kafka record: key = vehicle id (so Kafka's default partitioner keeps each vehicle in one
 * partition, in order), value = the event's JSON, record timestamp = event time.
 */
public final class VehicleEventRecordSerializer implements KafkaRecordSerializationSchema<VehicleEvent> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient VehicleEventJson json;

    public VehicleEventRecordSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new VehicleEventJson();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(VehicleEvent event, KafkaSinkContext context, Long timestamp) {
        // Generated ids are ASCII: this encoder is a plain copy, no charset lookup or replacement handling.
        byte[] key = event.vehicleId().getBytes(StandardCharsets.ISO_8859_1);
        return new ProducerRecord<>(topic, null, event.timestamp(), key, json.toJson(event));
    }
}
