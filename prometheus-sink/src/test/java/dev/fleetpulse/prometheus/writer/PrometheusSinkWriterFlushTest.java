package dev.fleetpulse.prometheus.writer;

import dev.fleetpulse.prometheus.http.ScriptedServer;
import dev.fleetpulse.prometheus.PrometheusSink;
import dev.fleetpulse.prometheus.model.TimeSeries;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobInfo;
import org.apache.flink.api.common.JobInfoImpl;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.groups.InternalSinkWriterMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.streaming.runtime.tasks.StreamTaskActionExecutor;
import org.apache.flink.streaming.runtime.tasks.mailbox.MailboxExecutorImpl;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailboxImpl;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code flush}, which Flink calls before every checkpoint barrier, must return only when the requests already in
 * flight are answered: a checkpoint that completes while a request is still on its way would count samples as
 * written that the receiver may never take. The writer runs on a real Flink mailbox on this thread, as on a task
 * thread, against a slow endpoint: one that holds its answer until the test lets it go.
 */
class PrometheusSinkWriterFlushTest {

    private static final long T0 = 1_730_621_750_000L;

    @Test
    void shouldReturnFromFlushOnlyAfterTheRequestInFlightWasAnswered() throws Exception {
        CountDownLatch requestArrived = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        AtomicBoolean answered = new AtomicBoolean();
        try (ScriptedServer server = new ScriptedServer((scripted, connection, index) -> {
            InputStream in = connection.getInputStream();
            while (ScriptedServer.readRequest(in) != null) {
                requestArrived.countDown();
                awaitOrFail(answer);
                answered.set(true);
                ScriptedServer.write(connection, "HTTP/1.1 204 No Content\r\n\r\n");
            }
        })) {
            PrometheusSinkSettings settings = PrometheusSink.builder()
                    .endpointUrl("http://127.0.0.1:" + server.port() + "/api/v1/write")
                    // A full batch is sent at once: the request is in flight before flush is called.
                    .maxBatchSamples(1).maxInFlightRequests(1).maxBatchAge(Duration.ofMinutes(10))
                    .maxFutureSkew(Duration.ofDays(365 * 100))
                    .build().settings();
            TaskThreadContext context = new TaskThreadContext();
            PrometheusSinkWriter writer = PrometheusSinkWriter.create(settings, null, context, List.of());
            try {
                writer.write(TimeSeries.builder("fp_flush").label("series", "s000").sample(1, T0).build(), null);
                assertThat(requestArrived.await(30, TimeUnit.SECONDS)).as("request sent before flush").isTrue();
                // A mail runs on this thread only when it yields to the mailbox, which it does only inside flush,
                // waiting for answers: that is when the endpoint may answer.
                AtomicBoolean flushWasWaiting = new AtomicBoolean();
                context.getMailboxExecutor().execute(() -> {
                    flushWasWaiting.set(!answered.get());
                    answer.countDown();
                }, "let the slow endpoint answer");

                writer.flush(false);

                assertThat(flushWasWaiting).as("flush waited, the request still unanswered").isTrue();
                assertThat(answered).as("the answer was sent before flush returned").isTrue();
            } finally {
                answer.countDown();
                writer.close();
            }
        }
    }

    private static void awaitOrFail(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IOException("The test never let the endpoint answer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while holding the answer");
        }
    }

    /** The writer's context on this thread: a real Flink mailbox whose task thread is the test's. */
    private static final class TaskThreadContext implements WriterInitContext {
        private final MailboxExecutor mailbox = new MailboxExecutorImpl(new TaskMailboxImpl(Thread.currentThread()),
                0, StreamTaskActionExecutor.IMMEDIATE);

        @Override
        public MailboxExecutor getMailboxExecutor() {
            return mailbox;
        }

        @Override
        public SinkWriterMetricGroup metricGroup() {
            return InternalSinkWriterMetricGroup.wrap(UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup());
        }

        @Override
        public TaskInfo getTaskInfo() {
            return new TaskInfoImpl("Prometheus: Writer", 1, 0, 1, 0);
        }

        @Override
        public JobInfo getJobInfo() {
            return new JobInfoImpl(new JobID(), "prometheus-sink-flush");
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return OptionalLong.empty();
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }

        @Override
        public boolean isObjectReuseEnabled() {
            return true;
        }

        @Override
        public ProcessingTimeService getProcessingTimeService() {
            throw new UnsupportedOperationException("PrometheusSinkWriter keeps its own timers");
        }

        @Override
        public SerializationSchema.InitializationContext asSerializationSchemaInitializationContext() {
            throw new UnsupportedOperationException("PrometheusSinkWriter has no serialization schema");
        }

        @Override
        public <IN> TypeSerializer<IN> createInputSerializer() {
            throw new UnsupportedOperationException("PrometheusSinkWriter copies no input");
        }
    }
}
