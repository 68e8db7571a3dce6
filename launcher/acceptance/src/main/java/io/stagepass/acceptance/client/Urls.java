package io.stagepass.acceptance.client;

import java.net.URI;

/** Base addresses as the clients keep them: no trailing slash, so that a path is appended as is. */
public final class Urls {
    private Urls() {}

    public static String trimmed(String url) {
        return url.replaceAll("/+$", "");
    }

    public static String trimmed(URI url) {
        return trimmed(url.toString());
    }
}
