package dev.fleetpulse.localstack.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The part of Flink's REST API that tests need, over java.net.http and Jackson; no Flink client classes. The one
 * place in local-stack that speaks HTTP and JSON: it serves the standalone {@link LocalFlinkCluster} and its
 * {@link FlinkJob}s and the MiniCluster of {@code FlinkMiniClusterExtension} alike.
 */
public final class FlinkRestClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    public FlinkRestClient(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    /** True once the REST endpoint answers; a refused connection only means "not yet". */
    boolean isUp() {
        try {
            return http.send(request("/overview").timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Flink REST API at " + base, e);
        }
    }

    String uploadJar(Path jar) {
        String boundary = "fleetpulse-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n";
        HttpRequest.BodyPublisher file;
        try {
            file = HttpRequest.BodyPublishers.ofFile(jar);
        } catch (FileNotFoundException e) {
            throw new UncheckedIOException("Job jar " + jar + " does not exist", e);
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.concat(
                HttpRequest.BodyPublishers.ofString(head), file,
                HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
        JsonNode answer = send("POST", "/jars/upload", request("/jars/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(body));
        // Flink answers with the stored file's path; its file name is the jar id the other /jars calls take.
        return Path.of(answer.path("filename").asText()).getFileName().toString();
    }

    String runJar(String jarId, List<String> programArgs, int parallelism, String savepointPath) {
        ObjectNode body = json.createObjectNode();
        body.putArray("programArgsList").addAll(programArgs.stream().map(json.getNodeFactory()::textNode).toList());
        body.put("parallelism", parallelism);
        if (savepointPath != null) {
            body.put("savepointPath", savepointPath);
            body.put("allowNonRestoredState", false);
        }
        return post("/jars/" + jarId + "/run", body).path("jobid").asText();
    }

    /** Every job the JobManager knows, by id, with its status. */
    Map<String, FlinkJobStatus> jobs() {
        Map<String, FlinkJobStatus> jobs = new LinkedHashMap<>();
        for (JsonNode job : get("/jobs").path("jobs")) {
            jobs.put(job.path("id").asText(), FlinkJobStatus.valueOf(job.path("status").asText()));
        }
        return jobs;
    }

    FlinkJobStatus jobStatus(String jobId) {
        return FlinkJobStatus.valueOf(get("/jobs/" + jobId).path("state").asText());
    }

    void cancel(String jobId) {
        send("PATCH", "/jobs/" + jobId + "?mode=cancel",
                request("/jobs/" + jobId + "?mode=cancel").method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** Starts stop-with-savepoint and returns the trigger id to poll with {@link #savepointOperation}. */
    String triggerStopWithSavepoint(String jobId, String targetDirectory) {
        ObjectNode body = json.createObjectNode();
        body.put("targetDirectory", targetDirectory);
        body.put("drain", false);
        return post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
    }

    SavepointOperation savepointOperation(String jobId, String triggerId) {
        JsonNode answer = get("/jobs/" + jobId + "/savepoints/" + triggerId);
        JsonNode operation = answer.path("operation");
        JsonNode failure = operation.path("failure-cause");
        return new SavepointOperation("COMPLETED".equals(answer.path("status").path("id").asText()),
                textOrNull(operation, "location"),
                failure.isMissingNode() ? null : failure.path("stack-trace").asText());
    }

    /**
     * A savepoint operation ({@code GET /jobs/:id/savepoints/:triggerId}). Once completed, it has either a location or
     * the failure's stack trace.
     */
    record SavepointOperation(boolean completed, String location, String failureStackTrace) {
    }

    /** The failures in the job's exception history, oldest first; a job that never failed or restarted has none. */
    public List<JobExceptionEntry> jobExceptions(String jobId) {
        List<JobExceptionEntry> entries = new ArrayList<>();
        for (JsonNode entry : get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            entries.add(new JobExceptionEntry(entry.path("timestamp").asLong(), entry.path("exceptionName").asText(),
                    entry.path("stacktrace").asText(), textOrNull(entry, "taskName"), textOrNull(entry, "taskManagerId")));
        }
        return List.copyOf(entries);
    }

    /**
     * The value of a JobManager metric of the job (e.g. {@code numRestarts}), or {@code null} while the REST
     * endpoint's metric fetcher has not fetched it yet.
     */
    public String jobMetric(String jobId, String name) {
        for (JsonNode metric : get("/jobs/" + jobId + "/metrics?get=" + name)) {
            if (name.equals(metric.path("id").asText())) {
                return metric.path("value").asText();
            }
        }
        return null;
    }

    CheckpointCounts checkpoints(String jobId) {
        JsonNode counts = get("/jobs/" + jobId + "/checkpoints").path("counts");
        return new CheckpointCounts(counts.path("completed").asLong(), counts.path("failed").asLong(),
                counts.path("in_progress").asLong(), counts.path("restored").asLong());
    }

    List<RegisteredTaskManager> taskManagers() {
        List<RegisteredTaskManager> taskManagers = new ArrayList<>();
        for (JsonNode taskManager : get("/taskmanagers").path("taskmanagers")) {
            taskManagers.add(new RegisteredTaskManager(taskManager.path("id").asText(),
                    taskManager.path("slotsNumber").asInt(), taskManager.path("freeSlots").asInt()));
        }
        return List.copyOf(taskManagers);
    }

    /** The TaskManagers that run a RUNNING subtask of the job, by resource id. */
    List<String> taskManagersRunning(String jobId) {
        List<String> ids = new ArrayList<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode subtask : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText()).path("subtasks")) {
                if ("RUNNING".equals(subtask.path("status").asText())) {
                    ids.add(subtask.path("taskmanager-id").asText());
                }
            }
        }
        return ids.stream().distinct().sorted().toList();
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private JsonNode get(String path) {
        return send("GET", path, request(path).GET());
    }

    private JsonNode post(String path, JsonNode body) {
        return send("POST", path, request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT);
    }

    private JsonNode send(String method, String path, HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base.resolve(path) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + method + " " + path, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new FlinkRestException(method, path, response.statusCode(), response.body());
        }
        try {
            return response.body().isEmpty() ? json.createObjectNode() : json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " answered with JSON that does not parse: "
                    + response.body(), e);
        }
    }
}
