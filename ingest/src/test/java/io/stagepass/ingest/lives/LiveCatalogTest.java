package io.stagepass.ingest.lives;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.SampleEvents;
import io.stagepass.events.StreamKeys;
import io.stagepass.platform.config.KafkaSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LiveCatalogTest {
    private final LiveCatalog catalog = new LiveCatalog(new KafkaSettings("127.0.0.1:1")); // never started

    @AfterEach
    void close() throws InterruptedException {
        catalog.close(); // frees the consumer it made
    }

    @Test
    void findsALiveByItsStreamKeyUntilTheKeyIsRevokedOrReplaced() {
        String key = StreamKeys.newKey();
        catalog.apply(SampleEvents.live("live_1", "creator_1")
                .setStreamKeySha256(StreamKeys.sha256(key))
                .build());
        assertThat(catalog.byStreamKey(key))
                .hasValueSatisfying(live -> assertThat(live.getLiveId()).isEqualTo("live_1"));
        assertThat(catalog.byStreamKey(StreamKeys.newKey())).isEmpty();

        catalog.apply(SampleEvents.live("live_1", "creator_1")
                .setStreamKeySha256(StreamKeys.sha256(key))
                .setStreamKeyRevoked(true)
                .build());
        assertThat(catalog.byStreamKey(key)).as("revoked").isEmpty();

        String newKey = StreamKeys.newKey();
        catalog.apply(SampleEvents.live("live_1", "creator_1")
                .setStreamKeySha256(StreamKeys.sha256(newKey))
                .build());
        assertThat(catalog.byStreamKey(newKey)).isPresent();
        assertThat(catalog.byStreamKey(key)).as("replaced").isEmpty();
        assertThat(catalog.byId("live_1")).isPresent();
    }
}
