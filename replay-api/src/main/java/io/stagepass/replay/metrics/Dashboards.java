package io.stagepass.replay.metrics;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.Live;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.RevenueDelta;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.ViewMode;
import io.stagepass.replay.creators.CreatorRoutes;
import io.stagepass.replay.views.Audience;
import io.stagepass.replay.views.Health;
import io.stagepass.replay.views.LiveAudience;
import io.stagepass.replay.views.LiveRevenue;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.Replays;
import io.stagepass.replay.views.Revenue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What creators' dashboards show, as JSON-ready maps: a live's revenue (totals and per-minute series per currency
 * and tier), its audience (live and replay apart, and conversion), its replay, and a creator's summary across lives.
 * The JSON routes and the SSE stream send exactly these, so the page and the API never disagree.
 */
public final class Dashboards {
    private final Lives lives;
    private final Replays replays;
    private final Revenue revenue;
    private final Audience audience;
    private final Health health;

    private final java.util.function.ToIntFunction<String> watchingNow;

    public Dashboards(Lives lives, Replays replays, Revenue revenue, Audience audience, Health health) {
        this(lives, replays, revenue, audience, health, liveId -> 0);
    }

    /** {@code watchingNow}: the screens playing a live now (their leases), for the dashboard's "watching now". */
    public Dashboards(
            Lives lives,
            Replays replays,
            Revenue revenue,
            Audience audience,
            Health health,
            java.util.function.ToIntFunction<String> watchingNow) {
        this.watchingNow = watchingNow;
        this.lives = lives;
        this.replays = replays;
        this.revenue = revenue;
        this.audience = audience;
        this.health = health;
    }

