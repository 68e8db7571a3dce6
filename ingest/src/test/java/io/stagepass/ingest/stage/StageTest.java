package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StageTest {
    private final Stage stage = new Stage(Clock.systemUTC());

    /** What a guest's browser was told. */
    static final class Browser implements Stage.GuestLink {
        final List<String> messages = new ArrayList<>();
        int closedWith;
        String closedBecause;

        @Override
        public void send(String json) {
            messages.add(json);
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
            closedBecause = reason;
        }
    }

    @AfterEach
    void close() {
        stage.close();
    }

    @Test
    void aGuestTicketJoinsFromOneBrowserAtATime() throws Exception {
        Stage.Guest ana = stage.join("live_1", "cs_ana", "Ana", "guest", new Browser());
        assertThatThrownBy(() -> stage.join("live_1", "cs_ana", "Ana (copied link)", "guest", new Browser()))
                .isInstanceOf(Stage.Refused.class)
                .hasMessageContaining("already in use in another browser")
                .satisfies(e -> assertThat(((Stage.Refused) e).status()).isEqualTo(409));
        stage.leave(ana);
        assertThat(stage.join("live_1", "cs_ana", "Ana", "guest", new Browser()).guestId())
                .as("once the first browser left, the link works again, as the same guest")
                .isEqualTo(ana.guestId());
    }

    @Test
    void atMostThreeGuestsAreOnStageAndTheCreatorsMovesReachTheGuest() throws Exception {
        List<Browser> browsers = new ArrayList<>();
        List<Stage.Guest> guests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Browser browser = new Browser();
            browsers.add(browser);
            guests.add(stage.join("live_1", "cs_" + i, "Guest " + i, "guest", browser));
        }
        for (int i = 0; i < 3; i++) {
            stage.setOnStage("live_1", guests.get(i).guestId(), true);
        }
        assertThatThrownBy(() -> stage.setOnStage("live_1", guests.get(3).guestId(), true))
                .isInstanceOf(Stage.Refused.class)
                .hasMessageContaining("at most 3");
        assertThat(stage.lineUp("live_1").who()).containsExactlyElementsOf(guests.subList(0, 3));
        assertThat(browsers.get(0).messages).last().asString().contains("\"onStage\":true");

        stage.setOnStage("live_1", guests.get(1).guestId(), false);
        stage.setOnStage("live_1", guests.get(3).guestId(), true);
        assertThat(stage.lineUp("live_1").who())
                .as("stage order is the order they were brought on")
                .containsExactly(guests.get(0), guests.get(2), guests.get(3));
        assertThat(guests.get(1).offReason()).isEqualTo("sent-back");
        stage.setMuted("live_1", guests.get(0).guestId(), true);
        assertThat(stage.lineUp("live_1").guests().get(0).muted()).isTrue();
        assertThatThrownBy(() -> stage.setOnStage("live_1", "g_nobody", true))
                .satisfies(e -> assertThat(((Stage.Refused) e).status()).isEqualTo(404));
    }

    @Test
    void aRevokedTicketLeavesTheStageAndTheGreenRoomAtOnceAndIsToldWhy() throws Exception {
        Browser browser = new Browser();
        Stage.Guest ana = stage.join("live_1", "cs_ana", "Ana", "guest", browser);
        stage.setOnStage("live_1", ana.guestId(), true);
        stage.revoke("live_1", "cs_ana", "your ticket was refunded");
        assertThat(stage.lineUp("live_1").empty()).isTrue();
        assertThat(stage.describe("live_1").get("guests")).asList().isEmpty();
        assertThat(browser.closedWith).isEqualTo(4403);
        assertThat(browser.closedBecause).contains("refunded");
        assertThat(ana.offReason()).isEqualTo("revoked");
    }

    @Test
    void theGreenRoomHasRoomForTwelve() throws Exception {
        for (int i = 0; i < Stage.MAX_GUESTS; i++) {
            stage.join("live_1", "cs_" + i, "Guest " + i, "guest", new Browser());
        }
        assertThatThrownBy(() -> stage.join("live_1", "cs_late", "Late", "guest", new Browser()))
                .satisfies(e -> assertThat(((Stage.Refused) e).status()).isEqualTo(429));
    }

    @Test
    void namesAreCleanedForViewers() {
        assertThat(StageDoor.displayName("  Ana\u0000 \u202e")).isEqualTo("Ana");
        assertThat(StageDoor.displayName("   ")).isNull();
        assertThat(StageDoor.displayName("x".repeat(41))).isNull();
    }

    @Test
    void aGuestTheCreatorRemovesIsToldWhyAndTheirTicketDoesNotComeBack() throws Exception {
        Browser browser = new Browser();
        Stage.Guest ana = stage.join("live_1", "cs_ana", "Ana", "guest", browser);
        stage.setOnStage("live_1", ana.guestId(), true);
        stage.remove("live_1", ana.guestId());
        assertThat(browser.closedWith).isEqualTo(4403);
        assertThat(browser.closedBecause).contains("the creator removed you");
        assertThat(stage.lineUp("live_1").empty()).isTrue();
        assertThat(ana.removed()).isTrue();
        assertThatThrownBy(() -> stage.join("live_1", "cs_ana", "Ana", "guest", new Browser()))
                .isInstanceOf(Stage.Refused.class)
                .hasMessageContaining("removed this ticket");
        stage.join("live_2", "cs_ana", "Ana", "guest", new Browser()); // another live's stage is another matter
    }

    @Test
    void anEncoderThatReconnectsTakesOverItsSilentConnectionAndKeepsItsPlaceOnStage() throws Exception {
        Browser first = new Browser();
        Stage.Guest before = stage.join("live_1", "cs_ana", "Ana", "guest", first, GuestFeed.Source.ENCODER);
        stage.setOnStage("live_1", before.guestId(), true);
        before.offer(new byte[] {1}); // media now: a second encoder is a second encoder, not a reconnect
        assertThatThrownBy(
                        () -> stage.join("live_1", "cs_ana", "Ana", "guest", new Browser(), GuestFeed.Source.ENCODER))
                .isInstanceOf(Stage.Refused.class)
                .hasMessageContaining("already on the stage from an encoder");

        Thread.sleep(Stage.STALE_ENCODER_MICROS / 1000 + 200); // the old connection falls silent (OBS dropped it)
        Stage.Guest after = stage.join("live_1", "cs_ana", "Ana", "guest", new Browser(), GuestFeed.Source.ENCODER);
        assertThat(first.closedWith).as("the silent connection is closed").isEqualTo(4409);
        assertThat(before.removed()).isTrue();
        assertThat(after.guestId()).isEqualTo(before.guestId());
        assertThat(stage.lineUp("live_1").who()).containsExactly(after);
        assertThatThrownBy(() -> stage.join("live_1", "cs_ana", "Ana", "guest", new Browser()))
                .as("a browser never takes over")
                .isInstanceOf(Stage.Refused.class);
    }
}
