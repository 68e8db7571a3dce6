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
    static class Browser implements Stage.GuestLink {
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
        assertThat(io.stagepass.events.StageKeys.displayName("  Ana\u0000 \u202e"))
                .isEqualTo("Ana");
        assertThat(io.stagepass.events.StageKeys.displayName("   ")).isNull();
        assertThat(io.stagepass.events.StageKeys.displayName("x".repeat(41))).isNull();
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

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.parse("2026-12-05T12:00:00Z");

        void advance(java.time.Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    /** An encoder's connection from {@code address}. */
    static final class Encoder extends Browser {
        private final String address;

        Encoder(String address) {
            this.address = address;
        }

        @Override
        public String address() {
            return address;
        }
    }

    @Test
    void anEncoderThatReconnectsTakesOverItsSilentConnectionAndKeepsItsPlaceOnStage() throws Exception {
        TestClock clock = new TestClock();
        try (Stage stage = new Stage(clock)) {
            Encoder first = new Encoder("203.0.113.7");
            Stage.Guest before = stage.join("live_1", "cs_ana", "Ana", "guest", first, GuestFeed.Source.ENCODER);
            stage.setOnStage("live_1", before.guestId(), true);
            stage.setMuted("live_1", before.guestId(), true);
            before.offer(new byte[] {1}); // media now: a second encoder is a second encoder, not a reconnect
            clock.advance(java.time.Duration.ofMillis(1500));
            assertThatThrownBy(() -> stage.join(
                            "live_1", "cs_ana", "Ana", "guest", new Encoder("203.0.113.7"), GuestFeed.Source.ENCODER))
                    .isInstanceOf(Stage.Refused.class)
                    .hasMessageContaining("already on the stage from an encoder");

            clock.advance(java.time.Duration.ofSeconds(1)); // 2.5 s without media: OBS dropped the connection
            Stage.Guest after = stage.join(
                    "live_1", "cs_ana", "Ana", "guest", new Encoder("203.0.113.7"), GuestFeed.Source.ENCODER);
            assertThat(first.closedWith).as("the silent connection is closed").isEqualTo(4409);
            assertThat(before.removed()).isTrue();
            assertThat(after.guestId()).isEqualTo(before.guestId());
            assertThat(stage.lineUp("live_1").who()).as("on stage in its place").containsExactly(after);
            assertThat(stage.lineUp("live_1").guests().get(0).muted())
                    .as("still muted")
                    .isTrue();
            assertThatThrownBy(() -> stage.join("live_1", "cs_ana", "Ana", "guest", new Browser()))
                    .as("a browser never takes over")
                    .isInstanceOf(Stage.Refused.class);
        }
    }

    @Test
    void anEncoderFromAnotherAddressTakesOverASilentConnectionOnlyIntoTheGreenRoom() throws Exception {
        TestClock clock = new TestClock();
        try (Stage stage = new Stage(clock)) {
            Stage.Guest ana = stage.join(
                    "live_1", "cs_ana", "Ana", "guest", new Encoder("203.0.113.7"), GuestFeed.Source.ENCODER);
            stage.setOnStage("live_1", ana.guestId(), true);
            clock.advance(java.time.Duration.ofSeconds(3));
            Stage.Guest other = stage.join(
                    "live_1", "cs_ana", "Ana", "guest", new Encoder("198.51.100.9"), GuestFeed.Source.ENCODER);
            assertThat(stage.lineUp("live_1").empty())
                    .as("a copied key does not walk onto the stage: the creator decides")
                    .isTrue();
            assertThat(stage.guest("live_1", other.guestId())).isPresent();
        }
    }
}
