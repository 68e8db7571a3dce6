package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BucketTest {
    @Test
    void everyObjectOfOursHasTheMediaTypeBrowsersExpect() {
        assertThat(Bucket.contentType("live_1/00000003.ts")).isEqualTo("video/mp2t");
        assertThat(Bucket.contentType("live_1/00000003.m4s")).isEqualTo("video/mp4");
        assertThat(Bucket.contentType("live_1/v2/download.mp4")).isEqualTo("video/mp4");
        assertThat(Bucket.contentType("live_1/v2/master.m3u8")).isEqualTo("application/vnd.apple.mpegurl");
        assertThat(Bucket.contentType("live_1/v2/sprite-0.jpg")).isEqualTo("image/jpeg");
        assertThat(Bucket.contentType("live_1/v2/thumbnails.vtt")).isEqualTo("text/vtt");
        assertThat(Bucket.contentType("topic=payments/part-0.parquet")).isEqualTo("application/vnd.apache.parquet");
        assertThat(Bucket.contentType("README")).isEqualTo("application/octet-stream");
        assertThat(Bucket.contentType("live_1/v2.backup/file")).isEqualTo("application/octet-stream");
    }
}
