package io.stagepass.jobs.replay;

/**
 * RFC 6381 codec strings for an HLS master playlist's CODECS attribute, read from the streams themselves: a player
 * that cannot decode them does not pick the rendition.
 */
final class Codecs {
    private Codecs() {}

    /**
     * {@code avc1.PPCCLL}: profile_idc, the constraint flags and level_idc of the stream's sequence parameter set, from
     * its extradata, in either form: an avcC box (MP4) or Annex B start codes (MPEG-TS).
     */
    static String avc1(byte[] extradata, int profile, int level) {
        if (extradata != null && extradata.length >= 4 && extradata[0] == 1) {
            return String.format("avc1.%02x%02x%02x", extradata[1] & 0xff, extradata[2] & 0xff, extradata[3] & 0xff);
        }
        if (extradata != null) {
            for (int i = 0; i + 4 < extradata.length; i++) {
                boolean startCode = extradata[i] == 0 && extradata[i + 1] == 0 && extradata[i + 2] == 1;
                if (startCode && (extradata[i + 3] & 0x1f) == 7 && i + 6 < extradata.length) {
                    return String.format(
                            "avc1.%02x%02x%02x",
                            extradata[i + 4] & 0xff, extradata[i + 5] & 0xff, extradata[i + 6] & 0xff);
                }
            }
        }
        return String.format("avc1.%02x00%02x", profile & 0xff, level & 0xff); // no SPS at hand: flags unknown
    }

    /** {@code mp4a.40.N}: N the MPEG-4 audio object type, FFmpeg's AAC profile plus one (LC: 2). */
    static String mp4a(int profile) {
        return "mp4a.40." + (profile >= 0 ? profile + 1 : 2);
    }
}
