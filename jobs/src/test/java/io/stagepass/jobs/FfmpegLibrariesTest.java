package io.stagepass.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/** The bundled FFmpeg natives (Linux x86-64) load and are the pinned release. */
class FfmpegLibrariesTest {

    @Test
    void loadsTheBundledFfmpegLibraries() {
        assertThat(JobsWorker.ffmpegVersion()).startsWith("8.1");
        // libavformat 62 is FFmpeg 8's major version; the int packs major << 16.
        assertThat(avformat.avformat_version() >> 16).isEqualTo(62);
        // Nothing the worker loads may pull in libavdevice: it needs PulseAudio, which a fresh machine lacks.
        assertThat(Loader.getLoadedLibraries().keySet()).isNotEmpty().noneMatch(name -> name.contains("avdevice"));
    }
}
