package dev.fleetpulse.jobs.source;

import dev.fleetpulse.events.DeadLetter;
import dev.fleetpulse.events.IncomingRecord;
import dev.fleetpulse.events.KafkaOrigin;
import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.RejectReason;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;

/**
 * Turns every Kafka record into exactly one {@link IncomingRecord}: the parsed event, or a {@link DeadLetter} with the
 * original key and value, the reason, and the record's topic, partition, offset and timestamp. It never throws on
 * content, so a bad record can never fail or stall the source.
 *
 * <p>An event dated later than the processing time plus {@code maxFutureMs} is a dead letter
 * ({@link RejectReason#FUTURE_TIMESTAMP}). The check sits here, in the source, because the watermark generator sees
 * every event the source emits: one event from a device whose clock says 2090 would otherwise move its partition's
 * watermark to 2090 and make every later event of that partition late.
 */
public final class IncomingRecordDeserializer implements KafkaRecordDeserializationSchema<IncomingRecord> {

    private static final long serialVersionUID = 1L;

    private final long maxFutureMs;

    private transient VehicleEventJson json;
    /**
     * Event times up to this bound are certainly not in the future, so most events pass without a look at the clock.
     * It only ever lags the clock (it was the clock plus the skew when last read), so a later event time makes the
     * check read the clock again rather than reject on a stale bound.
     */
    private transient long acceptedUpTo;

    /** @param maxFutureMs how far ahead of the processing time an event time may be (devices' clock skew) */
    public IncomingRecordDeserializer(long maxFutureMs) {
        if (maxFutureMs < 0) {
            throw new IllegalArgumentException("maxFutureMs must not be negative, was " + maxFutureMs);
        }
        this.maxFutureMs = maxFutureMs;
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        json = new VehicleEventJson();
        acceptedUpTo = Long.MIN_VALUE;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IncomingRecord> out) {
        ParseResult result = json.parse(record.value());
        if (result instanceof ParseResult.Invalid invalid) {
            out.collect(IncomingRecord.rejected(deadLetter(record, invalid.reason(), invalid.detail())));
            return;
        }
        VehicleEvent event = ((ParseResult.Valid) result).event();
        if (event.timestamp() > acceptedUpTo) {
            long now = System.currentTimeMillis();
            acceptedUpTo = now + maxFutureMs;
            if (event.timestamp() > acceptedUpTo) {
                out.collect(IncomingRecord.rejected(deadLetter(record, RejectReason.FUTURE_TIMESTAMP,
                        "timestamp " + Instant.ofEpochMilli(event.timestamp()) + " is " + (event.timestamp() - now)
                                + " ms ahead of the processing time " + Instant.ofEpochMilli(now) + "; at most "
                                + maxFutureMs + " ms (" + KafkaSourceConfig.GROUP + "." + KafkaSourceConfig.MAX_FUTURE_MS
                                + ") are accepted")));
                return;
            }
        }
        out.collect(IncomingRecord.of(event));
    }

    private static DeadLetter deadLetter(ConsumerRecord<byte[], byte[]> record, RejectReason reason, String detail) {
        return DeadLetter.rejected(reason, detail, record.key(), record.value(),
                new KafkaOrigin(record.topic(), record.partition(), record.offset()), record.timestamp());
    }

    @Override
    public TypeInformation<IncomingRecord> getProducedType() {
        return TypeInformation.of(IncomingRecord.class);
    }
}
