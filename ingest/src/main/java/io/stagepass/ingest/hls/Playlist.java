package io.stagepass.ingest.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What ingest needs of an HLS media playlist: the media sequence, each listed segment's number and duration
 * (EXTINF, kept as integer microseconds: no floating point), discontinuities and whether the list has ended.
 */
public record Playlist(long mediaSequence, List<Entry> entries, boolean ended) {

    public record Entry(long sequence, long durationMicros, boolean discontinuity) {}

    /** Parses a playlist; malformed lines are a {@link IllegalArgumentException} naming the line. */
    public static Playlist parse(String text) {
        if (text == null || !text.stripLeading().startsWith("#EXTM3U")) {
            throw new IllegalArgumentException("not an HLS playlist: it must start with #EXTM3U");
        }
        long mediaSequence = 0;
        boolean ended = false;
        boolean discontinuity = false;
        Long pendingDuration = null;
        List<Entry> entries = new ArrayList<>();
        int lineNumber = 0;
        for (String raw : text.split("\r?\n")) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                mediaSequence = parseLong(line.substring("#EXT-X-MEDIA-SEQUENCE:".length()), lineNumber);
            } else if (line.startsWith("#EXTINF:")) {
                String value = line.substring("#EXTINF:".length());
                int comma = value.indexOf(',');
                pendingDuration = micros(comma >= 0 ? value.substring(0, comma) : value, lineNumber);
            } else if (line.equals("#EXT-X-DISCONTINUITY")) {
                discontinuity = true;
            } else if (line.equals("#EXT-X-ENDLIST")) {
                ended = true;
            } else if (!line.startsWith("#")) {
                if (pendingDuration == null) {
                    throw new IllegalArgumentException(
                            "line " + lineNumber + ": segment '" + line + "' has no #EXTINF");
                }
                String uri = line.contains("?") ? line.substring(0, line.indexOf('?')) : line;
                String fileName = uri.substring(uri.lastIndexOf('/') + 1);
                Optional<HlsFile> file = HlsFile.parse(fileName);
                if (file.isEmpty() || file.get().sequence() < 0) {
                    throw new IllegalArgumentException(
                            "line " + lineNumber + ": '" + line + "' is not a segment name we accept");
                }
                entries.add(new Entry(file.get().sequence(), pendingDuration, discontinuity));
                pendingDuration = null;
                discontinuity = false;
            }
        }
        return new Playlist(mediaSequence, List.copyOf(entries), ended);
    }

    /** The newest segment this playlist lists, or -1 when it lists none. */
    public long lastSequence() {
        return entries.isEmpty() ? -1 : entries.get(entries.size() - 1).sequence();
    }

    /** "2.000000" or "1.96" seconds to microseconds, exactly. */
    static long micros(String seconds, int lineNumber) {
        String value = seconds.strip();
        int dot = value.indexOf('.');
        String whole = dot < 0 ? value : value.substring(0, dot);
        String fraction = dot < 0 ? "" : value.substring(dot + 1);
        if (whole.isEmpty()
                || !whole.chars().allMatch(Character::isDigit)
                || !fraction.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(
                    "line " + lineNumber + ": '" + seconds + "' is not a duration in seconds");
        }
        String micros = (fraction + "000000").substring(0, 6);
        try {
            return Math.addExact(Math.multiplyExact(Long.parseLong(whole), 1_000_000L), Long.parseLong(micros));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    "line " + lineNumber + ": '" + seconds + "' is not a plausible duration");
        }
    }

    private static long parseLong(String value, int lineNumber) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + lineNumber + ": '" + value + "' is not a number");
        }
    }
}
