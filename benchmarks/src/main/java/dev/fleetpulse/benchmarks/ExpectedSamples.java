package dev.fleetpulse.benchmarks;

import dev.fleetpulse.events.EventType;
import dev.fleetpulse.events.ParseResult;
import dev.fleetpulse.events.Region;
import dev.fleetpulse.events.VehicleEvent;
import dev.fleetpulse.events.VehicleEventJson;
import dev.fleetpulse.events.VehicleModelCatalog;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a reader job must write to Prometheus for the events of a topic, computed from the events themselves (read
 * back with a plain consumer) by the jobs' documented semantics (docs/pre-processor.md; the raw-event writer writes
 * each event as one sample), without their code. Only counts: the samples' values are what the jobs' tests check.
 */
final class ExpectedSamples {

    private ExpectedSamples() {
    }

    /** Counts what a job must write, event by event. */
    interface Oracle extends Consumer<VehicleEvent> {

        long samples();
    }

    /**
     * Pre-processor: one {@code vehicles_in_motion} and one {@code warnings} sample for every (model, region, window)
     * that had an event. A set of those triples fits in any heap: 8 models x 20 regions per window.
     */
    static final class PreProcessor implements Oracle {

        private record WindowKey(long window, String model, Region region) {
        }

        private final long windowMillis;
        private final VehicleModelCatalog catalog;
        private final Set<WindowKey> windows = new HashSet<>();
        private long maxTimestamp = Long.MIN_VALUE;

        /** @param catalog the models the job is configured with (its own catalog source, loaded as the job does) */
        PreProcessor(Duration windowSize, VehicleModelCatalog catalog) {
            this.windowMillis = windowSize.toMillis();
            this.catalog = catalog;
        }

        @Override
        public void accept(VehicleEvent event) {
            windows.add(new WindowKey(Math.floorDiv(event.timestamp(), windowMillis),
                    catalog.modelOf(event.vehicleId()), event.region()));
            maxTimestamp = Math.max(maxTimestamp, event.timestamp());
        }

        @Override
        public long samples() {
            return 2L * windows.size();
        }

        /** End of the window of the latest event: the job has written everything once event time passes it. */
        long lastWindowEnd() {
            return (Math.floorDiv(maxTimestamp, windowMillis) + 1) * windowMillis;
        }
    }

    /**
     * Raw-event writer: one sample per event, except that a series (metric by event type, vehicle, region) stores at
     * most one sample per millisecond, and only one newer than its newest: Prometheus keeps the first and answers the
     * rest as duplicates, which the sink counts as already written. The generator's vehicles are {@code V} + their
     * index, so the newest timestamp of each series fits in one array (240 MB for 10M vehicles).
     */
    static final class RawWriter implements Oracle {

        private static final int TYPES = EventType.values().length;

        private final long vehicles;
        private final long[] newest;
        private long samples;

        RawWriter(long vehicles) {
            this.vehicles = vehicles;
            this.newest = new long[Math.toIntExact(vehicles * TYPES)];
            Arrays.fill(newest, Long.MIN_VALUE);
        }

        @Override
        public void accept(VehicleEvent event) {
            String id = event.vehicleId();
            long vehicle = id.charAt(0) == 'V' ? Long.parseLong(id, 1, id.length(), 10) : -1;
            if (vehicle < 0 || vehicle >= vehicles) {
                throw new IllegalStateException("Not one of the generator's " + vehicles + " vehicles: " + id);
            }
            int series = (int) (vehicle * TYPES + event.eventType().ordinal());
            if (event.timestamp() > newest[series]) {
                newest[series] = event.timestamp();
                samples++;
            }
        }

        @Override
        public long samples() {
            return samples;
        }
    }

    /**
     * Reads every record of {@code topic} from the beginning to its current end and hands each valid event to the
     * oracle; returns how many records it read.
     */
    static long readTopic(String bootstrapServers, String topic, Oracle oracle) {
        VehicleEventJson json = new VehicleEventJson();
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    if (json.parse(record.value()) instanceof ParseResult.Valid valid) {
                        oracle.accept(valid.event());
                    }
                }
            }
        }
        return records;
    }
}
