package io.stagepass.bench.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.bench.Sleep;
import io.stagepass.embedded.EmbeddedFlink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobID;

/** Flink's own per-vertex counts from the REST API (refreshed every 10 s), to see every operator got everything. */
final class FlinkRestCheck {
    private final EmbeddedFlink flink;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    FlinkRestCheck(EmbeddedFlink flink) {
        this.flink = flink;
    }

    /** Prints each job's state and per-vertex records in and out. */
    void print(Map<String, JobID> jobs) {
        // A request makes the metric fetcher refresh (at most every 10 s) in the background: ask, wait, ask again.
        for (JobID id : jobs.values()) {
            try {
                http.send(request(id), HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                // the second request reports it
            }
        }
        Sleep.millis(11_000);
        for (Map.Entry<String, JobID> job : jobs.entrySet()) {
            try {
                JsonNode root = json.readTree(http.send(request(job.getValue()), HttpResponse.BodyHandlers.ofString())
                        .body());
                System.out.printf(
                        "  REST %s (%s): %s%n",
                        job.getKey(), root.path("state").asText(), String.join("; ", vertices(root)));
            } catch (Exception e) {
                System.out.println("  REST check of " + job.getKey() + " failed: " + e);
            }
        }
    }

    private HttpRequest request(JobID id) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + flink.restPort() + "/jobs/" + id))
                .build();
    }

    private static List<String> vertices(JsonNode job) {
        List<String> vertices = new ArrayList<>();
        for (JsonNode vertex : job.path("vertices")) {
            JsonNode metrics = vertex.path("metrics");
            vertices.add(String.format(
                    "'%s' in %,d out %,d",
                    abbreviate(vertex.path("name").asText(), 60),
                    metrics.path("read-records").asLong(),
                    metrics.path("write-records").asLong()));
        }
        return vertices;
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
