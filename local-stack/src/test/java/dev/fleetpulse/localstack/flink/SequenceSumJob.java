package dev.fleetpulse.localstack.flink;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A bounded job packed into a jar by the test and run on a {@link LocalFlinkCluster}: doubles 1..count and writes, per
 * subtask, how many values it saw and their sum to {@code <output>/part-<subtask>}. The exact totals prove that every
 * value went through exactly once.
 */
public final class SequenceSumJob {

    private SequenceSumJob() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        String output = arguments.get(arguments.indexOf("--output") + 1);
        long count = Long.parseLong(arguments.get(arguments.indexOf("--count") + 1));

        Configuration config = new Configuration();
        config.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.enableCheckpointing(500);
        env.fromSequence(1, count).uid("sequence").name("Sequence")
                .map(value -> value * 2).returns(Types.LONG).uid("double").name("Double")
                .sinkTo(new PartSumSink(output)).uid("part-sum").name("Part sum file");
        env.execute("sequence-sum");
    }

    /** Writes one "count sum" line per subtask at the end of input. */
    public static final class PartSumSink implements Sink<Long> {

        private static final long serialVersionUID = 1L;

        private final String directory;

        PartSumSink(String directory) {
            this.directory = directory;
        }

        @Override
        public SinkWriter<Long> createWriter(WriterInitContext context) {
            return new PartSumWriter(Path.of(directory, "part-" + context.getTaskInfo().getIndexOfThisSubtask()));
        }
    }

    static final class PartSumWriter implements SinkWriter<Long> {

        private final Path file;
        private long count;
        private long sum;

        PartSumWriter(Path file) {
            this.file = file;
        }

        @Override
        public void write(Long value, Context context) {
            count++;
            sum += value;
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (endOfInput) {
                Files.writeString(file, count + " " + sum, StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() {
            // Nothing is buffered: the totals are written at the end of input.
        }
    }
}
