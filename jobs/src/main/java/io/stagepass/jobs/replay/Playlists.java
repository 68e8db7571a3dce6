package io.stagepass.jobs.replay;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text files of a replay, written by us rather than by FFmpeg's HLS muxer so that what the muxer cannot say is
 * said: a discontinuity where the live had a gap or a reconnect, the codecs and bandwidth read from the media, and the
 * thumbnail track. Pure.
 */
final class Playlists {
    private Playlists() {}

    /** One media segment: its duration (µs) and where it lies in its file. */
    record Entry(long durationMicros, long offset, long length) {}

    /** One stretch without discontinuity: a single fMP4 file (init section, then fragments) and its segments. */
    record Run(String file, long initLength, List<Entry> entries) {
        long durationMicros() {
            return entries.stream().mapToLong(Entry::durationMicros).sum();
        }
    }

    /**
     * Reads the playlist FFmpeg's HLS muxer wrote for one run (single file, fMP4): the init section's byte range and
     * each segment's EXTINF and byte range. The segments' file is renamed {@code file}.
     */
    static Run parseRun(String muxerPlaylist, String file) {
        long initLength = -1;
        List<Entry> entries = new ArrayList<>();
        Long duration = null;
        for (String raw : muxerPlaylist.split("\r?\n")) {
            String line = raw.strip();
            if (line.startsWith("#EXT-X-MAP:")) {
                String range = line.replaceAll(".*BYTERANGE=\"([0-9]+)@0\".*", "$1");
                initLength = Long.parseLong(range);
            } else if (line.startsWith("#EXTINF:")) {
                String seconds = line.substring("#EXTINF:".length()).split(",", 2)[0];
                duration = new BigDecimal(seconds)
                        .movePointRight(6)
                        .setScale(0, RoundingMode.HALF_UP)
                        .longValueExact();
            } else if (line.startsWith("#EXT-X-BYTERANGE:")) {
                String[] range = line.substring("#EXT-X-BYTERANGE:".length()).split("@");
                if (duration == null) {
                    throw new IllegalArgumentException("byte range without #EXTINF in the muxer's playlist");
                }
                entries.add(new Entry(duration, Long.parseLong(range[1]), Long.parseLong(range[0])));
                duration = null;
            }
        }
        if (initLength < 0) {
            throw new IllegalArgumentException("the muxer's playlist has no #EXT-X-MAP byte range");
        }
        return new Run(file, initLength, List.copyOf(entries));
    }

    /** The target duration: every segment's duration, rounded up to whole seconds, is at most this. */
    static long targetDurationSeconds(List<Run> runs) {
        long max = 1;
        for (Run run : runs) {
            for (Entry entry : run.entries()) {
                max = Math.max(max, (entry.durationMicros() + 999_999) / 1_000_000);
            }
        }
        return max;
    }

    /** The VOD media playlist: every run's segments as byte ranges of its file, a discontinuity between runs. */
    static String media(List<Run> runs) {
        StringBuilder m3u8 = new StringBuilder();
        m3u8.append("#EXTM3U\n#EXT-X-VERSION:7\n");
        m3u8.append("#EXT-X-TARGETDURATION:")
                .append(targetDurationSeconds(runs))
                .append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (int i = 0; i < runs.size(); i++) {
            Run run = runs.get(i);
            if (i > 0) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append("#EXT-X-MAP:URI=\"")
                    .append(run.file())
                    .append("\",BYTERANGE=\"")
                    .append(run.initLength())
                    .append("@0\"\n");
            for (Entry entry : run.entries()) {
                m3u8.append("#EXTINF:").append(seconds(entry.durationMicros())).append(",\n");
                m3u8.append("#EXT-X-BYTERANGE:")
                        .append(entry.length())
                        .append('@')
                        .append(entry.offset())
                        .append('\n');
                m3u8.append(run.file()).append('\n');
            }
        }
        m3u8.append("#EXT-X-ENDLIST\n");
        return m3u8.toString();
    }

    /** One segment stored as an object of its own (a CMAF fragment): its name, duration (µs) and size. */
    record PieceEntry(String file, long durationMicros, long bytes) {}

    /** One stretch without discontinuity of fragments: its init section and its segments. */
    record PieceRun(String init, List<PieceEntry> entries) {}

