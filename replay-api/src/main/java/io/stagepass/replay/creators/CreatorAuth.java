package io.stagepass.replay.creators;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.ApiKeys;
import io.stagepass.events.Creator;
import io.stagepass.events.Live;
import io.stagepass.platform.views.KeyHashIndex;
import io.stagepass.platform.views.Projection;
import io.stagepass.platform.views.TopicView;
import io.stagepass.replay.PageSecurity;
import io.stagepass.replay.views.Lives;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who is asking, on every creator route: {@code Authorization: Bearer spk_...} (scripts) or the dashboard's signed
 * session cookie, else 401. A creator sees only their own lives: another creator's live is 404, exactly as a live
 * that does not exist, so that ids do not leak.
 */
public final class CreatorAuth {
    /** How long a lookup waits at most for the view to be current (it takes milliseconds when Kafka is up). */
    static final Duration NEW_KEY_WAIT = Duration.ofSeconds(1);

    private static final java.util.Set<String> SAFE_METHODS = java.util.Set.of("GET", "HEAD", "OPTIONS");

    private final KeyHashIndex<Creator> creators;
    private final Lives lives;
    private final Sessions sessions;
    private final TopicView view;
    private final Clock clock;

    public CreatorAuth(KeyHashIndex<Creator> creators, Lives lives, Sessions sessions, TopicView view, Clock clock) {
        this.creators = creators;
        this.view = view;
        this.lives = lives;
        this.sessions = sessions;
        this.clock = clock;
    }

    public Creator creator(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null) {
            if (!header.startsWith("Bearer ")) {
                throw new UnauthorizedResponse("Authorization must be 'Bearer spk_...' (the creator's API key)");
            }
            String key = header.substring("Bearer ".length()).trim();
            if (!ApiKeys.wellFormed(key)) {
                throw new UnauthorizedResponse("that is not a Stagepass API key (spk_ and 43 characters)");
            }
            return byKey(key)
                    .orElseThrow(() -> new UnauthorizedResponse("the API key is not valid: mistyped, or rotated"));
        }
        String cookie = ctx.cookie(Sessions.COOKIE);
        if (cookie != null) {
            if (!SAFE_METHODS.contains(ctx.method().name())) {
                PageSecurity.requireSameOrigin(ctx, true); // the cookie comes with any site's request: not a proof
            }
            Sessions.Claims claims = sessions.verify(cookie, clock.instant())
                    .orElseThrow(() -> new UnauthorizedResponse("the session has expired: sign in again at /login"));
            return creators.byId(claims.creatorId())
                    .filter(c ->
                            c.getApiKeySha256() != null && c.getApiKeySha256().startsWith(claims.keyHashPrefix()))
                    .orElseThrow(() -> new UnauthorizedResponse(
                            "the API key of this session was rotated: sign in again at /login"));
        }
        throw new UnauthorizedResponse(
                "an API key is required: Authorization: Bearer spk_... (or sign in to the dashboard at /login)");
    }

    /**
     * The creator whose current key this is. A key made a moment ago ({@code stagepass creators add}, a rotation) is
     * known once the views have read its fact: a key the views do not know is looked up again once they have read
     * everything on the creators' topic (milliseconds, {@link #knownSoon}), and only then refused.
     */
    public Optional<Creator> byKey(String key) {
        if (!ApiKeys.wellFormed(key)) {
            return Optional.empty();
        }
        String hash = ApiKeys.sha256(key);
        return knownSoon(view, creators, () -> creators.byKeyHash(hash));
    }

    /**
     * What {@code lookup} finds in the views; when it finds nothing, what it finds once the view has applied every
     * record {@code index}'s topic held at that moment ({@link TopicView#sync}, one round trip to the brokers shared
     * by every request waiting then). So a key made a moment ago works at once, and a bogus key is refused as soon as
     * the view is known to be current, not after a fixed wait. Every kind of API key is looked up so.
     */
    public static <T> Optional<T> knownSoon(TopicView view, Projection<?> index, Supplier<Optional<T>> lookup) {
        Optional<T> found = lookup.get();
        if (found.isPresent()) {
            return found;
        }
        try {
            view.sync(index.topic(), NEW_KEY_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return lookup.get();
    }

    /** The hash of a creator's current API key; empty when the creator is gone or has none. */
    public Optional<String> currentKeyHash(String creatorId) {
        return creators.byId(creatorId).map(Creator::getApiKeySha256);
    }

    /** The creator's own live, else 404 (another creator's live looks like none). */
    public Live ownLive(Context ctx, Creator creator) {
        String liveId = ctx.pathParam("liveId");
        return lives.live(liveId)
                .filter(live -> live.getCreatorId().equals(creator.getCreatorId()))
                .orElseThrow(() -> new NotFoundResponse("no live " + liveId));
    }
}
