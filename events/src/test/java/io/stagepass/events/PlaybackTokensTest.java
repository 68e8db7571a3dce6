package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlaybackTokensTest {
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final Instant LATER = NOW.plus(Duration.ofHours(6));
    private final PlaybackTokens tokens = new PlaybackTokens("a-shared-secret-of-at-least-32-characters");

    @Test
    void aGenuineTokenCarriesItsLiveAndTicket() {
        String token = tokens.issue("live_1", "cs_1", LATER);

        assertThat(tokens.verify(token, NOW)).contains(new PlaybackTokens.Claims("live_1", Optional.of("cs_1"), LATER));
        assertThat(tokens.verify(tokens.issue("live_1", null, LATER), NOW))
                .hasValueSatisfying(claims -> assertThat(claims.ticketId()).isEmpty());
        assertThat(tokens.verify(tokens.issue("live_1", "cs_1", LATER, "screen-1"), NOW))
                .hasValueSatisfying(claims -> assertThat(claims.session()).contains("screen-1"));
    }

    @Test
    void refusesForgedTamperedExpiredAndGarbledTokens() {
        String token = tokens.issue("live_1", "cs_1", LATER);
        String forgedClaims = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("v1|live_1|cs_someone_else|9999999999".getBytes());
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        bytes[bytes.length / 2] ^= 1;
        String flipped = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThat(tokens.verify(forgedClaims, NOW)).isEmpty();
        assertThat(tokens.verify(flipped, NOW)).as("one bit changed").isEmpty();
        assertThat(tokens.verify(
                        new PlaybackTokens("another-secret-of-at-least-32-characters!").issue("live_1", "cs_1", LATER),
                        NOW))
                .isEmpty();
        assertThat(tokens.verify(token, LATER)).as("expired").isEmpty();
        assertThat(tokens.verify("not-a-token", NOW)).isEmpty();
        assertThat(tokens.verify("a.b.c", NOW)).isEmpty();
        assertThat(tokens.verify("%%%.%%%", NOW)).isEmpty();
        assertThat(tokens.verify(null, NOW)).isEmpty();
    }

    @Test
    void aTokenRevealsNeitherTheLiveNorTheTicketNorRepeats() {
        String token = tokens.issue("live_1", "cs_test_a1B2c3D4e5F6", LATER);
        String decoded = new String(Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.ISO_8859_1);

        assertThat(token + decoded)
                .doesNotContain("cs_test")
                .doesNotContain("live_1")
                .doesNotContain("a1B2c3");
        assertThat(tokens.issue("live_1", "cs_test_a1B2c3D4e5F6", LATER)).isNotEqualTo(token);
        assertThat(PlaybackTokens.forBuyers("a-shared-secret-of-at-least-32-characters")
                        .verify(token, NOW))
                .as("a playback token is no buyer token under the same secret")
                .isEmpty();
    }

    @Test
    void refusesAShortSecret() {
        assertThatThrownBy(() -> new PlaybackTokens("short")).hasMessageContaining("at least 32");
    }

    @Test
    void aBeaconTokenNeverPlaysAndAPlaybackTokenNeverReports() {
        String secret = "one-secret-misused-for-both-kinds-of-token";
        PlaybackTokens playback = new PlaybackTokens(secret);
        PlaybackTokens beacons = PlaybackTokens.forBeacons(secret);
        String beacon = beacons.issue("live_1", "cs_1", LATER);

        assertThat(beacons.verify(beacon, NOW)).isPresent();
        assertThat(playback.verify(beacon, NOW))
                .as("even under the same secret, a beacon token is not a playback token")
                .isEmpty();
        assertThat(beacons.verify(playback.issue("live_1", "cs_1", LATER), NOW)).isEmpty();
    }
}
