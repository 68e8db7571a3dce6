package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HlsFileTest {

    @Test
    void acceptsWhatFfmpegPushes() {
        assertThat(HlsFile.parse("index.m3u8"))
                .hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(HlsFile.Kind.PLAYLIST));
        assertThat(HlsFile.parse("index12.ts")).hasValue(new HlsFile("index12.ts", HlsFile.Kind.SEGMENT_TS, 12));
        assertThat(HlsFile.parse("stream_0-7.m4s"))
                .hasValue(new HlsFile("stream_0-7.m4s", HlsFile.Kind.SEGMENT_FMP4, 7));
        assertThat(HlsFile.parse("init.mp4"))
                .hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(HlsFile.Kind.INIT));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "../index1.ts",
                "..",
                "a/b.ts",
                "index1.ts/..",
                "%2e%2e%2findex1.ts",
                "..%2findex1.ts",
                "index1.TS.exe",
                "index.ts",
                "index1.php",
                ".hidden1.ts",
                "index 1.ts",
                "indéx1.ts",
                "index1.ts\u0000",
                ""
            })
    void refusesAnythingElse(String name) {
        assertThat(HlsFile.parse(name)).isEmpty();
    }

    @Test
    void streamKeysArePlainAndLongEnough() {
        assertThat(HlsFile.isPlausibleStreamKey("abcdefghijklmnop")).isTrue();
        assertThat(HlsFile.isPlausibleStreamKey("short")).isFalse();
        assertThat(HlsFile.isPlausibleStreamKey("../../../../etc/passwd")).isFalse();
    }
}
