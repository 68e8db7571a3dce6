package io.stagepass.replay.playback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SignedPlaylistsTest {
    private final MutableClock clock = new MutableClock();
    private final AtomicInteger signings = new AtomicInteger();

    private String sign() {
        return "signed #" + signings.incrementAndGet();
    }

    @Test
    void aPlaylistFetchedAgainWithinFourSecondsIsNotSignedAgain() {
        SignedPlaylists playlists = new SignedPlaylists(clock);

        assertThat(playlists.get("live|ticket|36", this::sign)).isEqualTo("signed #1");
        clock.advance(Duration.ofMillis(3_999));
        assertThat(playlists.get("live|ticket|36", this::sign)).isEqualTo("signed #1");
        assertThat(playlists.get("live|other-ticket|36", this::sign))
                .as("another ticket's links are its own")
                .isEqualTo("signed #2");
        assertThat(playlists.get("live|ticket|37", this::sign))
                .as("a segment more: another playlist")
                .isEqualTo("signed #3");
        clock.advance(Duration.ofMillis(1));
        assertThat(playlists.get("live|ticket|36", this::sign))
                .as("4 s on: signed anew")
                .isEqualTo("signed #4");
    }

    @Test
    void itHoldsABoundedNumberOfPlaylists() {
        SignedPlaylists playlists = new SignedPlaylists(clock);
        for (int i = 0; i <= SignedPlaylists.MAX_ENTRIES; i++) {
            playlists.get("live|ticket-" + i, this::sign);
        }
        int before = signings.get();
        playlists.get("live|ticket-0", this::sign);
        assertThat(signings.get()).as("the eldest was let go").isEqualTo(before + 1);
        playlists.get("live|ticket-" + SignedPlaylists.MAX_ENTRIES, this::sign);
        assertThat(signings.get()).as("the newest is kept").isEqualTo(before + 1);
    }
}
