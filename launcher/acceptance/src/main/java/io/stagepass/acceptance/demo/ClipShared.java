package io.stagepass.acceptance.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.platform.lifecycle.Await;
import java.net.http.HttpResponse;
import java.util.List;

/**
 * A creator's clip: the demo's creator marks Ana's time on stage (3.5 to 12.0 s of the live) as a public clip through
 * the creators' API; the jobs worker cuts it from the keyframe before the mark without re-encoding, and anyone (no
 * ticket) finds it among the ticket page's previews, its link giving exactly the MP4 the worker stored.
 */
record ClipShared(ApiClient api, Sent sent) implements Check {
    static final long START_MILLIS = 3_500;
    static final long END_MILLIS = 12_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "a public clip";
    }

    @Override
    public CheckResult run() throws Exception {
        HttpResponse<String> asked =
                api.clip(sent.apiKey(), sent.liveId(), "Ana joins", START_MILLIS, END_MILLIS, true);
        if (asked.statusCode() != 202) {
            return CheckResult.of(
                    name(), false, List.of("Clip: the API answered " + asked.statusCode() + ": " + asked.body()));
        }
        String clipId = JSON.readTree(asked.body()).get("clipId").asText();
        Await.Outcome<JsonNode> cut = Await.until(
                Waits.PIPELINE,
                Waits.FAST_POLL,
                () -> clip(clipId),
                clip -> clip != null && !"requested".equals(clip.path("status").asText()));
        JsonNode clip = cut.value();
        if (clip == null || !"ready".equals(clip.path("status").asText())) {
            return CheckResult.of(
                    name(), false, List.of("Clip (jobs worker): not cut: " + (clip == null ? "no answer" : clip)));
        }
        JsonNode previews = JSON.readTree(
                api.page("/v1/lives/" + sent.liveId() + "/previews").body());
        JsonNode preview = null;
        for (JsonNode each : previews.path("data")) {
            if (clipId.equals(each.path("clipId").asText())) {
                preview = each;
            }
        }
        long bytes =
                preview == null ? -1 : api.bytes(preview.path("media").asText()).body().length;
        long start = clip.path("clipStartMillis").asLong();
        long duration = clip.path("durationMillis").asLong();
        boolean held = preview != null
                && bytes == clip.path("byteSize").asLong()
                && start <= START_MILLIS
                && duration >= END_MILLIS - START_MILLIS;
        return CheckResult.of(
                name(),
                held,
                List.of(
                        String.format(
                                "Clip (jobs worker): \"Ana joins\" marked %.1f-%.1f s, cut from the keyframe at %.1f s"
                                        + " without re-encoding: %.1f s, %d bytes at %dx%d; among the ticket page's"
                                        + " previews for anyone: %s",
                                START_MILLIS / 1000.0,
                                END_MILLIS / 1000.0,
                                start / 1000.0,
                                duration / 1000.0,
                                clip.path("byteSize").asLong(),
                                clip.path("width").asInt(),
                                clip.path("height").asInt(),
                                preview != null
                                                && bytes
                                                        == clip.path("byteSize").asLong()
                                        ? "yes"
                                        : "no"),
                        "  ticket page with it:     " + api.links().ticketPage(sent.liveId())));
    }

    /** The clip as the creator's list shows it, or null before it is there. */
    private JsonNode clip(String clipId) throws Exception {
        for (JsonNode clip :
                api.json(sent.apiKey(), "/v1/lives/" + sent.liveId() + "/clips").path("data")) {
            if (clipId.equals(clip.path("clipId").asText())) {
                return clip;
            }
        }
        return null;
    }
}
