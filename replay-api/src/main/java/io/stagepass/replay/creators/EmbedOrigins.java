package io.stagepass.replay.creators;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.platform.http.InvalidFieldsException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sites a creator lets show their player pages in a frame ({@code frame-ancestors} of {@code /watch/...}): origins
 * only ({@code https://site.example}, a port allowed), https except for a loopback address (a local test page), at
 * most {@link #MAX}. A page, a path, a wildcard or a query is refused with what was wrong: a browser compares origins
 * only, and a wildcard would let any site wrap the page.
 */
public final class EmbedOrigins {
    public static final int MAX = 10;

    private EmbedOrigins() {}

    /** The origins in {@code field} (a JSON array of strings), normalised (lower case, no trailing slash). */
    public static List<String> parse(JsonNode field) {
        if (field == null || !field.isArray()) {
            throw new InvalidFieldsException(
                    Map.of("embedOrigins", "an array of origins such as [\"https://site.example\"]"));
        }
        if (field.size() > MAX) {
            throw new InvalidFieldsException(
                    Map.of("embedOrigins", "at most " + MAX + " origins, got " + field.size()));
        }
        Set<String> origins = new LinkedHashSet<>();
        for (JsonNode item : field) {
            String text = item.isTextual() ? item.asText().strip() : item.toString();
            origins.add(origin(text));
        }
        return new ArrayList<>(origins);
    }

    private static String origin(String text) {
        URI uri;
        try {
            uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (Exception e) {
            throw refused(text, "not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty() || host.contains("*")) {
            throw refused(text, "an origin names one host, such as https://site.example");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw refused(text, "an origin is scheme, host and port only: no path, query or user");
        }
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
            throw refused(text, "https only (http only for localhost or 127.0.0.1)");
        }
        return scheme + "://" + host + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

    private static InvalidFieldsException refused(String text, String why) {
        return new InvalidFieldsException(Map.of("embedOrigins", "'" + text + "': " + why));
    }
}
