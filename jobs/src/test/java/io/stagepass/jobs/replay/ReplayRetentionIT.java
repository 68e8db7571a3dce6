package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Bucket;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.platform.kafka.EventPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes exactly what the replay windows that closed leave, and says so on the replays topic. */
class ReplayRetentionIT {
    @TempDir
    Path dir;

    @Test
    void deletesExactlyTheExpiredReplaysAndTheirSegments() throws Exception {
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            fixture.startWorker();
            Path media = fixture.media("retention", 6, false);
            String expired = fixture.live(media, false).replayDays(30).publish();
            String current = fixture.live(media, false).replayDays(60).publish();
            String shortWindow = fixture.live(media, false).replayDays(1).publish();
            Instant now = Instant.now().plus(Duration.ofDays(31)); // a month later: the 30-day and 1-day windows closed
            for (String live : List.of(expired, current, shortWindow)) {
                assertThat(fixture.awaitFinal(live).getType()).isEqualTo(ReplayEventType.READY);
            }
            ReplayStore store = new ReplayStore(fixture.client);
            int currentReplay = store.keys(Bucket.REPLAYS, current + "/").size();
            int currentSegments = store.keys(Bucket.SEGMENTS, current + "/").size();

            try (EventPublisher publisher = new EventPublisher(fixture.kafka.settings(), "retention-test");
                    Retention retention = new Retention(fixture.kafka.settings(), fixture.client, publisher)) {
                List<Retention.Expired> dryRun = retention.run(now, true);
                assertThat(dryRun)
                        .extracting(Retention.Expired::liveId)
                        .containsExactlyInAnyOrder(expired, shortWindow);
                assertThat(store.keys(Bucket.REPLAYS, expired + "/"))
                        .as("a dry run deletes nothing")
                        .isNotEmpty();

                List<Retention.Expired> run = retention.run(now, false);
                assertThat(run).extracting(Retention.Expired::liveId).containsExactlyInAnyOrder(expired, shortWindow);
                assertThat(run).allSatisfy(e -> assertThat(e.replayObjects()).isPositive());
                assertThat(run).allSatisfy(e -> assertThat(e.segmentObjects()).isEqualTo(3));
                assertThat(retention.run(now, false))
                        .as("a second run finds nothing left to do")
                        .isEmpty();
            }
            for (String live : List.of(expired, shortWindow)) {
                assertThat(store.keys(Bucket.REPLAYS, live + "/")).isEmpty();
                assertThat(store.keys(Bucket.SEGMENTS, live + "/")).isEmpty();
                List<ReplayStatus> statuses = fixture.statuses(live);
                assertThat(statuses.get(statuses.size() - 1).getType()).isEqualTo(ReplayEventType.EXPIRED);
                assertThat(statuses.get(statuses.size() - 1).getServedVersion()).isZero();
            }
            assertThat(store.keys(Bucket.REPLAYS, current + "/")).hasSize(currentReplay);
            assertThat(store.keys(Bucket.SEGMENTS, current + "/")).hasSize(currentSegments);
            assertThat(fixture.statuses(current)).noneMatch(s -> s.getType() == ReplayEventType.EXPIRED);
        }
    }
}
