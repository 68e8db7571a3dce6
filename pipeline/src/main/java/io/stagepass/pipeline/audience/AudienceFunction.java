package io.stagepass.pipeline.audience;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.ViewMode;
import io.stagepass.pipeline.StateTtl;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The audience of one live (the key), from its beacons and payment facts, by the definitions of {@link AudienceJob}.
 *
 * <p>Incremental, so that no event iterates over the sessions: a player beacon adds its session to the at most
 * three 10 s boundaries it newly covers ({@code concurrency} buckets, each with an event-time timer) and moves the
 * session's cleanup to the boundary at which it stops counting ({@code cleanups}: boundary → sessions due, checked
 * lazily). Everything is emitted from those boundary timers: the CONCURRENCY sample of the boundary, then a TOTAL per
 * mode that changed, the RETENTION points that changed (on whole minutes, and when nobody watches any more), and the
 * PAGE TOTAL if conversion changed. No timer is
 * registered from a timer, so once every session has ended or expired none is left. Per-session state
 * ({@link #PER_SESSION_STATES}) goes with the sessions; what must outlive them (totals, the distinct sessions,
 * tickets, page visitors and buyers) is kept {@link #KEEP} after it was last written, so a finished live frees its
 * memory.
 */
public final class AudienceFunction extends KeyedCoProcessFunction<String, Beacon, PaymentFact, AudienceMetric> {
    static final long SAMPLE_MILLIS = 10_000;
    /** A session counts while its last beacon is under this old; a longer gap adds no watch time. */
    static final long STALE_MILLIS = 30_000;

    static final long MINUTE_MILLIS = 60_000;
    /** Retention minutes stop here (a day): the counts per minute are an array. */
    static final int MAX_MINUTE = 24 * 60;

    static final Duration KEEP = Duration.ofDays(30);
    /** Distinct renditions counted per mode (ingest names the uncommon ones "other"): a bound on the rows. */
    static final int MAX_RENDITIONS = 12;
    /**
     * How much a report's stall time may run ahead of the time between a session's reports (clocks and networks
     * jitter): a player cannot claim more stalling than time passed.
     */
    static final long REPORT_SLACK_MILLIS = 2_000;

    static final List<String> PER_SESSION_STATES = List.of("sessions", "concurrency", "cleanups");
    private static final ViewMode[] PLAYER_MODES = {ViewMode.LIVE, ViewMode.REPLAY};

    private transient ValueState<AudienceTotals> audience;
    /** mode/sessionId → the session while it plays. */
    private transient MapState<String, SessionState> sessions;
    /** boundary → sessions counted at it. */
    private transient MapState<Long, ConcurrencyCounts> concurrency;
    /** boundary → sessions whose state may be dropped then. */
    private transient MapState<Long, List<String>> cleanups;
    /** mode/sessionId → highest retention minute: every view ever, so a resumed session is not a new one. */
    private transient MapState<String, Integer> viewers;
    /** mode/ticketId of every ticket that played. */
    private transient MapState<String, Boolean> tickets;

    private transient MapState<String, Boolean> pageSessions;
    private transient MapState<String, Boolean> buyers;
    /** mode/sessionId → what the session reported of playback's quality. */
    private transient MapState<String, SessionQuality> quality;
    /** mode/reason → playback failures. */
    private transient MapState<String, Long> failures;
    /** mode/rendition → time watched at it. */
    private transient MapState<String, Long> renditionWatch;

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<AudienceTotals> totals = new ValueStateDescriptor<>("audience", AudienceTotals.class);
        totals.enableTimeToLive(StateTtl.afterLastWrite(KEEP)); // written on every event
        audience = getRuntimeContext().getState(totals);
        sessions =
                getRuntimeContext().getMapState(new MapStateDescriptor<>("sessions", String.class, SessionState.class));
        concurrency = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("concurrency", Long.class, ConcurrencyCounts.class));
        cleanups = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("cleanups", Types.LONG, Types.LIST(Types.STRING)));
        viewers = kept("viewers", Types.INT);
        tickets = kept("tickets", Types.BOOLEAN);
        pageSessions = kept("page-sessions", Types.BOOLEAN);
        buyers = kept("buyers", Types.BOOLEAN);
        quality = kept("quality", TypeInformation.of(SessionQuality.class));
        failures = kept("failures", Types.LONG);
        renditionWatch = kept("rendition-watch", Types.LONG);
    }

    /** A long-lived set or map, kept {@link #KEEP} after it was last written. */
    private <V> MapState<String, V> kept(String name, TypeInformation<V> type) {
        MapStateDescriptor<String, V> descriptor = new MapStateDescriptor<>(name, Types.STRING, type);
        descriptor.enableTimeToLive(StateTtl.afterLastWrite(KEEP));
        return getRuntimeContext().getMapState(descriptor);
    }

    @Override
    public void processElement1(Beacon beacon, Context context, Collector<AudienceMetric> out) throws Exception {
        long at = beacon.getOccurredAt().toEpochMilli();
        long watermark = context.timerService().currentWatermark();
        if (beacon.getType() == BeaconType.PAGE_VIEW) {
            if (!pageSessions.contains(beacon.getSessionId())) {
                pageSessions.put(beacon.getSessionId(), true);
                AudienceTotals totals = totals();
                totals.pageVisitors++;
                totals.conversionDirty = true;
                audience.update(totals);
                context.timerService().registerEventTimeTimer(emitBoundary(at, watermark));
            }
            return;
        }
        if (beacon.getMode() == ViewMode.PAGE) {
            return; // a player beacon outside a player says nothing about viewing
        }
        String key = beacon.getMode() + "/" + beacon.getSessionId();
        if (beacon.getType() == BeaconType.PLAYBACK_FAILURE || beacon.getType() == BeaconType.EXIT_BEFORE_START) {
            // The end of a view's quality, not of its watching: no session, view or sample comes of it.
            if (endOfView(key, beacon)) {
                context.timerService().registerEventTimeTimer(emitBoundary(at, watermark));
            }
            return;
        }
        boolean ending = beacon.getType() == BeaconType.VIEW_END;
        SessionState session = sessions.get(key);
        if (session == null && ending) {
            // The end of a session already expired (or never seen): its last stall figures still count.
            AudienceTotals totals = totals();
            if (quality(key, beacon, totals.of(beacon.getMode()), at, SessionState.NONE)) {
                audience.update(totals);
                context.timerService().registerEventTimeTimer(emitBoundary(at, watermark));
            }
            return;
        }
        AudienceTotals totals = totals();
        ModeTotals mode = totals.of(beacon.getMode());
        if (session == null) {
            session = startOrResume(key, beacon, mode);
        }
        countTicket(session, beacon, mode);
        String rendition = session.rendition != null ? session.rendition : beacon.getRendition();
        boolean latest = at >= session.lastBeatAt;
        long previousBeat = session.lastBeatAt;
        long watched = session.advance(beacon.getType(), at);
        if (watched > 0) {
            mode.watchTimeMillis += watched;
            mode.dirty = true;
            watchedAt(beacon.getMode(), rendition, watched, mode);
        }
        if (beacon.getRendition() != null && latest) { // an older beacon says what was on screen before
            session.rendition = beacon.getRendition();
        }
        quality(key, beacon, mode, at, previousBeat);
        if (beacon.getMode() == ViewMode.LIVE) {
            mode.liveStart = Math.min(mode.liveStart, at);
        }
        reach(key, session, mode, minute(beacon, at, mode));
        if (ending) {
            uncount(session, beacon.getMode(), at, watermark);
            sessions.remove(key);
            context.timerService().registerEventTimeTimer(emitBoundary(at, watermark));
        } else {
            count(session, beacon.getMode(), at, watermark, context);
            scheduleCleanup(key, session, watermark, context);
            sessions.put(key, session);
            if (ceil(at) <= watermark) {
                // Late: its own boundaries have been emitted, the next one carries its effect on the totals.
                context.timerService().registerEventTimeTimer(emitBoundary(at, watermark));
            }
        }
        audience.update(totals);
    }

    @Override
    public void processElement2(PaymentFact fact, Context context, Collector<AudienceMetric> out) throws Exception {
        boolean paid = fact.getType() == PaymentEventType.ASYNC_PAYMENT_SUCCEEDED
                || fact.getType() == PaymentEventType.CHECKOUT_COMPLETED && fact.getPaid();
        if (paid && !buyers.contains(fact.getTicketId())) { // Stripe's duplicates are the same ticket
            buyers.put(fact.getTicketId(), true);
            AudienceTotals totals = totals();
            totals.buyers++;
            totals.conversionDirty = true;
            audience.update(totals);
            long at = fact.getOccurredAt().toEpochMilli();
            context.timerService()
                    .registerEventTimeTimer(
                            emitBoundary(at, context.timerService().currentWatermark()));
        }
    }

    @Override
    public void onTimer(long boundary, OnTimerContext context, Collector<AudienceMetric> out) throws Exception {
        String liveId = context.getCurrentKey();
        AudienceTotals totals = totals();
        ConcurrencyCounts counts = concurrency.get(boundary);
        if (counts != null) {
            concurrency.remove(boundary);
        }
        for (ViewMode mode : PLAYER_MODES) {
            ModeTotals modeTotals = totals.of(mode);
            long viewers = counts == null ? 0 : counts.of(mode);
            if (viewers > 0 || modeTotals.lastSample > 0) { // and a single 0 when everybody has gone
                out.collect(AudienceRecords.concurrency(liveId, mode, boundary, viewers));
                modeTotals.sample(boundary, viewers);
            }
            if (modeTotals.dirty) {
                out.collect(AudienceRecords.total(liveId, mode, boundary, modeTotals));
                modeTotals.dirty = false;
            }
            // Once a minute (a new session changes every minute's share), and when nobody is watching any more.
            if (modeTotals.retentionDirty && (boundary % MINUTE_MILLIS == 0 || modeTotals.lastSample == 0)) {
                emitRetention(liveId, mode, boundary, modeTotals, out);
            }
            if (modeTotals.failuresDirty) {
                for (var entry : byMode(failures, mode)) {
                    out.collect(AudienceRecords.failure(liveId, mode, boundary, entry.getKey(), entry.getValue()));
                }
                modeTotals.failuresDirty = false;
            }
            if (modeTotals.renditionsDirty) {
                for (var entry : byMode(renditionWatch, mode)) {
                    out.collect(AudienceRecords.rendition(liveId, mode, boundary, entry.getKey(), entry.getValue()));
                }
                modeTotals.renditionsDirty = false;
            }
        }
        if (totals.conversionDirty) {
            out.collect(AudienceRecords.conversion(liveId, boundary, totals));
            totals.conversionDirty = false;
        }
        audience.update(totals);
        dropExpiredSessions(boundary);
    }

    /** The entries of a mode/name map for one mode, by name. */
    private static List<Map.Entry<String, Long>> byMode(MapState<String, Long> map, ViewMode mode) throws Exception {
        String prefix = mode + "/";
        List<Map.Entry<String, Long>> entries = new ArrayList<>();
        for (Map.Entry<String, Long> entry : map.entries()) {
            if (entry.getKey().startsWith(prefix)) {
                entries.add(Map.entry(entry.getKey().substring(prefix.length()), entry.getValue()));
            }
        }
        entries.sort(Map.Entry.comparingByKey());
        return entries;
    }

    /**
     * A session's time to first frame (once) and the growth of its cumulative stall figures: a beacon that repeats
     * or trails an earlier one adds nothing, and no report adds more stall time than passed since the session's
     * previous report (or its previous beacon, {@code previousBeat}; 30 s when neither is known), plus {@link
     * #REPORT_SLACK_MILLIS}, nor more than a stall a second. True when the totals changed.
     */
    private boolean quality(String key, Beacon beacon, ModeTotals mode, long at, long previousBeat) throws Exception {
        boolean startup = beacon.getType() == BeaconType.VIEW_START && beacon.getStartupMillis() != null;
        if (!startup && beacon.getRebufferCount() == null) {
            return false;
        }
        SessionQuality session = sessionQuality(key);
        boolean changed = false;
        if (startup && !session.started) {
            session.started = true;
            mode.firstFrames++;
            mode.startupMillis += beacon.getStartupMillis();
            changed = true;
        }
        if (beacon.getRebufferCount() != null) {
            long since = session.reportedAt != 0
                    ? at - session.reportedAt
                    : previousBeat != SessionState.NONE ? at - previousBeat : STALE_MILLIS;
            long allowance = Math.max(0, since) + REPORT_SLACK_MILLIS;
            long moreStalls = Math.min(beacon.getRebufferCount() - session.rebuffers, allowance / 1_000 + 1);
            if (moreStalls > 0) {
                mode.rebuffers += moreStalls;
                session.rebuffers += (int) moreStalls;
                changed = true;
            }
            long moreMillis = beacon.getRebufferMillis() == null
                    ? 0
                    : Math.min(beacon.getRebufferMillis() - session.rebufferMillis, allowance);
            if (moreMillis > 0) {
                mode.rebufferMillis += moreMillis;
                session.rebufferMillis += moreMillis;
                changed = true;
            }
            session.reportedAt = Math.max(session.reportedAt, at);
        }
        mode.dirty |= changed;
        quality.put(key, session);
        return changed;
    }

    /**
     * A failure (once per session, with its reason) or an exit before the first frame (once, and only for a session
     * that neither started nor failed); true when the totals changed.
     */
    private boolean endOfView(String key, Beacon beacon) throws Exception {
        SessionQuality session = sessionQuality(key);
        AudienceTotals totals = totals();
        ModeTotals mode = totals.of(beacon.getMode());
        if (beacon.getType() == BeaconType.PLAYBACK_FAILURE) {
            if (session.failed || beacon.getFailureReason() == null) {
                return false;
            }
            session.failed = true;
            mode.playbackFailures++;
            String reason = beacon.getMode() + "/" + beacon.getFailureReason();
            Long count = failures.get(reason);
            failures.put(reason, count == null ? 1 : count + 1);
            mode.failuresDirty = true;
        } else {
            if (session.exited || session.started || session.failed) {
                return false;
            }
            session.exited = true;
            mode.exitsBeforeFirstFrame++;
        }
        mode.dirty = true;
        quality.put(key, session);
        audience.update(totals);
        return true;
    }

    private SessionQuality sessionQuality(String key) throws Exception {
        SessionQuality session = quality.get(key);
        return session == null ? new SessionQuality() : session;
    }

    /** Watch time at a rendition; time at none named, or at one past the first {@link #MAX_RENDITIONS}, is not. */
    private void watchedAt(ViewMode viewMode, String rendition, long watched, ModeTotals mode) throws Exception {
        if (rendition == null) {
            return;
        }
        String key = viewMode + "/" + rendition;
        Long sofar = renditionWatch.get(key);
        if (sofar == null) {
            if (mode.renditions >= MAX_RENDITIONS) {
                return;
            }
            mode.renditions++;
        }
        renditionWatch.put(key, (sofar == null ? 0 : sofar) + watched);
        mode.renditionsDirty = true;
    }

    private AudienceTotals totals() throws IOException {
        AudienceTotals totals = audience.value();
        return totals == null ? new AudienceTotals() : totals;
    }

    /** A session not in state: new (a view), or back after it expired (same view, same minutes reached). */
    private SessionState startOrResume(String key, Beacon beacon, ModeTotals mode) throws Exception {
        SessionState session = new SessionState();
        Integer maxMinute = viewers.get(key);
        if (maxMinute == null) {
            mode.views++;
            if (beacon.getTicketId() == null) {
                mode.anonymousSessions++;
            }
            mode.dirty = true; // reach() records the view in viewers: every beacon reaches minute 0 at least
        } else {
            session.maxMinute = maxMinute;
        }
        return session;
    }

    private void countTicket(SessionState session, Beacon beacon, ModeTotals mode) throws Exception {
        if (!session.ticketCounted && beacon.getTicketId() != null) {
            String ticket = beacon.getMode() + "/" + beacon.getTicketId();
            if (!tickets.contains(ticket)) {
                tickets.put(ticket, true);
                mode.uniqueViewers++;
                mode.dirty = true;
            }
            session.ticketCounted = true;
        }
    }

    /** LIVE: minutes since the earliest live player beacon; REPLAY: minutes into the recording. */
    private static int minute(Beacon beacon, long at, ModeTotals mode) {
        long offset = beacon.getMode() == ViewMode.LIVE ? at - mode.liveStart : beacon.getPositionMillis();
        return (int) Math.min(Math.max(offset, 0) / MINUTE_MILLIS, MAX_MINUTE);
    }

    private void reach(String key, SessionState session, ModeTotals mode, int minute) throws Exception {
        if (minute > session.maxMinute) {
            mode.reach(session.maxMinute + 1, minute);
            session.maxMinute = minute;
            viewers.put(key, minute);
        }
    }

    /** Adds the session to the open boundaries t with at <= t < at + 30 s it is not yet counted at. */
    private void count(SessionState session, ViewMode mode, long at, long watermark, Context context) throws Exception {
        long first = ceil(at);
        long last = first + STALE_MILLIS - SAMPLE_MILLIS;
        for (long boundary = Math.max(first, firstOpen(watermark)); boundary <= last; boundary += SAMPLE_MILLIS) {
            if (!session.counted(boundary)) {
                ConcurrencyCounts counts = concurrency.get(boundary);
                if (counts == null) {
                    counts = new ConcurrencyCounts();
                    context.timerService().registerEventTimeTimer(boundary);
                }
                counts.add(mode, 1);
                concurrency.put(boundary, counts);
            }
        }
        session.cover(first, last);
    }

    /** A session that ended at {@code at} no longer counts at the open boundaries from then on. */
    private void uncount(SessionState session, ViewMode mode, long at, long watermark) throws Exception {
        long from = Math.max(Math.max(ceil(at), session.countedFrom), firstOpen(watermark));
        for (long boundary = from; boundary <= session.countedUpTo; boundary += SAMPLE_MILLIS) {
            ConcurrencyCounts counts = concurrency.get(boundary);
            if (counts != null) { // kept at 0 rather than removed: its timer may have to emit the 0 sample
                counts.add(mode, -1);
                concurrency.put(boundary, counts);
            }
        }
    }

    /** The session's state goes at the boundary where it stops counting (or the next open one, if late). */
    private void scheduleCleanup(String key, SessionState session, long watermark, Context context) throws Exception {
        long cleanupAt = Math.max(ceil(session.lastBeatAt) + STALE_MILLIS, firstOpen(watermark));
        if (cleanupAt > session.cleanupAt) {
            List<String> due = cleanups.get(cleanupAt);
            if (due == null) {
                due = new ArrayList<>();
                context.timerService().registerEventTimeTimer(cleanupAt);
            }
            due.add(key);
            cleanups.put(cleanupAt, due);
            session.cleanupAt = cleanupAt;
        }
    }

    private void dropExpiredSessions(long boundary) throws Exception {
        List<String> due = cleanups.get(boundary);
        if (due == null) {
            return;
        }
        for (String key : due) {
            SessionState session = sessions.get(key);
            if (session != null && session.cleanupAt <= boundary) { // else a later beacon kept it alive
                sessions.remove(key);
            }
        }
        cleanups.remove(boundary);
    }

    private static void emitRetention(
            String liveId, ViewMode mode, long boundary, ModeTotals totals, Collector<AudienceMetric> out) {
        for (int minute = 0; minute < totals.reached.length; minute++) {
            int basisPoints = totals.retentionBasisPoints(minute);
            if (basisPoints != totals.emittedBasisPoints[minute]) {
                totals.emittedBasisPoints[minute] = basisPoints;
                out.collect(AudienceRecords.retention(liveId, mode, boundary, minute, basisPoints));
            }
        }
        totals.retentionDirty = false;
    }

    /** The first boundary at or after {@code time}. */
    static long ceil(long time) {
        return Math.floorDiv(time + SAMPLE_MILLIS - 1, SAMPLE_MILLIS) * SAMPLE_MILLIS;
    }

    /** The first boundary whose timer has not fired yet: the first one after the watermark. */
    static long firstOpen(long watermark) {
        if (watermark == Long.MIN_VALUE || watermark > Long.MAX_VALUE - SAMPLE_MILLIS) {
            return watermark;
        }
        return Math.floorDiv(watermark, SAMPLE_MILLIS) * SAMPLE_MILLIS + SAMPLE_MILLIS;
    }

    /** The boundary whose timer will carry a change made by an event at {@code at}. */
    private static long emitBoundary(long at, long watermark) {
        return Math.max(ceil(at), firstOpen(watermark));
    }
}
