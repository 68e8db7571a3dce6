package io.stagepass.platform.http;

import java.util.regex.Pattern;

/**
 * What a log line may say about a request path: never a credential. Stream keys (the segment after {@code /live/} in
 * an encoder's push URL) and Stripe Checkout Session ids ({@code cs_...}, which the ticket route names) are replaced
 * by an ellipsis. Query strings (tokens, link signatures) are never logged at all: log {@code ctx.path()}, not the URL.
 */
public final class LogRedaction {
    private static final Pattern STREAM_KEY = Pattern.compile("(/live/)[^/]+");
    private static final Pattern CHECKOUT_SESSION = Pattern.compile("cs_[A-Za-z0-9_]+");

    private LogRedaction() {}

    /** {@code path} fit for a log line. */
    public static String path(String path) {
        if (path == null) {
            return null;
        }
        return CHECKOUT_SESSION
                .matcher(STREAM_KEY.matcher(path).replaceAll("$1…"))
                .replaceAll("cs_…");
    }
}
