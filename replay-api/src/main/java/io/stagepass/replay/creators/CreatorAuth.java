package io.stagepass.replay.creators;

import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.ApiKeys;
import io.stagepass.events.Creator;
import io.stagepass.events.Live;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.views.KeyHashIndex;
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
    static final Duration NEW_KEY_WAIT = Duration.ofSeconds(1);
    private static final Duration KEY_POLL = Duration.ofMillis(20);

    private final KeyHashIndex<Creator> creators;
    private final Lives lives;
    private final Sessions sessions;
    private final Clock clock;

    public CreatorAuth(KeyHashIndex<Creator> creators, Lives lives, Sessions sessions, Clock clock) {
        this.creators = creators;
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
     * known once the views have read its fact, which takes milliseconds: a key the views do not know yet is looked up
     * again for up to {@link #NEW_KEY_WAIT} before it is refused, so that a script may use a key as soon as it has it.
     */
    public Optional<Creator> byKey(String key) {
        if (!ApiKeys.wellFormed(key)) {
            return Optional.empty();
        }
        String hash = ApiKeys.sha256(key);
        return knownSoon(() -> creators.byKeyHash(hash));
    }

    /**
     * What {@code lookup} finds in the views, looked up again for up to {@link #NEW_KEY_WAIT} while it finds nothing:
     * a key made a moment ago is known once the views have read its fact. Every kind of API key is looked up so.
     */
    public static <T> Optional<T> knownSoon(Supplier<Optional<T>> lookup) {
        try {
            return Await.until(NEW_KEY_WAIT, KEY_POLL, lookup::get, Optional::isPresent)
                    .value();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lookup.get();
        } catch (Exception e) {
            throw new IllegalStateException(e); // the lookup reads a map: it does not throw
        }
    }

    /** The creator's own live, else 404 (another creator's live looks like none). */
    public Live ownLive(Context ctx, Creator creator) {
        String liveId = ctx.pathParam("liveId");
        return lives.live(liveId)
                .filter(live -> live.getCreatorId().equals(creator.getCreatorId()))
                .orElseThrow(() -> new NotFoundResponse("no live " + liveId));
    }
}
