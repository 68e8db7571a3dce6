package io.stagepass.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated live the demo pushes: H.264 + AAC that browsers play, made without the capture-device library. */
class GeneratedLiveIT {
    private static final Duration LENGTH = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    @Test
    void writesH264AndAacHlsInTwoSecondSegmentsWithoutLoadingLibavdevice() throws Exception {
        Path playlist = GeneratedLive.writeHls(dir, GeneratedLive.Spec.demo(LENGTH));

        String text = Files.readString(playlist);
        assertThat(text).contains("#EXT-X-ENDLIST");
        List<String> durations =
                text.lines().filter(line -> line.startsWith("#EXTINF:")).toList();
        assertThat(durations).hasSize(3).allMatch(line -> line.startsWith("#EXTINF:2.000000"));

        List<MediaProbe.Stream> streams =
                MediaProbe.streams(dir.resolve("index0.ts").toString());
        assertThat(streams).extracting(MediaProbe.Stream::codec).containsExactlyInAnyOrder("h264", "aac");
        assertThat(streams)
                .filteredOn(s -> s.type().equals("video"))
                .singleElement()
                .satisfies(video ->
                        assertThat(video.width() + "x" + video.height()).isEqualTo("640x360"));
        assertThat(streams)
                .filteredOn(s -> s.type().equals("audio"))
                .singleElement()
                .satisfies(audio -> assertThat(audio.channels()).isEqualTo(2));

        assertNoCaptureDeviceLibrary();
    }

    /** libavdevice needs PulseAudio's client library, which a machine with only Java and Maven does not have. */
    static void assertNoCaptureDeviceLibrary() {
        assertThat(Loader.getLoadedLibraries().keySet())
                .as("native libraries JavaCPP loaded")
                .isNotEmpty()
                .noneMatch(name -> name.contains("avdevice"));
    }
}
