package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MinioClient;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayObject;
import io.stagepass.events.ReplayStatus;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jobs worker killed in the middle of a package (kill -9 of its own process), and another started in its place:
 * one READY, and its bytes are what a clean build of the same live gives.
 */
class ReplayWorkerKillIT {
    private static final Path JAR = Path.of("target", "stagepass-jobs.jar");

    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidPackageIsReplacedAndOneIdenticalReadyComesOut() throws Exception {
        assertThat(JAR)
                .as("the jobs jar is built in the package phase, before integration tests")
                .exists();
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            String liveId =
                    fixture.live(fixture.media("kill", 20, false), false).publish();
            // The object store goes away: the first worker starts the package and keeps retrying its fetches.
            fixture.stopS3();
            Process first = worker(fixture, "first");
            try {
                Await.expect(
                        "the first worker is packaging",
                        ReplayFixture.DEADLINE,
                        () -> fixture.statuses(liveId),
                        statuses -> statuses.stream().anyMatch(s -> s.getType() == ReplayEventType.PROGRESS));
            } finally {
                first.destroyForcibly(); // kill -9
                first.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(fixture.statuses(liveId))
                    .as("killed before it finished")
                    .noneMatch(s -> s.getType() == ReplayEventType.READY)
                    .anyMatch(s -> s.getType() == ReplayEventType.PACKAGING);
            fixture.startS3();

            Process second = worker(fixture, "second");
            ReplayStatus ready;
            try {
                ready = fixture.awaitFinal(liveId);
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
            assertThat(ready.getVersion())
                    .as("the interrupted version, built again")
                    .isEqualTo(1);
            assertThat(fixture.statuses(liveId))
                    .filteredOn(s -> s.getType() == ReplayEventType.READY)
                    .hasSize(1);

            // A clean build of the same segments, as a new version: the same bytes, object for object.
            JobsConfig config = fixture.config();
            try (MinioClient s3 = ObjectStore.client(fixture.s3.settings());
                    EventPublisher publisher = new EventPublisher(config.kafka(), "kill-test");
                    ReplayService replays = new ReplayService(config.kafka(), s3, publisher, dir.resolve("clean"), 4)) {
                ReplayService.Packaged built = replays.packageLive(liveId, true, (stage, percent) -> {});
                assertThat(built.outcome()).isEqualTo(ReplayService.Packaged.Outcome.BUILT);
                ReplayStatus clean = built.status();
                assertThat(clean.getVersion()).isEqualTo(2);
                assertThat(byName(clean.getObjects())).isEqualTo(byName(ready.getObjects()));
                assertThat(clean.getPackageHash()).isEqualTo(ready.getPackageHash());

                // Asked again without --new-version: the packager says it found v2 READY, and builds nothing.
                ReplayService.Packaged again = replays.packageLive(liveId, false, (stage, percent) -> {});
                assertThat(again.outcome()).isEqualTo(ReplayService.Packaged.Outcome.ALREADY_READY);
                assertThat(again.status().getVersion()).isEqualTo(2);
            }
        }
    }

    /** A jobs worker in its own JVM, as it runs in production. */
    private Process worker(ReplayFixture fixture, String name) throws Exception {
        return fixture.workerProcess(JAR, "kill-test-workers", name, false);
    }

    /** Object name within its version's folder to SHA-256. */
    private static Map<String, String> byName(List<ReplayObject> objects) {
        Map<String, String> byName = new TreeMap<>();
        objects.forEach(o -> byName.put(o.getKey().substring(o.getKey().lastIndexOf('/') + 1), o.getSha256()));
        return byName;
    }
}
