package io.stagepass.events;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Event and entity ids. */
public final class Ids {
    private Ids() {}

    /** A fresh random event id. */
    public static String newEventId() {
        return UUID.randomUUID().toString();
    }

    /**
     * The event id of a fact derived from an external one (a Stripe event): the same input always gives the same
     * id, so a redelivered webhook produces the same fact and consumers deduplicate on it.
     */
    public static String derivedEventId(String namespace, String externalId) {
        return UUID.nameUUIDFromBytes((namespace + ":" + externalId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** A new entity id with a readable prefix, e.g. {@code live_3f9a...}. */
    public static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}
