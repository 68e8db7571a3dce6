package io.stagepass.acceptance.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The body of {@code POST /v1/lives}, as a creator's script sends it (docs/api.md); null fields are left out, and the
 * API fills in its defaults.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LiveRequest(
        String title,
        String description,
        String scheduledStart,
        String currency,
        List<Tier> tiers,
        Integer replayWindowDays,
        Boolean lowRendition) {
    /** A ticket tier and its price in minor units of the live's currency. */
    public record Tier(String tier, long priceMinor) {}

    /** A live starting now with one viewer tier at {@code priceMinor}; the API's defaults for the rest. */
    public static LiveRequest viewerTier(String title, String currency, long priceMinor) {
        return new LiveRequest(title, null, null, currency, List.of(new Tier("viewer", priceMinor)), null, null);
    }

    public LiveRequest describedAs(String text) {
        return new LiveRequest(title, text, scheduledStart, currency, tiers, replayWindowDays, lowRendition);
    }

    public LiveRequest startingNow() {
        return new LiveRequest(
                title,
                description,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                currency,
                tiers,
                replayWindowDays,
                lowRendition);
    }

    public LiveRequest withTier(String tier, long priceMinor) {
        List<Tier> more = new java.util.ArrayList<>(tiers);
        more.add(new Tier(tier, priceMinor));
        return new LiveRequest(
                title, description, scheduledStart, currency, List.copyOf(more), replayWindowDays, lowRendition);
    }

    public LiveRequest withReplayWindowDays(int days) {
        return new LiveRequest(title, description, scheduledStart, currency, tiers, days, lowRendition);
    }

    /** Without the 360p rendition (a test about something else keeps the jobs worker's encoder off its cores). */
    public LiveRequest withoutLowRendition() {
        return new LiveRequest(title, description, scheduledStart, currency, tiers, replayWindowDays, false);
    }
}
