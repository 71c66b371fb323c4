package dev.fleetpulse.reliability;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.localstack.LocalKafka;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends a stream for a pre-processor that reads without end, as in production: event time only moves with events, so
 * the last windows close only when later events arrive. One marker event per partition, from vehicles outside the
 * fleet and later than every window of interest, moves the watermark of every partition past those windows. The
 * markers' own window stays open and is not compared.
 */
final class EndOfStream {

    private EndOfStream() {
    }

    /**
     * Writes one marker per partition, stamped {@code afterWindowEnd} plus the bound of out-of-orderness and a window,
     * so the windows ending at or before {@code afterWindowEnd} close; returns the markers (the raw writer writes
     * them like any event).
     */
    static List<VehicleEvent> writeMarkers(LocalKafka kafka, String topic, int partitions, long afterWindowEnd) {
        long timestamp = afterWindowEnd + Pipelines.WINDOW_MS + 3_000;
        VehicleEventJson json = new VehicleEventJson();
        List<VehicleEvent> markers = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            VehicleEvent marker = new VehicleEvent(EventType.IC_RPM, "M" + String.format("%010d", p), Region.US,
                    timestamp, 0);
            kafka.send(new ProducerRecord<>(topic, p, timestamp, marker.vehicleId().getBytes(StandardCharsets.UTF_8),
                    json.toJson(marker)));
            markers.add(marker);
        }
        return markers;
    }

    /** The end of the window holding {@code timestamp}. */
    static long windowEnd(long timestamp) {
        return (timestamp / Pipelines.WINDOW_MS + 1) * Pipelines.WINDOW_MS;
    }
}
