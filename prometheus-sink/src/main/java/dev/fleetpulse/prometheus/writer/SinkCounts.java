package dev.fleetpulse.prometheus.writer;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A writer subtask's counters at a checkpoint: its writer state, so that after a restore its counters (and the health
 * series written from them) go on from there instead of starting again at 0.
 *
 * @param subtask the subtask that counted; after rescaling each subtask keeps only its own index's counts
 * @param counts by counter name
 */
public record SinkCounts(int subtask, Map<String, Long> counts) {

    public SinkCounts {
        counts = Map.copyOf(counts);
    }

    /** Writes the subtask, then the name and count of each counter. */
    public static final class Serializer implements SimpleVersionedSerializer<SinkCounts> {

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(SinkCounts state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64 + 32 * state.counts().size());
            out.writeInt(state.subtask());
            out.writeInt(state.counts().size());
            for (Map.Entry<String, Long> count : state.counts().entrySet()) {
                out.writeUTF(count.getKey());
                out.writeLong(count.getValue());
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public SinkCounts deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("Unknown version " + version + " of the sink's writer state");
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int subtask = in.readInt();
            int size = in.readInt();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                counts.put(in.readUTF(), in.readLong());
            }
            return new SinkCounts(subtask, counts);
        }
    }
}
