package dev.fleetpulse.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * What the harness reads from a job running locally with {@code --web-ui PORT} (Flink's REST API) and
 * {@code --metrics-port PORT} (the job's metrics page), and how it stops the job.
 *
 * <p>Progress comes from the metrics page, not from the REST API's metrics: those are fetched from the tasks every
 * 10 s ({@code metrics.fetcher.update-interval}), too coarse to tell when the second half of a run starts.
 */
final class LocalJobClient {

    /** Records the Kafka source has read (valid or not), per subtask. */
    private static final String RECORDS_IN = "flink_taskmanager_job_task_operator_numRecordsIn";
    /** Both jobs name their source "Vehicle events from Kafka"; Flink prefixes it and the page escapes the spaces. */
    private static final String SOURCE_OPERATOR = "operator_name=\"Source:_";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String restUrl;
    private final URI recordsInUrl;
    private String jobId;

    /** @param metricsPort 0 when the job serves no metrics page */
    LocalJobClient(int webUiPort, int metricsPort) {
        restUrl = "http://127.0.0.1:" + webUiPort;
        recordsInUrl = URI.create("http://127.0.0.1:" + metricsPort + "/metrics?name[]=" + RECORDS_IN);
    }

    /** Checkpoint figures of a job so far. Sizes are the full state ({@code state_size}), in bytes. */
    record CheckpointStats(long completed, long failed, long maxDurationMs, long lastDurationMs, long maxSizeBytes,
                           long lastSizeBytes) {

        static final CheckpointStats NONE = new CheckpointStats(0, 0, 0, 0, 0, 0);
    }

    /**
     * Records the job's Kafka source has read so far, summed over its subtasks; 0 while the job's metrics page does
     * not answer yet (the JVM is starting) or the source has not registered its metrics.
     */
    long sourceRecordsIn() {
        Optional<String> page = get(recordsInUrl);
        if (page.isEmpty()) {
            return 0;
        }
        long records = 0;
        for (String line : page.get().split("\n")) {
            if (line.startsWith(RECORDS_IN + "{") && line.contains(SOURCE_OPERATOR)) {
                records += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return records;
    }

    /**
     * The job's checkpoint figures so far ({@code /jobs/:id/checkpoints}): completed and failed checkpoints, the
     * longest and the latest end-to-end duration, the largest and the latest size. Empty until the REST API answers.
     */
    Optional<CheckpointStats> checkpoints() {
        return jobId().flatMap(id -> getJson("/jobs/" + id + "/checkpoints")).map(stats -> {
            JsonNode latest = stats.path("latest").path("completed");
            return new CheckpointStats(
                    stats.path("counts").path("completed").asLong(),
                    stats.path("counts").path("failed").asLong(),
                    stats.path("summary").path("end_to_end_duration").path("max").asLong(),
                    latest.path("end_to_end_duration").asLong(),
                    stats.path("summary").path("state_size").path("max").asLong(),
                    latest.path("state_size").asLong());
        });
    }

    /** Cancels the job, as the web UI's Cancel button does; its main then ends and so does its JVM. */
    void cancel() throws IOException, InterruptedException {
        String id = jobId().orElseThrow(() -> new IllegalStateException("No job to cancel at " + restUrl));
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/jobs/" + id + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("Cancelling job " + id + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    /**
     * The id of the local cluster's one job, once it runs: while its JobManager initializes, the checkpoint endpoint
     * answers 503 and the job's JVM logs an error with a stack trace for each request.
     */
    private Optional<String> jobId() {
        if (jobId == null) {
            getJson("/jobs/overview").map(overview -> overview.path("jobs").path(0))
                    .filter(job -> job.path("state").asText().equals("RUNNING"))
                    .ifPresent(job -> jobId = job.path("jid").asText());
        }
        return Optional.ofNullable(jobId);
    }

    private Optional<JsonNode> getJson(String path) {
        return get(URI.create(restUrl + path)).map(body -> {
            try {
                return json.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("Flink's REST API answered " + path + " with something else than JSON: "
                        + body, e);
            }
        });
    }

    /**
     * The body of a 200 answer; empty while nothing listens yet (the job's JVM starts its MiniCluster first) or when
     * the endpoint is not there yet (404 before the job is submitted).
     */
    private Optional<String> get(URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException notListeningYet) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while asking " + uri, e);
        }
    }
}
