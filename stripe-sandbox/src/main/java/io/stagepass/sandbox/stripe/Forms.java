package io.stagepass.sandbox.stripe;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Stripe's form encoding of nested parameters: {@code line_items[0][price_data][unit_amount]=1500}. */
final class Forms {
    private Forms() {}

    /** The flat parameters under {@code prefix} ({@code metadata} gives {@code live_id -> ...}). */
    static Map<String, String> under(Map<String, List<String>> form, String prefix) {
        Map<String, String> values = new TreeMap<>();
        form.forEach((key, value) -> {
            if (key.startsWith(prefix + "[") && key.endsWith("]") && !value.isEmpty()) {
                values.put(key.substring(prefix.length() + 1, key.length() - 1), value.get(0));
            }
        });
        return values;
    }

    static String one(Map<String, List<String>> form, String key) {
        List<String> values = form.get(key);
        return values == null || values.isEmpty() || values.get(0).isBlank() ? null : values.get(0);
    }
}
