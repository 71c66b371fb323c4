package dev.fleetpulse.jobs.metrics;

import dev.fleetpulse.jobs.JobEnvironment;
import dev.fleetpulse.localstack.Ports;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A local run with {@code --metrics-port}: a real job's operator metrics, and one of its own counters, appear on
 * 127.0.0.1 under the names and labels Flink's Prometheus reporter gives them, which the dashboards query; a scrape
 * that names metrics gets only those.
 */
class LoopbackPrometheusReporterITCase {

    @Test
    void shouldServeARunningJobsMetricsUnderFlinksPrometheusNames() throws Exception {
        int port = Ports.freePort();
        StreamExecutionEnvironment env = JobEnvironment.createLocal(
                new JobEnvironment.LocalOptions(0, Duration.ZERO, 1, port, JobEnvironment.HASHMAP));
        env.fromSequence(0, Long.MAX_VALUE).map(new CountingMap()).name("Count ticks").sinkTo(new DiscardingSink<>());
        JobClient job = env.executeAsync("reporter test");
        try {
            String page = await("the job's metrics on the page").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> scrape(port), p -> p.contains("flink_taskmanager_job_task_operator_ticks{")
                            && p.contains("operator_name=\"Count_ticks\""));
            assertThat(page).contains("# TYPE flink_taskmanager_job_task_operator_ticks gauge")
                    .containsPattern("flink_taskmanager_job_task_operator_numRecordsIn\\{[^}]*job_name=\"reporter_test\"")
                    .containsPattern("flink_jobmanager_job_numRestarts\\{[^}]*job_name=\"reporter_test\"[^}]*\\} 0\\.0");
            assertThat(scrape(port, "?name[]=flink_taskmanager_job_task_operator_ticks").lines()
                    .filter(line -> !line.startsWith("#")))
                    .isNotEmpty()
                    .allMatch(line -> line.startsWith("flink_taskmanager_job_task_operator_ticks{"));
        } finally {
            job.cancel().get();
        }
    }

    private static String scrape(int port) throws Exception {
        return scrape(port, "");
    }

    private static String scrape(int port, String query) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** Counts what passes in its own counter, {@code ticks}. */
    private static final class CountingMap extends RichMapFunction<Long, Long> {
        private transient Counter ticks;

        @Override
        public void open(OpenContext context) {
            ticks = getRuntimeContext().getMetricGroup().counter("ticks");
        }

        @Override
        public Long map(Long value) throws Exception {
            ticks.inc();
            Thread.sleep(1);
            return value;
        }
    }
}
