package io.stagepass.replay.dashboard;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.stagepass.events.Creator;
import io.stagepass.platform.http.RateLimiter;
import io.stagepass.replay.PageSecurity;
import io.stagepass.replay.Pages;
import io.stagepass.replay.creators.CreatorAuth;
import io.stagepass.replay.creators.Sessions;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The creators' dashboard: {@code /login} takes the API key once and answers with a signed session cookie
 * ({@code HttpOnly}, {@code SameSite=Strict}, {@code Secure} behind HTTPS); {@code /dashboard} is the page, which
 * reads the same JSON routes and events stream as any client, authenticated by that cookie. The key never reaches
 * the page.
 */
public final class DashboardRoutes {
    /** The chart library's WebJar (uPlot), served from the class path. */
    public static final String UPLOT_VERSION = "1.6.30";

    private final CreatorAuth auth;
    private final Sessions sessions;
    private final boolean secure;
    private final Clock clock;
    private final String loginPage = Pages.template("login.html");
    /** Sign-in attempts per client address: 10 at once, then 10 a minute. */
    private final RateLimiter signIns = new RateLimiter(10, 10);

    private final String dashboardPage = Pages.template("dashboard.html");

    public DashboardRoutes(CreatorAuth auth, Sessions sessions, boolean secure, Clock clock) {
        this.auth = auth;
        this.sessions = sessions;
        this.secure = secure;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/login", ctx -> login(ctx, ""));
        config.routes.post("/login", this::signIn);
        config.routes.post("/logout", this::signOut);
        config.routes.get("/dashboard", this::dashboard);
    }

    private void login(Context ctx, String problem) {
        ctx.header("Cache-Control", "no-store").html(Pages.fill(loginPage, Map.of("problem", problem)));
    }

    private void signIn(Context ctx) {
        PageSecurity.requireSameOrigin(ctx, false); // nobody else's page signs a browser in
        if (!signIns.tryAcquire(ctx.ip(), System.nanoTime())) {
            ctx.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", "60");
            login(ctx, "Too many sign-in attempts from this address: wait a minute and try again.");
            return;
        }
        String key =
                Optional.ofNullable(ctx.formParam("key")).map(String::strip).orElse("");
        Optional<Creator> creator = auth.byKey(key);
        if (creator.isEmpty()) {
            ctx.status(HttpStatus.UNAUTHORIZED);
            login(
                    ctx,
                    "That key is not a creator's current API key (spk_ and 43 characters; a rotated key stops working).");
            return;
        }
        ctx.header("Set-Cookie", cookie(ctx, sessions.issue(creator.get(), clock.instant()), Sessions.TTL.toSeconds()))
                .redirect("/dashboard", HttpStatus.SEE_OTHER);
    }

    private void signOut(Context ctx) {
        PageSecurity.requireSameOrigin(ctx, false);
        ctx.header("Set-Cookie", cookie(ctx, "", 0)).redirect("/login", HttpStatus.SEE_OTHER);
    }

    private void dashboard(Context ctx) {
        Creator creator;
        try {
            creator = auth.creator(ctx);
        } catch (HttpResponseException e) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        ctx.header("Cache-Control", "no-store")
                .html(Pages.fill(
                        dashboardPage,
                        Map.of(
                                "creator", creator.getDisplayName(),
                                "creatorId", creator.getCreatorId(),
                                "currency", creator.getDefaultCurrency(),
                                "uplot", UPLOT_VERSION)));
    }

    /** Secure when the public URL is https, or when this request came over https (a TLS proxy says so). */
    private String cookie(Context ctx, String value, long maxAgeSeconds) {
        return Sessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure || PageSecurity.https(ctx) ? "; Secure" : "");
    }
}
