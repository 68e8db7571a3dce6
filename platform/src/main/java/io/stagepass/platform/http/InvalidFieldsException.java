package io.stagepass.platform.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request whose fields are wrong: 400 with {@code {"error": "Bad Request", "detail": ..., "fields": {name: what is
 * wrong}}}, every wrong field at once, so that a form can show them all.
 */
public final class InvalidFieldsException extends RuntimeException {
    private final Map<String, String> fields;

    public InvalidFieldsException(Map<String, String> fields) {
        super(summary(fields));
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public Map<String, String> fields() {
        return fields;
    }

    private static String summary(Map<String, String> fields) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("an invalid request names at least one field");
        }
        Map.Entry<String, String> first = fields.entrySet().iterator().next();
        return first.getKey() + ": " + first.getValue()
                + (fields.size() > 1 ? " (and " + (fields.size() - 1) + " more, see fields)" : "");
    }
}
