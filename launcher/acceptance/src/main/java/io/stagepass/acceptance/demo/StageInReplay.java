package io.stagepass.acceptance.demo;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.FrameClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The guest was on stage in the replay: the creator's record of the stage (one appearance, the guest's name) is the
 * replay's chapter, and the replay's own pictures (the download MP4, decoded here with the FFmpeg libraries) show two
 * pictures side by side in the chapter's middle (the guest's blue tile on the right, dark bands above and below), and
 * the creator's picture filling the frame before it.
 */
record StageInReplay(ApiClient api, Sent sent, PlaybackTokens tokens) implements Check {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The issue's goal: a guest reaches viewers at most a second later than the creator does. */
    private static final long MAX_GUEST_BEHIND_MILLIS = 1000;

    @Override
    public String name() {
        return "stage in the replay";
    }

    @Override
    public CheckResult run() throws Exception {
        JsonNode appearances = api.json(sent.apiKey(), "/v1/lives/" + sent.liveId() + "/stage/appearances")
                .get("appearances");
        String token =
                tokens.issue(sent.liveId(), sent.holderTicket(), Instant.now().plus(Duration.ofHours(1)));
        JsonNode playback = JSON.readTree(
                api.page("/v1/lives/" + sent.liveId() + "/playback?token=" + token + "&screen=demo-stage-check")
                        .body());
        if (appearances.size() != 1 || !appearances.equals(playback.get("chapters"))) {
            return CheckResult.failed(
                    name(),
                    List.of("  expected one appearance, the same as the replay's chapters; the creator's: "
                            + appearances + ", the replay's: " + playback.get("chapters")));
        }
        JsonNode chapter = appearances.get(0);
        double start = chapter.get("startSeconds").asDouble();
        double end = chapter.path("endSeconds").asDouble(Double.NaN);
        HttpResponse<byte[]> download = api.bytes(playback.get("download").asText());
        Path mp4 = Files.createTempFile("stagepass-demo-replay", ".mp4");
        try {
            Files.write(mp4, download.body());
            Picture before = Picture.at(mp4, start / 2);
            Picture during = Picture.at(mp4, (start + end) / 2);
            int w = during.width;
            int h = during.height;
            int[] band = during.yuv(w / 4, h / 16); // above the creator's tile
            int[] guestTile = during.yuv(w * 3 / 4, h / 2);
            int[] creatorTop = before.yuv(w / 4, h / 16);
            boolean twoPictures = band[0] < 40 && guestTile[1] > 190 && guestTile[2] < 150;
            boolean aloneBefore = creatorTop[0] > 60;
            // Both cameras drew the moment each picture was made into it: how much older the guest's picture is than
            // the creator's beside it is what the stage adds to the guest's delay over the live's own.
            OptionalLong creatorClock = FrameClock.read(during::luma, 0, h / 4, w / 2, h / 2);
            OptionalLong guestClock = FrameClock.read(during::luma, w / 2, h / 4, w / 2, h / 2);
            long guestBehind = creatorClock.isPresent() && guestClock.isPresent()
                    ? FrameClock.millisBetween(guestClock.getAsLong(), creatorClock.getAsLong())
                    : Long.MIN_VALUE;
            boolean inStep = guestBehind != Long.MIN_VALUE && Math.abs(guestBehind) <= MAX_GUEST_BEHIND_MILLIS;
            String line = String.format(
                    Locale.ROOT,
                    "Stage (replay): chapter \"%s\" (%.1f-%.1f s, %s); at %.1f s the picture is two side by side (guest's"
                            + " tile YUV %d/%d/%d, band above %d): %s; at %.1f s the creator's alone: %s",
                    chapter.get("title").asText(),
                    start,
                    end,
                    chapter.path("reason").asText(),
                    (start + end) / 2,
                    guestTile[0],
                    guestTile[1],
                    guestTile[2],
                    band[0],
                    twoPictures ? "yes" : "NO",
                    start / 2,
                    aloneBefore ? "yes" : "NO");
            String clocks = guestBehind == Long.MIN_VALUE
                    ? "  the clocks drawn into the pictures could not be read (creator's: " + creatorClock
                            + ", guest's: " + guestClock + ")"
                    : String.format(
                            Locale.ROOT,
                            "  the guest's picture beside the creator's was made %d ms earlier (clocks drawn into both"
                                    + " cameras' pictures; goal: within %d ms): %s",
                            guestBehind,
                            MAX_GUEST_BEHIND_MILLIS,
                            inStep ? "yes" : "NO");
            return CheckResult.of(
                    name(),
                    twoPictures
                            && aloneBefore
                            && inStep
                            && DemoStage.GUEST_NAME.equals(chapter.get("name").asText()),
                    List.of(line, clocks));
        } finally {
            Files.deleteIfExists(mp4);
        }
    }

    /** One decoded picture's planes (YUV 4:2:0). */
    record Picture(int width, int height, byte[] y, byte[] u, byte[] v) {
        int luma(int x, int row) {
            return y[Math.min(height - 1, Math.max(0, row)) * width + Math.min(width - 1, Math.max(0, x))] & 0xff;
        }

        int[] yuv(int x, int row) {
            int c = (row / 2) * (width / 2) + x / 2;
            return new int[] {y[row * width + x] & 0xff, u[c] & 0xff, v[c] & 0xff};
        }

        /** The first picture at or after {@code seconds}. */
        static Picture at(Path file, double seconds) {
            try (Demuxer in = Demuxer.open(file.toString(), null, true)) {
                int video = in.videoStream();
                Picture[] found = new Picture[1];
                try (Decoder decoder = Decoder.open(in.stream(video).codecpar(), 1)) {
                    double timeBase = av_q2d(in.stream(video).time_base());
                    AVPacket packet;
                    while (found[0] == null && (packet = in.next()) != null) {
                        if (packet.stream_index() != video) {
                            continue;
                        }
                        decoder.decode(packet, frame -> {
                            long pts = frame.best_effort_timestamp();
                            if (found[0] == null && pts != AV_NOPTS_VALUE && pts * timeBase >= seconds) {
                                found[0] = copy(frame);
                            }
                        });
                    }
                }
                if (found[0] == null) {
                    throw new IllegalStateException("no picture at " + seconds + " s in the replay");
                }
                return found[0];
            }
        }

        private static Picture copy(AVFrame frame) {
            int w = frame.width();
            int h = frame.height();
            byte[] y = new byte[w * h];
            byte[] u = new byte[(w / 2) * (h / 2)];
            byte[] v = new byte[(w / 2) * (h / 2)];
            for (int row = 0; row < h; row++) {
                frame.data(0).position((long) row * frame.linesize(0)).get(y, row * w, w);
            }
            for (int row = 0; row < h / 2; row++) {
                frame.data(1).position((long) row * frame.linesize(1)).get(u, row * (w / 2), w / 2);
                frame.data(2).position((long) row * frame.linesize(2)).get(v, row * (w / 2), w / 2);
            }
            return new Picture(w, h, y, u, v);
        }
    }
}
