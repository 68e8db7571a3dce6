package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StageKeysTest {
    private final PlaybackTokens tokens = PlaybackTokens.forStage("stage-keys-test-secret-0123456789abcdef");

    @Test
    void aGuestStageKeyCarriesTheLiveTheTicketAndTheNameSealed() {
        Instant day = Instant.parse("2026-12-05T12:00:00Z");
        String key = StageKeys.key(tokens.issue("live_1", "cs_ana", day, StageKeys.session("Ana Żółć")));
        assertThat(key).startsWith(StageKeys.PREFIX).matches("[A-Za-z0-9_-]+");

        PlaybackTokens.Claims claims =
                tokens.verify(StageKeys.token(key), day.minusSeconds(60)).orElseThrow();
        assertThat(claims.liveId()).isEqualTo("live_1");
        assertThat(claims.ticketId()).contains("cs_ana");
        assertThat(claims.session().flatMap(StageKeys::name)).contains("Ana Żółć");
        assertThat(tokens.verify(StageKeys.token(key), day)).as("expired").isEmpty();
    }

    @Test
    void onlyAGuestStageKeysSessionNamesAGuest() {
        assertThat(StageKeys.name("guest")).isEmpty();
        assertThat(StageKeys.name("host")).isEmpty();
        assertThat(StageKeys.name(null)).isEmpty();
        assertThat(StageKeys.name("encoder:***")).as("not base64url").isEmpty();
        assertThat(StageKeys.token("sk_creator_key")).isNull();
    }

    @Test
    void namesAreCleanedToWhatViewersMaySee() {
        assertThat(StageKeys.displayName("  Ana\u0000 \u202e")).isEqualTo("Ana");
        assertThat(StageKeys.displayName("Ana\u2028Bo\u2029"))
                .as("no line breaks in a name")
                .isEqualTo("AnaBo");
        assertThat(StageKeys.displayName("   ")).isNull();
        assertThat(StageKeys.displayName(null)).isNull();
        assertThat(StageKeys.displayName("x".repeat(40))).hasSize(40);
        assertThat(StageKeys.displayName("x".repeat(41))).isNull();
    }
}
