package io.stagepass.acceptance.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.acceptance.client.Urls;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.PipelineJobs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A Flink cluster as its REST API (the one behind the web UI) tells it: the pipeline's jobs and the TaskManagers. */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Set<String> ENDED = Set.of("FINISHED", "CANCELED", "FAILED");

    /** A job that has not ended: its name without the prefix, its state, its running and total tasks. */
    record Job(String id, String name, String state, int runningTasks, int totalTasks) {
        boolean fullyRunning() {
            return state.equals("RUNNING") && runningTasks == totalTasks;
        }
    }

    /** A TaskManager: its resource id (the process's name, as deploy/local-cluster starts it) and slots in use. */
    record TaskManager(String id, int slots, int freeSlots) {
        int used() {
            return slots - freeSlots;
        }
    }

    private final String url;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    FlinkRest(String url) {
        this.url = Urls.trimmed(url);
    }

    /** The pipeline's jobs that have not ended. */
    List<Job> jobs() throws Exception {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            String name = job.path("name").asText();
            String state = job.path("state").asText();
            if (name.startsWith(PipelineJob.PREFIX) && !ENDED.contains(state)) {
                jobs.add(new Job(
                        job.path("jid").asText(),
                        name.substring(PipelineJob.PREFIX.length()),
                        state,
                        job.path("tasks").path("running").asInt(),
                        job.path("tasks").path("total").asInt()));
            }
        }
        return jobs;
    }

    /** Whether every pipeline job runs, once, with every one of its tasks. */
    boolean allJobsRunning() throws Exception {
        List<Job> jobs = jobs();
        Set<String> expected =
                PipelineJobs.all().stream().map(PipelineJob::name).collect(Collectors.toSet());
        return jobs.size() == expected.size()
                && jobs.stream().map(Job::name).collect(Collectors.toSet()).equals(expected)
                && jobs.stream().allMatch(Job::fullyRunning);
    }

    List<TaskManager> taskManagers() throws Exception {
        List<TaskManager> managers = new ArrayList<>();
        for (JsonNode manager : get("/taskmanagers").path("taskmanagers")) {
            managers.add(new TaskManager(
                    manager.path("id").asText(),
                    manager.path("slotsNumber").asInt(),
                    manager.path("freeSlots").asInt()));
        }
        return managers;
    }

    /** The checkpoint or savepoint a job was last restored from, if it was. */
    Optional<String> restoredFrom(String jobId) throws Exception {
        JsonNode restored =
                get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored");
        return restored.isMissingNode() || restored.isNull()
                ? Optional.empty()
                : Optional.of(restored.path("external_path").asText());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("Flink's REST API answered " + answer.statusCode() + " to " + path);
        }
        return JSON.readTree(answer.body());
    }
}
