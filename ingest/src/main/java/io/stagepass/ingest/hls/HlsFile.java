package io.stagepass.ingest.hls;

import io.stagepass.events.SegmentContainer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file an encoder pushes, validated by name: a playlist ({@code index.m3u8}), a segment ({@code index12.ts},
 * {@code index12.m4s}) or an fMP4 init section ({@code init.mp4}). Names are short, plain and carry no path:
 * nothing that could climb out of a directory or smuggle odd characters into an object key.
 */
public record HlsFile(String name, Kind kind, long sequence) {
    /** Letters, digits, '_' and '-', then one extension; at most 128 characters. */
    private static final Pattern NAME = Pattern.compile("^([A-Za-z0-9_-]{1,120})\\.(m3u8|ts|m4s|mp4)$");

    private static final Pattern TRAILING_DIGITS = Pattern.compile("(\\d{1,18})$");
    private static final Pattern STREAM_KEY = Pattern.compile("^[A-Za-z0-9_-]{16,128}$");

    public enum Kind {
        PLAYLIST,
        SEGMENT_TS,
        SEGMENT_FMP4,
        INIT;

        public SegmentContainer container() {
            return switch (this) {
                case SEGMENT_TS -> SegmentContainer.MPEG_TS;
                case SEGMENT_FMP4 -> SegmentContainer.FMP4;
                case INIT -> SegmentContainer.FMP4_INIT;
                case PLAYLIST -> throw new IllegalStateException("a playlist is not stored as a segment");
            };
        }

        public static Kind ofExtension(String extension) {
            for (Kind kind : values()) {
                if (kind.extension().equals(extension)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("no file kind has extension " + extension);
        }

        public String extension() {
            return switch (this) {
                case PLAYLIST -> "m3u8";
                case SEGMENT_TS -> "ts";
                case SEGMENT_FMP4 -> "m4s";
                case INIT -> "mp4";
            };
        }
    }

    /** Parses a pushed file name; empty when it is not one we accept. Segments must end in their number. */
    public static Optional<HlsFile> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        Matcher matcher = NAME.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String base = matcher.group(1);
        Kind kind = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "m3u8" -> Kind.PLAYLIST;
            case "ts" -> Kind.SEGMENT_TS;
            case "m4s" -> Kind.SEGMENT_FMP4;
            default -> Kind.INIT;
        };
        long sequence = -1;
        if (kind == Kind.SEGMENT_TS || kind == Kind.SEGMENT_FMP4) {
            Matcher digits = TRAILING_DIGITS.matcher(base);
            if (!digits.find()) {
                return Optional.empty();
            }
            sequence = Long.parseLong(digits.group(1));
        }
        return Optional.of(new HlsFile(name, kind, sequence));
    }

    public static boolean isPlausibleStreamKey(String key) {
        return key != null && STREAM_KEY.matcher(key).matches();
    }
}
