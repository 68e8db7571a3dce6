package io.stagepass.ingest.beacons;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.BadRequestResponse;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ViewMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BeaconParserTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final PlaybackTokens.Claims VIEWER =
            new PlaybackTokens.Claims("live_1", Optional.of("cs_1"), NOW.plusSeconds(3600));
    private static final PlaybackTokens.Claims VISITOR =
            new PlaybackTokens.Claims("live_1", Optional.empty(), NOW.plusSeconds(3600));

    @Test
    void takesTheLiveAndTheTicketFromTheTokenOnly() {
        List<Beacon> beacons = BeaconParser.parse("""
                [{"type": "view_start", "sessionId": "session-1", "mode": "live", "positionMs": 0, "clientTime": "2026-11-27T09:59:59.5Z"},
                 {"type": "heartbeat", "sessionId": "session-1", "mode": "live", "positionMs": 10000, "clientTime": 1795773600000}]
                """.getBytes(), VIEWER, NOW);

        assertThat(beacons).extracting(Beacon::getType).containsExactly(BeaconType.VIEW_START, BeaconType.HEARTBEAT);
        assertThat(beacons).allSatisfy(b -> {
            assertThat(b.getLiveId()).isEqualTo("live_1");
            assertThat(b.getTicketId()).isEqualTo("cs_1");
            assertThat(b.getMode()).isEqualTo(ViewMode.LIVE);
            assertThat(b.getReceivedAt()).isEqualTo(NOW);
        });
        assertThat(beacons.get(0).getClientTime()).isEqualTo(Instant.parse("2026-11-27T09:59:59.5Z"));
        assertThat(beacons.get(1).getPositionMillis()).isEqualTo(10_000);
    }

    @Test
    void aResentEventKeepsItsIdSoConsumersCountItOnce() {
        byte[] body =
                "[{\"id\": \"evt-0001\", \"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"replay\"}]"
                        .getBytes();

        assertThat(BeaconParser.parse(body, VIEWER, NOW).get(0).getEventId())
                .isEqualTo(BeaconParser.parse(body, VIEWER, NOW.plusSeconds(5))
                        .get(0)
                        .getEventId());
    }

    @Test
    void refusesClaimsAboutWhoIsWatching() {
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"ticketId\": \"cs_other\"}]",
                "events[0].ticketId: not accepted; the live and the viewer come from the beacon token");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"liveId\": \"live_2\"}]",
                "events[0].liveId: not accepted");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"viewerId\": \"u1\"}]",
                "events[0].viewerId");
    }

    @Test
    void namesTheFirstInvalidField() {
        String ok = "{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\"}";
        assertRefused(
                "[" + ok + ", {\"type\": \"dance\", \"sessionId\": \"session-1\", \"mode\": \"live\"}]",
                "events[1].type: must be one of");
        assertRefused("[{\"type\": \"heartbeat\", \"sessionId\": \"s\", \"mode\": \"live\"}]", "events[0].sessionId");
        assertRefused("[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"tv\"}]", "events[0].mode");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"positionMs\": -1}]",
                "events[0].positionMs");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"positionMs\": 1.5}]",
                "events[0].positionMs");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"clientTime\": \"yesterday\"}]",
                "events[0].clientTime");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"color\": \"red\"}]",
                "events[0].color: unknown field");
        assertRefused("[{\"sessionId\": \"session-1\", \"mode\": \"live\"}]", "events[0].type: required");
        assertRefused("{\"type\": \"heartbeat\"}", "must be a JSON array");
        assertRefused("[]", "1 to 100 events");
        assertRefused("[" + (ok + ",").repeat(100) + ok + "]", "got 101");
        assertRefused("[{", "not JSON");
    }

    @Test
    void carriesWhatThePlayerMeasuredOfPlaybackItself() {
        List<Beacon> beacons = BeaconParser.parse("""
                [{"type": "view_start", "sessionId": "session-1", "mode": "live", "startupMs": 840, "rendition": "720p"},
                 {"type": "rebuffer", "sessionId": "session-1", "mode": "live", "rebuffers": 2, "rebufferMs": 3150, "rendition": "360p"},
                 {"type": "playback_failure", "sessionId": "session-1", "mode": "replay", "reason": "segment-unreachable"},
                 {"type": "exit_before_start", "sessionId": "session-2", "mode": "replay"}]
                """.getBytes(), VIEWER, NOW);

        assertThat(beacons)
                .extracting(Beacon::getType)
                .containsExactly(
                        BeaconType.VIEW_START,
                        BeaconType.REBUFFER,
                        BeaconType.PLAYBACK_FAILURE,
                        BeaconType.EXIT_BEFORE_START);
        assertThat(beacons.get(0).getStartupMillis()).isEqualTo(840);
        assertThat(beacons.get(0).getRendition()).isEqualTo("720p");
        assertThat(beacons.get(1).getRebufferCount()).isEqualTo(2);
        assertThat(beacons.get(1).getRebufferMillis()).isEqualTo(3150);
        assertThat(beacons.get(1).getStartupMillis()).isNull();
        assertThat(beacons.get(2).getFailureReason()).isEqualTo("segment-unreachable");
        assertThat(beacons.get(3).getRebufferCount()).isNull();
        assertThat(BeaconParser.parse(
                                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"rendition\": \"817p\"}]"
                                        .getBytes(),
                                VIEWER,
                                NOW)
                        .get(0)
                        .getRendition())
                .as("an uncommon height is one name: the creator's rows stay a handful")
                .isEqualTo("other");
    }

    @Test
    void refusesQualityFiguresThatCannotBeTrue() {
        String start = "[{\"type\": \"view_start\", \"sessionId\": \"session-1\", \"mode\": \"live\", ";
        assertRefused(start + "\"startupMs\": -5}]", "events[0].startupMs: must be a whole number of milliseconds");
        assertRefused(start + "\"startupMs\": 600001}]", "0 to 600000");
        assertRefused(start + "\"rebuffers\": 1}]", "rebuffers and rebufferMs come together");
        assertRefused(start + "\"rendition\": \"hd\"}]", "events[0].rendition: a picture height");
        assertRefused(start + "\"reason\": \"other\"}]", "only a playback_failure has a reason");
        assertRefused(
                "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"startupMs\": 5}]",
                "only a view_start says how long");
        assertRefused(
                "[{\"type\": \"playback_failure\", \"sessionId\": \"session-1\", \"mode\": \"live\", \"reason\": \"<script>\"}]",
                "events[0].reason: must be one of media-error, other, playlist-unreachable");
        assertRefused(
                "[{\"type\": \"playback_failure\", \"sessionId\": \"session-1\", \"mode\": \"live\"}]",
                "events[0].reason: required");
    }

    @Test
    void aVisitorWithoutATicketMayOnlyReportPageViews() {
        assertThat(BeaconParser.parse(
                        "[{\"type\": \"page_view\", \"sessionId\": \"session-1\", \"mode\": \"page\"}]".getBytes(),
                        VISITOR,
                        NOW))
                .singleElement()
                .satisfies(b -> assertThat(b.getTicketId()).isNull());
        assertThatThrownBy(() -> BeaconParser.parse(
                        "[{\"type\": \"heartbeat\", \"sessionId\": \"session-1\", \"mode\": \"live\"}]".getBytes(),
                        VISITOR,
                        NOW))
                .hasMessageContaining("without a ticket");
    }

    private static void assertRefused(String body, String message) {
        assertThatThrownBy(() -> BeaconParser.parse(body.getBytes(), VIEWER, NOW))
                .isInstanceOf(BadRequestResponse.class)
                .hasMessageContaining(message);
    }
}
