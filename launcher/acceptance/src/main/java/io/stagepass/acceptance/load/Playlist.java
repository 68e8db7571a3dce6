package io.stagepass.acceptance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An HLS media playlist as FFmpeg's hls muxer wrote it (every segment listed), replayed the way the encoder publishes
 * it while live: after each segment, a playlist listing the segments so far, and #EXT-X-ENDLIST with the last.
 */
record Playlist(List<String> header, List<Segment> segments) {
    /** One segment: its file name, its media sequence number, its EXTINF line, and when it starts in the live. */
    record Segment(String file, long sequence, String extinf, double startSeconds) {}

    static Playlist read(Path file) throws IOException {
        List<String> header = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        long sequence = 0;
        double start = 0;
        String extinf = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                sequence = Long.parseLong(
                        line.substring("#EXT-X-MEDIA-SEQUENCE:".length()).trim());
            }
            if (line.startsWith("#EXTINF:")) {
                extinf = line;
            } else if (!line.isBlank() && !line.startsWith("#") && extinf != null) {
                segments.add(new Segment(line.trim(), sequence + segments.size(), extinf, start));
                start +=
                        Double.parseDouble(extinf.substring("#EXTINF:".length()).split(",")[0]);
                extinf = null;
            } else if (segments.isEmpty() && extinf == null && !line.startsWith("#EXT-X-ENDLIST")) {
                header.add(line);
            }
        }
        if (segments.isEmpty()) {
            throw new IOException("no segments in " + file);
        }
        return new Playlist(List.copyOf(header), List.copyOf(segments));
    }

    /** The playlist listing the first {@code count} segments, ended when {@code last}. */
    String upTo(int count, boolean last) {
        StringBuilder s = new StringBuilder();
        header.forEach(line -> s.append(line).append('\n'));
        for (Segment segment : segments.subList(0, count)) {
            s.append(segment.extinf()).append('\n').append(segment.file()).append('\n');
        }
        if (last) {
            s.append("#EXT-X-ENDLIST\n");
        }
        return s.toString();
    }
}
