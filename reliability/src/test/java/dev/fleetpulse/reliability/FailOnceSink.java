package dev.fleetpulse.reliability;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;

/**
 * Wraps a sink so that its first subtask fails once, in the first attempt only, mid-stream: after it has taken part
 * in {@code checkpoints} checkpoints (each one flushes the writer before its barrier moves on) and then received
 * {@code records} more records. Before failing it flushes the delegate once more, so the records beyond the last
 * checkpoint have certainly been written, whatever the delegate's batching and timing: the restored job replays
 * them. Later attempts (the restarts) never fail, so the job can finish.
 */
final class FailOnceSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final Sink<T> delegate;
    private final int checkpoints;
    private final long records;

    FailOnceSink(Sink<T> delegate, int checkpoints, long records) {
        this.delegate = delegate;
        this.checkpoints = checkpoints;
        this.records = records;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkWriter<T> writer = delegate.createWriter(context);
        boolean armed = context.getTaskInfo().getAttemptNumber() == 0
                && context.getTaskInfo().getIndexOfThisSubtask() == 0;
        return armed ? new FailingWriter<>(writer, checkpoints, records) : writer;
    }

    /** Thrown by the injected failure; a test can find it in the job's exception history. */
    static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }

    private static final class FailingWriter<T> implements SinkWriter<T> {

        private final SinkWriter<T> delegate;
        private final int checkpoints;
        private final long records;
        private int flushes;
        private long afterCheckpoints;

        FailingWriter(SinkWriter<T> delegate, int checkpoints, long records) {
            this.delegate = delegate;
            this.checkpoints = checkpoints;
            this.records = records;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            if (flushes >= checkpoints && ++afterCheckpoints > records) {
                delegate.flush(false);
                throw new InjectedFailure("injected task failure after " + flushes + " checkpoints and "
                        + records + " more records");
            }
            delegate.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
            if (!endOfInput) {
                flushes++;
            }
        }

        @Override
        public void writeWatermark(Watermark watermark)
                throws IOException, InterruptedException {
            delegate.writeWatermark(watermark);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }
}
