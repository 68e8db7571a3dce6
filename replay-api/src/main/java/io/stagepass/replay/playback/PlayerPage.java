package io.stagepass.replay.playback;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.stagepass.replay.Pages;
import java.util.Map;

/**
 * {@code GET /watch/{liveId}?token=...}: the player page of a ticket holder (hls.js from its WebJar, our player script
 * from the classpath, nothing from a CDN), or a page that says plainly why not: no token, a bad one, a refunded or
 * disputed ticket, a closed replay window.
 */
public final class PlayerPage {
    /** The hls.js WebJar on the class path (the newest Maven Central has). */
    public static final String HLS_JS_VERSION = "1.4.12";

    private final Access access;
    private final String ingestUrl;
    private final String watchTemplate = Pages.template("watch.html");
    private final String refusedTemplate = Pages.template("refused.html");

    public PlayerPage(Access access, String ingestUrl) {
        this.access = access;
        this.ingestUrl = ingestUrl.replaceAll("/+$", "");
    }

    public void register(JavalinConfig config) {
        config.staticFiles.enableWebjars();
        config.staticFiles.add(files -> {
            files.hostedPath = "/assets";
            files.directory = "/public";
            files.location = Location.CLASSPATH;
        });
        config.routes.get("/watch/{liveId}", this::watch);
    }

    private void watch(Context ctx) {
        ctx.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
        Access.Viewer viewer;
        try {
            viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        } catch (HttpResponseException refused) {
            ctx.status(refused.getStatus())
                    .html(
                            Pages.fill(
                                    refusedTemplate,
                                    Map.of(
                                            "headline",
                                                    refused.getStatus() == HttpStatus.UNAUTHORIZED.getCode()
                                                            ? "This link does not let you in"
                                                            : refused.getStatus() == HttpStatus.NOT_FOUND.getCode()
                                                                    ? "There is no such live"
                                                                    : "You cannot watch this live",
                                            "reason", refused.getMessage(),
                                            "hint",
                                                    refused.getStatus() == HttpStatus.UNAUTHORIZED.getCode()
                                                            ? "Open the ticket link from your confirmation again; links expire."
                                                            : "If you think this is a mistake, contact the creator who sold the ticket.")));
            return;
        }
        ctx.html(Pages.fill(
                watchTemplate,
                Map.of(
                        "title",
                        viewer.live().getTitle(),
                        "liveId",
                        viewer.live().getLiveId(),
                        "token",
                        viewer.token(),
                        "beaconToken",
                        access.beaconToken(viewer, Access.newSession()), // the page view, before a screen
                        "viewer",
                        io.stagepass.events.StreamKeys.sha256(viewer.live().getLiveId() + "|" + viewer.ticketId())
                                .substring(0, 16),
                        "beacons",
                        ingestUrl,
                        "hlsVersion",
                        HLS_JS_VERSION,
                        "stage",
                        access.tier(viewer).filter("guest"::equals).isPresent()
                                ? "/stage/" + viewer.live().getLiveId() + "?token=" + viewer.token()
                                : "")));
    }
}
