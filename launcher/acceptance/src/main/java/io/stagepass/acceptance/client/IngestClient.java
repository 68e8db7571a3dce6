package io.stagepass.acceptance.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.lifecycle.Retry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Ingest as encoders and players reach it: HLS files PUT under a stream key, beacon reports under a playback token.
 * With several instances (behind one load balancer), a request that fails goes to the next one, as its client would
 * send it again, until the {@link Retry} policy gives up; every failure and success is counted in
 * {@link Interruptions} under the request's kind.
 */
public final class IngestClient {
    /** The kinds of request, as {@link Interruptions} counts them. */
    public static final String SEGMENTS = "segments";

    public static final String BEACONS = "beacons";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration PUT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration BEACON_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> instances;
    private final Retry retry;
    private final Interruptions interruptions;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    private IngestClient(List<String> instances, Retry retry, Interruptions interruptions) {
        if (instances.isEmpty()) {
            throw new IllegalArgumentException("no ingest instance");
        }
        this.instances = instances.stream().map(Urls::trimmed).toList();
        this.retry =
                retry.reportingTo((what, attempt, error, backoff) -> interruptions.failed(what, error.getMessage()));
        this.interruptions = interruptions;
    }

    /** One instance, one attempt per request: an answer other than 2xx is an error at once. */
    public static IngestClient of(String instance) {
        return new IngestClient(List.of(instance), Retry.once(), new Interruptions());
    }

    /** Several instances, each failed request sent again to the next one until {@code retry} gives up. */
    public static IngestClient failingOver(List<String> instances, Retry retry, Interruptions interruptions) {
        return new IngestClient(List.copyOf(instances), retry, interruptions);
    }

    /** The first instance: where an encoder is told to push. */
    public String url() {
        return instances.get(0);
    }

    public List<String> instances() {
        return instances;
    }

    /** Where an encoder PUTs a file of the stream (its playlist {@code index.m3u8} and segments). */
    public String pushUrl(String streamKey, String file) {
        return url() + "/live/" + streamKey + "/" + file;
    }

    /** PUTs a file of the stream, starting with the first instance; ingest's answer (201 for a stored segment). */
    public HttpResponse<String> put(String streamKey, String file, byte[] body) throws Exception {
        return send(
                SEGMENTS,
                0,
                instance -> HttpRequest.newBuilder(URI.create(instance + "/live/" + streamKey + "/" + file))
                        .timeout(PUT_TIMEOUT)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
    }

    /**
     * POSTs a batch of a player's reports under its playback token, starting with instance {@code preferred} (modulo
     * their number: players spread over the instances); ingest's answer (202).
     */
    public HttpResponse<String> beacons(String token, List<BeaconReport> reports, int preferred) throws Exception {
        String body = json(reports);
        return send(
                BEACONS,
                preferred,
                instance -> HttpRequest.newBuilder(URI.create(instance + "/v1/beacons"))
                        .timeout(BEACON_TIMEOUT)
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    public HttpResponse<String> beacons(String token, List<BeaconReport> reports) throws Exception {
        return beacons(token, reports, 0);
    }

    /**
     * What ingest answers for a stream key on one instance: a DELETE of a segment that was never pushed is harmless,
     * 204 once ingest knows the key (from the catalog, within moments of its creation), 403 when it does not.
     */
    public int probe(String instance, String streamKey) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(instance + "/live/" + streamKey + "/index0.ts"))
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    public int probe(String streamKey) throws Exception {
        return probe(url(), streamKey);
    }

    /** Waits until every instance knows a new stream key. */
    public void awaitKnows(String streamKey, Duration timeout) throws Exception {
        for (String instance : instances) {
            if (!Await.until(timeout, () -> probe(instance, streamKey) == 204)) {
                throw new IllegalStateException("ingest at " + instance + " did not learn the new stream key within "
                        + timeout.toSeconds() + " s");
            }
        }
    }

    @FunctionalInterface
    private interface RequestTo {
        HttpRequest to(String instance);
    }

    private HttpResponse<String> send(String kind, int first, RequestTo request) throws Exception {
        HttpResponse<String> answer;
        try {
            answer = retry.attempt(kind, Answers::retriable, attempt -> {
                String instance = instances.get(Math.floorMod(first + attempt, instances.size()));
                HttpResponse<String> sent;
                try {
                    sent = http.send(request.to(instance), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    throw new IOException(instance + ": " + e, e); // refused or reset: the instance is away
                }
                return Answers.successful(kind, instance, sent);
            });
        } catch (IOException lastFailure) {
            interruptions.failed(kind, lastFailure.getMessage()); // the attempt the client gave up after
            throw lastFailure;
        }
        interruptions.succeeded(kind);
        return answer;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
