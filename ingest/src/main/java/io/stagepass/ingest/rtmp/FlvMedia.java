package io.stagepass.ingest.rtmp;

import java.nio.charset.StandardCharsets;

/**
 * The bodies of RTMP audio and video messages (FLV tag bodies, including Enhanced RTMP's extended headers), reduced
 * to what the segmenter needs: H.264 (AVC) configuration and frames, AAC configuration and frames. Everything else
 * is refused with a message that says what to set in the encoder: HEVC, AV1 and VP9 (legacy ids or Enhanced RTMP
 * FourCCs), MP3, Speex, Opus and the rest.
 */
final class FlvMedia {
    private static final int AVC = 7;
    private static final int AAC = 10;

    enum Kind {
        CONFIG,
        FRAME,
        /** Nothing to store: an end-of-sequence marker, a video info/command frame, an empty message. */
        IGNORED
    }

    /** @param data the codec payload (AVCDecoderConfigurationRecord, AudioSpecificConfig, AVCC NAL units, raw AAC) */
    record Video(Kind kind, boolean keyframe, int compositionTimeMillis, byte[] data) {}

    record Audio(Kind kind, byte[] data) {}

    private FlvMedia() {}

    static Video video(byte[] body) throws UnsupportedMediaException, ProtocolException {
        if (body.length == 0) {
            return new Video(Kind.IGNORED, false, 0, body);
        }
        int first = body[0] & 0xff;
        if ((first & 0x80) != 0) { // Enhanced RTMP: IsExHeader, then a packet type and a FourCC
            String fourCc = body.length >= 5 ? new String(body, 1, 4, StandardCharsets.US_ASCII) : "?";
            throw new UnsupportedMediaException(
                    "video codec " + describeFourCc(fourCc)
                            + " (Enhanced RTMP) is not played by every browser: set the encoder to H.264 (x264 or hardware H.264)");
        }
        int frameType = first >>> 4;
        int codec = first & 0x0f;
        if (codec != AVC) {
            throw new UnsupportedMediaException("video codec " + videoCodecName(codec)
                    + " is not supported: set the encoder to H.264 (x264 or hardware H.264)");
        }
        if (frameType == 5) {
            return new Video(Kind.IGNORED, false, 0, body); // video info / command frame
        }
        if (body.length < 5) {
            throw new ProtocolException(
                    "an H.264 video message of " + body.length + " bytes has no room for its header");
        }
        int packetType = body[1] & 0xff;
        int composition = ((body[2] & 0xff) << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff);
        composition = (composition << 8) >> 8; // signed 24 bits
        byte[] data = java.util.Arrays.copyOfRange(body, 5, body.length);
        return switch (packetType) {
            case 0 -> new Video(Kind.CONFIG, false, 0, data);
            case 1 -> new Video(data.length == 0 ? Kind.IGNORED : Kind.FRAME, frameType == 1, composition, data);
            default -> new Video(Kind.IGNORED, false, 0, data); // 2: end of sequence
        };
    }

    static Audio audio(byte[] body) throws UnsupportedMediaException, ProtocolException {
        if (body.length == 0) {
            return new Audio(Kind.IGNORED, body);
        }
        int format = (body[0] & 0xff) >>> 4;
        if (format != AAC) {
            throw new UnsupportedMediaException(
                    "audio codec " + audioCodecName(format) + " is not supported: set the encoder's audio to AAC");
        }
        if (body.length < 2) {
            throw new ProtocolException("an AAC audio message of 1 byte has no packet type");
        }
        byte[] data = java.util.Arrays.copyOfRange(body, 2, body.length);
        if (data.length == 0) {
            return new Audio(Kind.IGNORED, data);
        }
        return new Audio(body[1] == 0 ? Kind.CONFIG : Kind.FRAME, data);
    }

    private static String describeFourCc(String fourCc) {
        return switch (fourCc) {
            case "hvc1" -> "HEVC (hvc1)";
            case "av01" -> "AV1 (av01)";
            case "vp09" -> "VP9 (vp09)";
            case "avc1" -> "H.264 in an extended header (avc1)";
            default -> "'" + fourCc.replaceAll("[^ -~]", "?") + "'";
        };
    }

    static String videoCodecName(int id) {
        return switch (id) {
            case 2 -> "Sorenson H.263";
            case 3 -> "Screen video";
            case 4 -> "VP6";
            case 5 -> "VP6 with alpha";
            case 6 -> "Screen video 2";
            case 7 -> "H.264";
            case 12 -> "HEVC";
            case 13 -> "AV1";
            default -> "#" + id;
        };
    }

    static String audioCodecName(int id) {
        return switch (id) {
            case 0, 3 -> "PCM";
            case 1 -> "ADPCM";
            case 2 -> "MP3";
            case 4, 5, 6 -> "Nellymoser";
            case 7, 8 -> "G.711";
            case 9 -> "Enhanced RTMP audio (Opus, AC-3, FLAC...)";
            case 10 -> "AAC";
            case 11 -> "Speex";
            case 14 -> "MP3 8 kHz";
            default -> "#" + id;
        };
    }
}
