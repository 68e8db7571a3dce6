package io.stagepass.replay.metrics;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import io.stagepass.events.Creator;
import io.stagepass.events.Live;
import io.stagepass.platform.views.ChangeListener;
import io.stagepass.platform.views.Projection;
import io.stagepass.platform.views.TopicView;
import io.stagepass.replay.creators.CreatorAuth;
import io.stagepass.replay.views.Audience;
import io.stagepass.replay.views.Health;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.Replays;
import io.stagepass.replay.views.Revenue;
import io.stagepass.replay.views.Tickets;
import io.stagepass.replay.views.Views;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A creator's numbers: {@code /v1/lives/{id}/revenue}, {@code /audience}, {@code /replay}, {@code /health},
 * {@code /v1/creator/summary}
 * and the server-sent events stream {@code /v1/lives/{id}/events}, which sends each of those again whenever the views
 * see it change (a payment, an audience record, a replay status), coalesced over {@link #FLUSH_EVERY}. Events:
 * {@code live}, {@code revenue}, {@code audience}, {@code replay}, {@code health}; each carries the same JSON as its
 * route.
 */
public final class MetricsRoutes implements AutoCloseable {
    /** The events of the stream, each the JSON of one route. */
    enum Event {
        LIVE,
        REVENUE,
        AUDIENCE,
        REPLAY,
        HEALTH
    }

    static final Duration FLUSH_EVERY = Duration.ofMillis(100);
    static final Duration PING_EVERY = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(MetricsRoutes.class);

    private final CreatorAuth auth;
    private final TopicView views;
    private final Dashboards dashboards;
    private final Map<SseClient, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "replay-api-events");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong sent = new AtomicLong();
    private final ChangeListener listener = this::changed;

    private static final class Subscriber {
        final String liveId;
        final String creatorId;
        /** The creator's key hash when the stream started: a rotation ends the stream. */
        final String keyHash;

        final Set<Event> pending = EnumSet.noneOf(Event.class);
        long lastPing = System.nanoTime();
        volatile boolean keyRotated;

        Subscriber(String liveId, String creatorId, String keyHash) {
            this.liveId = liveId;
            this.creatorId = creatorId;
            this.keyHash = keyHash;
        }
    }

    public MetricsRoutes(CreatorAuth auth, Dashboards dashboards, TopicView views) {
        this.auth = auth;
        this.views = views;
        this.dashboards = dashboards;
        views.listen(listener);
        flusher.scheduleWithFixedDelay(
                this::flush, FLUSH_EVERY.toMillis(), FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void register(JavalinConfig config) {
        config.routes.get(
                "/v1/creator/summary",
                ctx -> ctx.json(dashboards.summary(auth.creator(ctx).getCreatorId())));
        config.routes.get("/v1/lives/{liveId}/revenue", ctx -> ctx.json(dashboards.revenue(own(ctx).getLiveId())));
        config.routes.get("/v1/lives/{liveId}/audience", ctx -> ctx.json(dashboards.audience(own(ctx).getLiveId())));
        config.routes.get("/v1/lives/{liveId}/replay", ctx -> ctx.json(dashboards.replay(own(ctx).getLiveId())));
        config.routes.get("/v1/lives/{liveId}/health", ctx -> ctx.json(dashboards.health(own(ctx).getLiveId())));
        // Refused before the stream starts, as any route refuses: 401 without a key, 404 for another creator's live.
        config.routes.before("/v1/lives/{liveId}/events", ctx -> {
            own(ctx);
            // Javalin starts a stream only for this exact Accept header (EventSource sends it); say so, not 200 empty.
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                throw new HttpResponseException(
                        HttpStatus.NOT_ACCEPTABLE.getCode(),
                        "this is a server-sent events stream: send Accept: text/event-stream");
            }
        });
        config.routes.sse("/v1/lives/{liveId}/events", this::subscribe);
    }

    public Dashboards dashboards() {
        return dashboards;
    }

    /** Events sent so far, to every subscriber together. */
    public long sent() {
        return sent.get();
    }

    private Live own(Context ctx) {
        Creator creator = auth.creator(ctx);
        return auth.ownLive(ctx, creator);
    }

    private void subscribe(SseClient client) {
        Live live;
        Creator creator;
        try {
            creator = auth.creator(client.ctx());
            live = auth.ownLive(client.ctx(), creator);
        } catch (RuntimeException refused) {
            // Refused before the stream starts: say why as one event, then close (EventSource shows no status).
            client.sendEvent("error", Map.of("detail", refused.getMessage()));
            client.close();
            return;
        }
        client.ctx().header("Cache-Control", "no-cache").header("X-Accel-Buffering", "no");
        Subscriber subscriber = new Subscriber(live.getLiveId(), creator.getCreatorId(), creator.getApiKeySha256());
        synchronized (subscriber) {
            subscriber.pending.addAll(EnumSet.allOf(Event.class));
        }
        client.onClose(() -> subscribers.remove(client));
        subscribers.put(client, subscriber);
        client.keepAlive();
        flusher.execute(this::flush);
    }

    private void changed(Projection<?> projection, String liveId) {
        if (projection.name().equals(Views.CREATORS)) {
            keyChanged(liveId); // the id of a creator, here
            return;
        }
        Event event = eventOf(projection);
        if (event == null) {
            return;
        }
        for (Subscriber subscriber : subscribers.values()) {
            if (subscriber.liveId.equals(liveId)) {
                synchronized (subscriber) {
                    subscriber.pending.add(event);
                }
            }
        }
    }

    /** The screens watching a live changed: its dashboards get the audience again within {@link #FLUSH_EVERY}. */
    public void audienceChanged(String liveId) {
        for (Subscriber subscriber : subscribers.values()) {
            if (subscriber.liveId.equals(liveId)) {
                synchronized (subscriber) {
                    subscriber.pending.add(Event.AUDIENCE);
                }
            }
        }
    }

    /** A creator's key rotated (or the creator was removed): their streams end at the next flush. */
    private void keyChanged(String creatorId) {
        String current = auth.currentKeyHash(creatorId).orElse(null);
        for (Subscriber subscriber : subscribers.values()) {
            if (subscriber.creatorId.equals(creatorId) && !subscriber.keyHash.equals(current)) {
                subscriber.keyRotated = true;
            }
        }
        flusher.execute(this::flush);
    }

    /** The event a change to this projection sends again; null for what no dashboard shows (keys, segments). */
    private static Event eventOf(Projection<?> projection) {
        return switch (projection.name()) {
            case Lives.NAME -> Event.LIVE;
            case Revenue.NAME, Tickets.NAME -> Event.REVENUE;
            case Audience.NAME -> Event.AUDIENCE;
            case Replays.NAME -> Event.REPLAY;
            case Health.NAME -> Event.HEALTH;
            default -> null;
        };
    }

    private void flush() {
        for (Map.Entry<SseClient, Subscriber> entry : subscribers.entrySet()) {
            SseClient client = entry.getKey();
            Subscriber subscriber = entry.getValue();
            Set<Event> changes;
            synchronized (subscriber) {
                changes =
                        subscriber.pending.isEmpty() ? EnumSet.noneOf(Event.class) : EnumSet.copyOf(subscriber.pending);
                subscriber.pending.clear();
            }
            try {
                if (client.terminated()) {
                    subscribers.remove(client);
                    continue;
                }
                if (subscriber.keyRotated) {
                    subscribers.remove(client);
                    client.sendEvent(
                            "error",
                            Map.of("detail", "the API key this stream was opened with was rotated: sign in again"));
                    client.close();
                    continue;
                }
                for (Event change : changes) {
                    send(client, subscriber.liveId, change);
                }
                if (changes.isEmpty() && System.nanoTime() - subscriber.lastPing > PING_EVERY.toNanos()) {
                    client.sendComment("ping");
                    subscriber.lastPing = System.nanoTime();
                }
            } catch (RuntimeException e) {
                LOG.debug("events stream of {} closed: {}", subscriber.liveId, e.toString());
                subscribers.remove(client);
            }
        }
    }

    private void send(SseClient client, String liveId, Event change) {
        Object data = switch (change) {
            case LIVE -> dashboards.live(liveId);
            case REVENUE -> dashboards.revenue(liveId);
            case AUDIENCE -> dashboards.audience(liveId);
            case REPLAY -> dashboards.replay(liveId);
            case HEALTH -> dashboards.health(liveId);
        };
        client.sendEvent(change.name().toLowerCase(), data); // the routes' JSON mapper: the same JSON as the routes
        sent.incrementAndGet();
    }

    /**
     * Ends every open stream while the server still runs (a browser's EventSource then reconnects to another
     * instance). Closing a stream whose request the stopped server already dropped would spin inside Javalin, so the
     * service calls this before it stops the server.
     */
    public void endStreams() {
        for (SseClient client : subscribers.keySet()) {
            subscribers.remove(client);
            try {
                if (!client.terminated()) {
                    client.close();
                }
            } catch (RuntimeException e) {
                LOG.debug("events stream already gone: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        views.unlisten(listener);
        flusher.shutdownNow();
        subscribers.clear();
    }
}