    public Map<String, Object> revenue(String liveId) {
        Optional<LiveRevenue> revenue = this.revenue.of(liveId);
        List<LiveRevenue.Line> lines = lines(revenue);
        List<Map<String, Object>> currencies = new ArrayList<>();
        for (LiveRevenue.Line line : lines) {
            Map<String, Object> currency = new LinkedHashMap<>();
            currency.put("currency", line.currency());
            currency.put("settlementCurrency", line.settlementCurrency());
            currency.put("totals", amounts(line.totals()));
            Map<String, Object> tiers = new TreeMap<>();
            line.tiers().forEach((tier, totals) -> tiers.put(tier, amounts(totals)));
            currency.put("tiers", tiers);
            currency.put("minutes", minutes(line.minutes()));
            Map<String, Object> tierMinutes = new TreeMap<>();
            line.tierMinutes().forEach((tier, series) -> tierMinutes.put(tier, minutes(series)));
            currency.put("tierMinutes", tierMinutes);
            currencies.add(currency);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", liveId);
        body.put("lastPaymentAt", lines.isEmpty() ? null : revenue.get().lastAt());
        body.put(
                "note", "gross, refunds and disputes in each charge currency; fees and net in the settlement currency");
        body.put("currencies", currencies);
        return body;
    }

    public Map<String, Object> audience(String liveId) {
        Optional<LiveAudience> audience = this.audience.of(liveId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", liveId);
        // The screens holding a lease now (live and replay): current within a second, where the audience job's
        // concurrency below is sampled and published on its own clock.
        body.put("watchingNow", watchingNow.applyAsInt(liveId));
        body.put("live", mode(modeOf(audience, ViewMode.LIVE)));
        body.put("replay", mode(modeOf(audience, ViewMode.REPLAY)));
        AudienceMetric page = modeOf(audience, ViewMode.PAGE).totals();
        Map<String, Object> conversion = new LinkedHashMap<>();
        long visitors = page == null || page.getPageVisitors() == null ? 0 : page.getPageVisitors();
        long buyers = page == null || page.getBuyers() == null ? 0 : page.getBuyers();
        conversion.put("pageVisitors", visitors);
        conversion.put("buyers", buyers);
        conversion.put("basisPoints", visitors == 0 ? null : buyers * 10_000 / visitors);
        body.put("conversion", conversion);
        return body;
    }

    public Map<String, Object> replay(String liveId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", liveId);
        ReplayStatus status = replays.latest(liveId).orElse(null);
        if (status == null) {
            body.put("status", "none");
            body.put("detail", "packaged when the live ends");
            return body;
        }
        body.put("status", status.getType().name().toLowerCase());
        body.put("version", status.getVersion());
        body.put("servedVersion", status.getServedVersion());
        body.put("stage", status.getStage());
        body.put("progressPercent", status.getProgressPercent());
        body.put("durationMillis", status.getDurationMillis());
        body.put("sizeBytes", status.getSizeBytes());
        body.put("error", status.getError());
        body.put("at", status.getOccurredAt());
        return body;
    }

    /**
     * The live's stream health as ingest last measured it: {@code status} {@code none} before any media, else
     * {@code measured} or {@code refused}, with the verdict, its reasons and what was measured.
     */
    public Map<String, Object> health(String liveId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", liveId);
        StreamHealth fact = health.of(liveId).orElse(null);
        if (fact == null) {
            body.put("status", "none");
            body.put("detail", "measured once the encoder sends media");
            return body;
        }
        body.put("status", fact.getType().name().toLowerCase());
        body.put("verdict", fact.getVerdict().name().toLowerCase());
        body.put("reasons", List.copyOf(fact.getReasons()));
        body.put("at", fact.getOccurredAt());
        body.put("lastMediaAt", fact.getLastMediaAt());
        body.put("protocol", fact.getProtocol());
        body.put("windowMillis", fact.getWindowMillis());
        body.put("segments", fact.getSegments());
        Map<String, Object> video = null;
        if (fact.getVideoCodec() != null) {
            video = new LinkedHashMap<>();
            video.put("codec", fact.getVideoCodec());
            video.put("profile", fact.getVideoProfile());
            video.put("width", fact.getWidth());
            video.put("height", fact.getHeight());
            video.put("framesPerSecondX100", fact.getFramesPerSecondX100());
            video.put("keyframeIntervalMillis", fact.getKeyframeIntervalMillis());
            video.put("bitsPerSecond", fact.getVideoBitsPerSecond());
        }
        body.put("video", video);
        Map<String, Object> audio = null;
        if (fact.getAudioCodec() != null) {
            audio = new LinkedHashMap<>();
            audio.put("codec", fact.getAudioCodec());
            audio.put("sampleRate", fact.getAudioSampleRate());
            audio.put("channels", fact.getAudioChannels());
            audio.put("bitsPerSecond", fact.getAudioBitsPerSecond());
        }
        body.put("audio", audio);
        body.put("realtimePermille", fact.getRealtimePermille());
        body.put("missingSegments", fact.getMissingSegments());
        body.put("reconnects", fact.getReconnects());
        return body;
    }

    /** The live as the events stream sends it; empty once the live is gone from the catalog. */
    public Map<String, Object> live(String liveId) {
        return lives.live(liveId).map(this::live).orElse(Map.of());
    }

    public Map<String, Object> live(Live live) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", live.getLiveId());
        body.put("title", live.getTitle());
        body.put("status", CreatorRoutes.status(live));
        body.put("scheduledStart", live.getScheduledStart());
        body.put("startedAt", live.getStartedAt());
        body.put("endedAt", live.getEndedAt());
        body.put("currency", live.getCurrency());
        return body;
    }

    /** A creator's lives together, per charge and settlement currency (amounts never summed across currencies). */
    public Map<String, Object> summary(String creatorId) {
        List<Live> lives = this.lives.livesOf(creatorId);
        Map<String, RevenueDelta> totals = new TreeMap<>();
        Map<String, Integer> livesPer = new TreeMap<>();
        for (Live live : lives) {
            for (LiveRevenue.Line line : lines(revenue.of(live.getLiveId()))) {
                String key = line.currency() + ">" + line.settlementCurrency();
                totals.merge(key, line.totals(), RevenueDelta::plus);
                livesPer.merge(key, 1, Integer::sum);
            }
        }
        List<Map<String, Object>> currencies = new ArrayList<>();
        totals.forEach((key, amounts) -> {
            String[] codes = key.split(">", 2);
            Map<String, Object> currency = new LinkedHashMap<>();
            currency.put("currency", codes[0]);
            currency.put("settlementCurrency", codes[1]);
            currency.put("lives", livesPer.get(key));
            currency.put("totals", amounts(amounts));
            currencies.add(currency);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("creatorId", creatorId);
        body.put("lives", lives.size());
        body.put("currencies", currencies);
        return body;
    }

    /** A live's revenue lines; none before its first payment. */
    private static List<LiveRevenue.Line> lines(Optional<LiveRevenue> revenue) {
        return revenue.map(LiveRevenue::lines).orElse(List.of());
    }

    /** A live's audience in one mode; nothing watched before the audience job's first record. */
    private static LiveAudience.Mode modeOf(Optional<LiveAudience> audience, ViewMode mode) {
        return audience.map(live -> live.mode(mode)).orElse(LiveAudience.Mode.NONE);
    }

    static Map<String, Object> amounts(RevenueDelta d) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("grossMinor", d.grossMinor());
        body.put("feesMinor", d.feesMinor());
        body.put("refundsMinor", d.refundsMinor());
        body.put("disputesHeldMinor", d.disputesHeldMinor());
        body.put("disputesLostMinor", d.disputesLostMinor());
        body.put("disputesWonMinor", d.disputesWonMinor());
        body.put("netMinor", d.netMinor());
        body.put("ticketsSold", d.ticketsSold());
        body.put("ticketsRefunded", d.ticketsRefunded());
        body.put("ticketsDisputed", d.ticketsDisputed());
        return body;
    }

    private static List<Map<String, Object>> minutes(List<LiveRevenue.Minute> series) {
        List<Map<String, Object>> minutes = new ArrayList<>(series.size());
        for (LiveRevenue.Minute minute : series) {
            Map<String, Object> point = amounts(minute.amounts());
            point.put("start", minute.start());
            minutes.add(point);
        }
        return minutes;
    }

    /** How playback went, as the players measured it: 0 and null (no average, no share) before any report. */
    private static Map<String, Object> quality(LiveAudience.Mode mode) {
        AudienceMetric totals = mode.totals();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("firstFrames", orZero(totals == null ? null : totals.getFirstFrames()));
        body.put("averageStartupMillis", totals == null ? null : totals.getAverageStartupMillis());
        body.put("rebuffers", orZero(totals == null ? null : totals.getRebuffers()));
        body.put("rebufferMillis", orZero(totals == null ? null : totals.getRebufferMillis()));
        body.put("rebufferBasisPoints", totals == null ? null : totals.getRebufferBasisPoints());
        body.put("playbackFailures", orZero(totals == null ? null : totals.getPlaybackFailures()));
        body.put("exitsBeforeFirstFrame", orZero(totals == null ? null : totals.getExitsBeforeFirstFrame()));
        List<Map<String, Object>> failures = new ArrayList<>();
        new TreeMap<>(mode.failures())
                .forEach((reason, count) -> failures.add(Map.of("reason", reason, "count", count)));
        body.put("failures", failures);
        List<Map<String, Object>> renditions = new ArrayList<>();
        new TreeMap<>(mode.renditions())
                .forEach((rendition, millis) ->
                        renditions.add(Map.of("rendition", rendition, "watchTimeMillis", millis)));
        body.put("renditions", renditions);
        return body;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static Map<String, Object> mode(LiveAudience.Mode mode) {
        Map<String, Object> body = new LinkedHashMap<>();
        List<Map<String, Object>> samples = new ArrayList<>();
        for (LiveAudience.Sample sample : mode.concurrency()) {
            samples.add(Map.of("at", sample.at(), "viewers", sample.viewers()));
        }
        body.put("concurrency", samples);
        body.put(
                "current",
                mode.concurrency().isEmpty()
                        ? 0
                        : mode.concurrency().get(mode.concurrency().size() - 1).viewers());
        AudienceMetric totals = mode.totals();
        Map<String, Object> peak = new LinkedHashMap<>();
        peak.put(
                "viewers",
                totals == null || totals.getPeakConcurrentViewers() == null ? 0 : totals.getPeakConcurrentViewers());
        peak.put("at", totals == null ? null : totals.getPeakAt());
        body.put("peak", peak);
        body.put("views", totals == null || totals.getViews() == null ? 0 : totals.getViews());
        body.put("uniqueViewers", totals == null || totals.getUniqueViewers() == null ? 0 : totals.getUniqueViewers());
        body.put(
                "watchTimeMillis",
                totals == null || totals.getWatchTimeMillis() == null ? 0 : totals.getWatchTimeMillis());
        body.put(
                "averageWatchTimeMillis",
                totals == null || totals.getAverageWatchTimeMillis() == null ? 0 : totals.getAverageWatchTimeMillis());
        List<Map<String, Object>> retention = new ArrayList<>();
        for (LiveAudience.Point point : mode.retention()) {
            retention.add(Map.of("minute", point.minute(), "basisPoints", point.basisPoints()));
        }
        body.put("retention", retention);
        body.put("quality", quality(mode));
        body.put("asOf", totals == null ? null : totals.getAt());
        return body;
    }
}
