package io.stagepass.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceLiveTest {
    @TempDir
    Path cache;

    @Test
    void aSegmentsSequenceIsTheNumberInItsName() {
        assertThat(SourceLive.sequence(Path.of("index0.ts"))).isZero();
        assertThat(SourceLive.sequence(Path.of("cache", "replay-720p-60m", "index1799.ts")))
                .isEqualTo(1799);
    }

    @Test
    void aCompleteCacheGivesItsSegmentsInNumericOrderAndTheirBytes() throws IOException {
        SourceLive live = new SourceLive(cache, 1);
        Files.createDirectories(live.dir());
        for (int i = 11; i >= 0; i--) {
            Files.write(live.dir().resolve("index" + i + ".ts"), new byte[i + 1]);
        }
        Files.writeString(live.playlist(), "#EXTM3U\n");
        Files.writeString(live.dir().resolve("complete"), "");

        assertThat(live.segments())
                .extracting(segment -> segment.getFileName().toString())
                .containsExactly(
                        "index0.ts",
                        "index1.ts",
                        "index2.ts",
                        "index3.ts",
                        "index4.ts",
                        "index5.ts",
                        "index6.ts",
                        "index7.ts",
                        "index8.ts",
                        "index9.ts",
                        "index10.ts",
                        "index11.ts");
        assertThat(live.bytes()).isEqualTo(78); // 1 + 2 + ... + 12
    }
}
