package io.stagepass.replay;

import io.stagepass.replay.creators.StreamSetup;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The addresses people are given: ticket pages, dashboards and watch links on the replay API's public URL, push URLs on
 * ingest's. One place, so that every page, answer and command prints the same ones.
 */
public final class Links {
    private final Supplier<String> apiUrl;
    private final String ingest;
    private final String rtmp;

    /**
     * {@code apiPublicUrl} is asked each time: a server on a free port knows its address only once it listens.
     * {@code rtmpServer} is the server URL encoders take (rtmp://HOST/live).
     */
    public Links(Supplier<String> apiPublicUrl, String ingestPublicUrl, String rtmpServer) {
        this.apiUrl = apiPublicUrl;
        this.ingest = ingestPublicUrl.replaceAll("/+$", "");
        this.rtmp = rtmpServer.replaceAll("/+$", "");
    }

    /** The API's own addresses, for a client or a command that has no ingest to point encoders at. */
    public static Links ofApi(String apiPublicUrl) {
        return new Links(() -> apiPublicUrl, "", "");
    }

    public String api() {
        return apiUrl.get().replaceAll("/+$", "");
    }

    public String ticketPage(String liveId) {
        return api() + "/lives/" + liveId;
    }

    /** Where Stripe sends a buyer after paying; Stripe fills in the session id. */
    public String checkoutSuccess(String liveId) {
        return api() + "/lives/" + liveId + "/ticket?session_id={CHECKOUT_SESSION_ID}";
    }

    public String checkoutCancel(String liveId) {
        return api() + "/lives/" + liveId + "?canceled=1";
    }

    /** The ticket holder's own page: it shows their watch link for as long as the ticket stands. */
    public String ticket(String liveId, String ticketId) {
        return api() + "/lives/" + liveId + "/ticket?session_id=" + URLEncoder.encode(ticketId, StandardCharsets.UTF_8);
    }

    public String watch(String liveId, String token) {
        return api() + "/watch/" + liveId + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    public String dashboard(String liveId) {
        return api() + "/dashboard#" + liveId;
    }

    public String login() {
        return api() + "/login";
    }

    public StreamSetup streamSetup(String streamKey) {
        return StreamSetup.of(rtmp, ingest, streamKey);
    }
}
