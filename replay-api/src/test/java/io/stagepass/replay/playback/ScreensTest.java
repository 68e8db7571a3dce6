package io.stagepass.replay.playback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScreensTest {
    private final MutableClock clock = new MutableClock();
    private final Screens screens = new Screens(clock);

    @Test
    void aTicketHoldsAtMostItsLimitAndTakingOverEndsTheOldest() {
        assertThat(screens.hold("live_1", "cs_1", "screen-aaaa", 2).held()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(screens.hold("live_1", "cs_1", "screen-bbbb", 2).held()).isTrue();
        Screens.Outcome third = screens.hold("live_1", "cs_1", "screen-cccc", 2);
        assertThat(third.held()).isFalse();
        assertThat(third.others()).extracting(Screens.Lease::screen).containsExactly("screen-aaaa", "screen-bbbb");
        assertThat(screens.hold("live_1", "cs_2", "screen-cccc", 2).held())
                .as("another ticket has screens of its own")
                .isTrue();

        screens.takeOver("live_1", "cs_1", "screen-cccc", 2);
        assertThat(screens.holds("live_1", "cs_1", "screen-aaaa"))
                .as("the oldest ended")
                .isFalse();
        assertThat(screens.holds("live_1", "cs_1", "screen-bbbb")).isTrue();
        assertThat(screens.holds("live_1", "cs_1", "screen-cccc")).isTrue();
        assertThat(screens.watching("live_1")).isEqualTo(3);
    }

    @Test
    void leasesLapseWithoutRenewalAndWatchingNowFollowsWithinASweep() {
        List<String> changed = new ArrayList<>();
        screens.listen(changed::add);
        screens.hold("live_1", "cs_1", "screen-aaaa", 1);
        screens.hold("live_2", "cs_9", "screen-zzzz", 1);
        assertThat(changed).containsExactly("live_1", "live_2");
        assertThat(screens.watching("live_1")).isEqualTo(1);

        clock.advance(Screens.LEASE.minusSeconds(1));
        screens.hold("live_2", "cs_9", "screen-zzzz", 1); // renewed
        clock.advance(Duration.ofSeconds(2));
        screens.sweep();
        assertThat(screens.watching("live_1")).as("a closed tab is forgotten").isZero();
        assertThat(screens.watching("live_2")).as("a renewed lease stays").isEqualTo(1);
        assertThat(changed).endsWith("live_1");
        assertThat(screens.hold("live_1", "cs_1", "screen-bbbb", 1).held())
                .as("the lapsed screen no longer counts against the ticket")
                .isTrue();

        screens.release("live_1", "cs_1", "screen-bbbb");
        assertThat(screens.watching("live_1")).isZero();
        assertThat(screens.leasesOf("live_1", "cs_1"))
                .as("no state left for it")
                .isEmpty();
    }

    @Test
    void onlyWellFormedScreenIdsAreAccepted() {
        assertThat(Screens.wellFormed("s3a1f0c9d2e")).isTrue();
        assertThat(Screens.wellFormed(null)).isFalse();
        assertThat(Screens.wellFormed("short")).isFalse();
        assertThat(Screens.wellFormed("has space in it")).isFalse();
        assertThat(Screens.wellFormed("x".repeat(65))).isFalse();
    }
}
