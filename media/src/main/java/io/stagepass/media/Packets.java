package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import org.bytedeco.ffmpeg.avcodec.AVPacket;

/** What every remux of stored packets does to them. */
public final class Packets {
    private Packets() {}

    /**
     * Whether the packet can be placed in time: a packet needs a decode time, and one with only a presentation time
     * gets it as its decode time (and the other way round). False for one with neither.
     */
    public static boolean timestamped(AVPacket packet) {
        if (packet.dts() == AV_NOPTS_VALUE) {
            if (packet.pts() == AV_NOPTS_VALUE) {
                return false;
            }
            packet.dts(packet.pts());
        }
        if (packet.pts() == AV_NOPTS_VALUE) {
            packet.pts(packet.dts());
        }
        return true;
    }
}