    /** The VOD media playlist of fragments: each run's init section, its segments, a discontinuity between runs. */
    static String pieces(List<PieceRun> runs) {
        long target = 1;
        for (PieceRun run : runs) {
            for (PieceEntry entry : run.entries()) {
                target = Math.max(target, (entry.durationMicros() + 999_999) / 1_000_000);
            }
        }
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n");
        m3u8.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (int i = 0; i < runs.size(); i++) {
            PieceRun run = runs.get(i);
            if (i > 0) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            m3u8.append("#EXT-X-MAP:URI=\"").append(run.init()).append("\"\n");
            for (PieceEntry entry : run.entries()) {
                m3u8.append("#EXTINF:").append(seconds(entry.durationMicros())).append(",\n");
                m3u8.append(entry.file()).append('\n');
            }
        }
        m3u8.append("#EXT-X-ENDLIST\n");
        return m3u8.toString();
    }

    /** Peak bits per second over one fragment. */
    static long piecesPeakBandwidth(List<PieceRun> runs) {
        long peak = 0;
        for (PieceRun run : runs) {
            for (PieceEntry entry : run.entries()) {
                if (entry.durationMicros() > 0) {
                    peak = Math.max(peak, entry.bytes() * 8 * 1_000_000 / entry.durationMicros());
                }
            }
        }
        return peak;
    }

    static long piecesAverageBandwidth(List<PieceRun> runs) {
        long bytes = 0;
        long micros = 0;
        for (PieceRun run : runs) {
            for (PieceEntry entry : run.entries()) {
                bytes += entry.bytes();
                micros += entry.durationMicros();
            }
        }
        return micros == 0 ? 0 : bytes * 8 * 1_000_000 / micros;
    }

    /** One rendition of the master playlist. */
    record Variant(
            long bandwidth,
            long averageBandwidth,
            String codecs,
            int width,
            int height,
            String frameRate,
            String playlist) {}

    static String master(List<Variant> variants) {
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        for (Variant v : variants) {
            m3u8.append("#EXT-X-STREAM-INF:BANDWIDTH=")
                    .append(v.bandwidth())
                    .append(",AVERAGE-BANDWIDTH=")
                    .append(v.averageBandwidth())
                    .append(",CODECS=\"")
                    .append(v.codecs())
                    .append('"');
            if (v.width() > 0) {
                m3u8.append(",RESOLUTION=").append(v.width()).append('x').append(v.height());
            }
            if (v.frameRate() != null) {
                m3u8.append(",FRAME-RATE=").append(v.frameRate());
            }
            m3u8.append('\n').append(v.playlist()).append('\n');
        }
        return m3u8.toString();
    }

    /** Peak bits per second over one segment: what the master playlist's BANDWIDTH must cover. */
    static long peakBandwidth(List<Run> runs) {
        long peak = 0;
        for (Run run : runs) {
            for (Entry entry : run.entries()) {
                if (entry.durationMicros() > 0) {
                    peak = Math.max(peak, entry.length() * 8 * 1_000_000 / entry.durationMicros());
                }
            }
        }
        return peak;
    }

    static long averageBandwidth(List<Run> runs) {
        long bytes = runs.stream()
                .flatMap(r -> r.entries().stream())
                .mapToLong(Entry::length)
                .sum();
        long micros = runs.stream().mapToLong(Run::durationMicros).sum();
        return micros == 0 ? 0 : bytes * 8 * 1_000_000 / micros;
    }

    /** A tile of the thumbnail sprites: the time it stands for and where it is. */
    record Tile(long startMicros, long endMicros, String sprite, int x, int y, int width, int height) {}

    /** The WebVTT thumbnail track players show over the scrub bar: {@code sprite.jpg#xywh=x,y,w,h} per cue. */
    static String thumbnails(List<Tile> tiles) {
        StringBuilder vtt = new StringBuilder("WEBVTT\n");
        for (Tile tile : tiles) {
            vtt.append('\n')
                    .append(timestamp(tile.startMicros()))
                    .append(" --> ")
                    .append(timestamp(tile.endMicros()))
                    .append('\n')
                    .append(tile.sprite())
                    .append("#xywh=")
                    .append(tile.x())
                    .append(',')
                    .append(tile.y())
                    .append(',')
                    .append(tile.width())
                    .append(',')
                    .append(tile.height())
                    .append('\n');
        }
        return vtt.toString();
    }

    /** {@code HH:MM:SS.mmm}, as WebVTT wants it. */
    static String timestamp(long micros) {
        long millis = micros / 1000;
        return String.format(
                Locale.ROOT,
                "%02d:%02d:%02d.%03d",
                millis / 3_600_000,
                millis / 60_000 % 60,
                millis / 1000 % 60,
                millis % 1000);
    }

    /** Seconds with six decimals, as FFmpeg writes EXTINF (exact: no floating point). */
    static String seconds(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }
}
