package io.stagepass.ingest.health;

import io.stagepass.events.Ids;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamHealthType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each live's encoder has sent over the last {@link #WINDOW}: every segment that arrived, measured by
 * {@link SegmentProbe} (for HLS PUTs and RTMP pushes alike), the encoder's reconnects and a refusal of its media. Each
 * {@link #report} turns that into one {@link StreamHealth} fact per live still streaming (or just refused), judged by
 * {@link HealthRules}. Thread-safe: the edges record, the reporter reads.
 */
public final class StreamHealthMeter {
    /** The media judged: the segments that arrived this long before a report. */
    public static final Duration WINDOW = Duration.ofSeconds(30);
    /** Reconnects count against a live for this long. */
    static final Duration RECONNECTS = Duration.ofMinutes(5);
    /** A refusal is reported this long, or until media arrives again. */
    static final Duration REFUSAL = Duration.ofMinutes(1);
    /** How often a live's picture size, profile and sample rate are read again (they cost a decode). */
    static final Duration PARAMETERS = Duration.ofSeconds(30);
    /** A live that sends nothing for this long (and has not ended) is forgotten. */
    static final Duration FORGET = Duration.ofMinutes(5);

    private final Clock clock;
    private final Map<String, LiveMeter> lives = new ConcurrentHashMap<>();

    public StreamHealthMeter(Clock clock) {
        this.clock = clock;
    }

    /**
     * A segment arrived: {@code sequence} is the live's own number; {@code newConnection} when the encoder came back;
     * {@code media} is null for a segment that is not measured (fMP4, which needs its init section to be read).
     */
    public void segment(String liveId, String protocol, long sequence, boolean newConnection, SegmentMedia media) {
        record(liveId, live -> live.segment(clock.millis(), protocol, sequence, newConnection, media));
    }

    /** Changes a live's meter atomically with {@link #report}'s forgetting of it: nothing lands in a dropped meter. */
    private void record(String liveId, java.util.function.Consumer<LiveMeter> change) {
        lives.compute(liveId, (id, live) -> {
            LiveMeter meter = live == null ? new LiveMeter() : live;
            synchronized (meter) {
                change.accept(meter);
            }
            return meter;
        });
    }

    /** Whether the next segment of this live should be read with its parameters ({@link SegmentProbe}). */
    public boolean wantsParameters(String liveId) {
        LiveMeter live = lives.get(liveId);
        if (live == null) {
            return true;
        }
        synchronized (live) {
            return live.parameters == null || live.parametersAt < clock.millis() - PARAMETERS.toMillis();
        }
    }

    /** The encoder's media was refused (a codec browsers cannot play): reported at once, with why. */
    public void refused(String liveId, String protocol, String reason) {
        long now = clock.millis();
        record(liveId, live -> {
            live.protocol = protocol;
            live.refusal = reason;
            live.refusedAt = now;
        });
    }

    /**
     * The live has ended: reported while its last segments are in the window, then forgotten. A segment measured after
     * this (its request committed it just before the end) does not make the live silent.
     */
    public void ended(String liveId) {
        record(liveId, live -> live.ended = true);
    }

    /** One fact per live that streamed in the window, is silent but not ended, or was refused recently. */
    public List<StreamHealth> report() {
        long now = clock.millis();
        List<StreamHealth> facts = new ArrayList<>();
        for (String liveId : List.copyOf(lives.keySet())) {
            lives.computeIfPresent(liveId, (id, live) -> {
                synchronized (live) {
                    live.trim(now);
                    if (live.forgettable(now)) {
                        return null;
                    }
                    facts.add(live.fact(id, now));
                    return live;
                }
            });
        }
        return facts;
    }

    /** Lives measured now (for tests and shutdown). */
    int size() {
        return lives.size();
    }

    private record Arrival(
            long atMillis, long sequence, boolean newConnection, SegmentMedia media, long keyframeIntervalMillis) {}

    private static final class LiveMeter {
        final Deque<Arrival> arrivals = new ArrayDeque<>();
        final Deque<Long> reconnects = new ArrayDeque<>();
        String protocol;
        String refusal;
        long refusedAt;
        long lastMediaAt = -1;
        boolean ended;
        /** The last keyframe on the current connection's timeline, and the end of its last segment's video. */
        long lastKeyframe = Long.MIN_VALUE;

        long lastVideoEnd = Long.MIN_VALUE;
        /** The last segment read with its parameters, and when. */
        SegmentMedia parameters;

        long parametersAt;

        void segment(long now, String protocol, long sequence, boolean newConnection, SegmentMedia media) {
            if (!newConnection && arrivals.stream().anyMatch(a -> a.sequence() == sequence)) {
                return; // the same segment PUT again (an encoder's retry): measured once
            }
            this.protocol = protocol;
            refusal = null;
            lastMediaAt = now; // (an ended live takes no segment: ingest refuses it before it is measured)
            if (newConnection) {
                reconnects.add(now);
                parameters = null; // the encoder may come back with other settings
                lastKeyframe = Long.MIN_VALUE; // a new encoder session: a new timeline
                lastVideoEnd = Long.MIN_VALUE;
            }
            if (media != null && media.readable() && (media.width() > 0 || media.audioSampleRate() > 0)) {
                parameters = media;
                parametersAt = now;
            }
            long interval = -1;
            if (media != null && media.readable() && media.hasVideo()) {
                // A timeline that jumps (a restarted encoder that did not reconnect) is not a keyframe interval.
                boolean continuous =
                        lastVideoEnd != Long.MIN_VALUE && Math.abs(media.videoStartMillis() - lastVideoEnd) <= 1_000;
                long previous = continuous ? lastKeyframe : Long.MIN_VALUE;
                for (long keyframe : media.keyframesMillis()) {
                    if (previous != Long.MIN_VALUE) {
                        interval = Math.max(interval, keyframe - previous);
                    }
                    previous = keyframe;
                }
                if (previous != Long.MIN_VALUE) {
                    interval = Math.max(interval, media.videoEndMillis() - previous); // no keyframe since: at least
                }
                lastKeyframe = previous;
                lastVideoEnd = media.videoEndMillis();
            }
            arrivals.add(new Arrival(now, sequence, newConnection, media, interval));
        }

        void trim(long now) {
            while (!arrivals.isEmpty() && arrivals.peekFirst().atMillis() < now - WINDOW.toMillis()) {
                arrivals.removeFirst();
            }
            while (!reconnects.isEmpty() && reconnects.peekFirst() < now - RECONNECTS.toMillis()) {
                reconnects.removeFirst();
            }
            if (refusal != null && refusedAt < now - REFUSAL.toMillis()) {
                refusal = null;
            }
        }

        boolean forgettable(long now) {
            return arrivals.isEmpty()
                    && refusal == null
                    && (ended || lastMediaAt < 0 || lastMediaAt < now - FORGET.toMillis());
        }

        StreamHealth fact(String liveId, long now) {
            Measured measured = measure(now);
            HealthRules.Verdict verdict = HealthRules.judge(measured);
            return StreamHealth.newBuilder()
                    .setEventId(Ids.newEventId())
                    .setOccurredAt(Instant.ofEpochMilli(now))
                    .setType(refusal != null ? StreamHealthType.REFUSED : StreamHealthType.MEASURED)
                    .setLiveId(liveId)
                    .setVerdict(verdict.verdict())
                    .setReasons(new ArrayList<>(verdict.reasons()))
                    .setProtocol(protocol)
                    .setWindowMillis(WINDOW.toMillis())
                    .setSegments(measured.segments())
                    .setVideoCodec(measured.videoCodec())
                    .setVideoProfile(measured.videoProfile())
                    .setWidth(measured.width())
                    .setHeight(measured.height())
                    .setFramesPerSecondX100(measured.framesPerSecondX100())
                    .setKeyframeIntervalMillis(measured.keyframeIntervalMillis())
                    .setVideoBitsPerSecond(measured.videoBitsPerSecond())
                    .setAudioCodec(measured.audioCodec())
                    .setAudioSampleRate(measured.audioSampleRate())
                    .setAudioChannels(measured.audioChannels())
                    .setAudioBitsPerSecond(measured.audioBitsPerSecond())
                    .setRealtimePermille(measured.realtimePermille())
                    .setMissingSegments(measured.missingSegments())
                    .setReconnects(measured.reconnects())
                    .setLastMediaAt(lastMediaAt < 0 ? null : Instant.ofEpochMilli(lastMediaAt))
                    .build();
        }

        Measured measure(long now) {
            int unreadable = 0;
            int probed = 0;
            SegmentMedia latest = null;
            long videoFrames = 0;
            long videoBytes = 0;
            long videoMillis = 0;
            long audioBytes = 0;
            long audioMillis = 0;
            long keyframes = -1;
            long minSequence = Long.MAX_VALUE;
            long maxSequence = Long.MIN_VALUE;
            for (Arrival arrival : arrivals) {
                SegmentMedia media = arrival.media();
                minSequence = Math.min(minSequence, arrival.sequence());
                maxSequence = Math.max(maxSequence, arrival.sequence());
                if (media == null) {
                    continue;
                }
                probed++;
                if (!media.readable()) {
                    unreadable++;
                    continue;
                }
                latest = media;
                videoFrames += media.videoFrames();
                videoBytes += media.videoBytes();
                videoMillis += media.videoMillis();
                audioBytes += media.audioBytes();
                audioMillis += media.audioMillis();
                keyframes = Math.max(keyframes, arrival.keyframeIntervalMillis());
            }
            boolean video = latest != null && latest.hasVideo();
            boolean audio = latest != null && latest.hasAudio();
            SegmentMedia known = parameters != null ? parameters : latest; // sizes are read now and then
            int missing = arrivals.isEmpty() ? 0 : (int) Math.max(0, maxSequence - minSequence + 1 - arrivals.size());
            long silent = !ended && lastMediaAt >= 0 ? now - lastMediaAt : 0;
            long lastSegmentMillis = arrivals.isEmpty() || arrivals.peekLast().media() == null
                    ? 0
                    : arrivals.peekLast().media().mediaMillis();
            return new Measured(
                    refusal,
                    arrivals.size(),
                    probed,
                    unreadable,
                    video ? latest.videoCodec() : null,
                    video ? known.videoProfile() : null,
                    video && known.width() > 0 ? known.width() : null,
                    video && known.height() > 0 ? known.height() : null,
                    video && videoMillis > 0 ? (int) (videoFrames * 100_000 / videoMillis) : null,
                    video && keyframes >= 0 ? keyframes : null,
                    video && videoMillis > 0 ? videoBytes * 8_000 / videoMillis : null,
                    audio ? latest.audioCodec() : null,
                    audio && known.audioSampleRate() > 0 ? known.audioSampleRate() : null,
                    audio && known.audioChannels() > 0 ? known.audioChannels() : null,
                    audio && audioMillis > 0 ? audioBytes * 8_000 / audioMillis : null,
                    realtime(),
                    silent,
                    lastSegmentMillis,
                    reconnects.size(),
                    missing);
        }

        /**
         * Media seconds per wall second since the encoder's last (re)connection, within the window: the media of every
         * segment after the first, over the time from the first arrival to the last (a reconnect's pause is not the
         * encoder falling behind). Unknown with fewer than three segments or less than 4 s between them.
         */
        private Integer realtime() {
            List<Arrival> connection = new ArrayList<>();
            for (Arrival arrival : arrivals) {
                if (arrival.newConnection()) {
                    connection.clear();
                }
                connection.add(arrival);
            }
            if (connection.size() < 3 || connection.stream().anyMatch(a -> a.media() == null)) {
                return null;
            }
            long span = connection.get(connection.size() - 1).atMillis()
                    - connection.get(0).atMillis();
            if (span < 4_000) {
                return null;
            }
            long media = 0;
            for (Arrival arrival : connection.subList(1, connection.size())) {
                media += arrival.media().mediaMillis();
            }
            return (int) Math.min(Integer.MAX_VALUE, media * 1000 / span);
        }
    }
}
