package io.stagepass.replay.playback;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The replay's playlists as the packager wrote them, with every relative URI made into a link the viewer may follow:
 * the media playlist in the master, the fMP4 files in the media playlist (one signed link per file; the segments are
 * byte ranges of it), the sprites in the thumbnail track. Pure.
 */
final class ReplayPlaylists {
    private static final Pattern MAP_URI = Pattern.compile("URI=\"([^\"]+)\"");
    private static final Pattern CUE_IMAGE = Pattern.compile("^([A-Za-z0-9_.-]+\\.jpg)(#xywh=.*)$");

    private ReplayPlaylists() {}

    /** Replaces each URI line and each {@code URI="..."} attribute of a playlist with {@code link.apply(uri)}. */
    static String rewrite(String playlist, UnaryOperator<String> link) {
        StringBuilder out = new StringBuilder();
        for (String line : playlist.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (!line.startsWith("#")) {
                out.append(link.apply(line.strip()));
            } else if (line.startsWith("#EXT-X-MAP:") || line.startsWith("#EXT-X-MEDIA:")) {
                Matcher uri = MAP_URI.matcher(line);
                out.append(
                        uri.find()
                                ? line.substring(0, uri.start(1))
                                        + link.apply(uri.group(1))
                                        + line.substring(uri.end(1))
                                : line);
            } else {
                out.append(line);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** The thumbnail track with each cue's {@code sprite-N.jpg#xywh=...} pointing at a signed link of the sprite. */
    static String thumbnails(String vtt, UnaryOperator<String> link) {
        StringBuilder out = new StringBuilder();
        for (String line : vtt.split("\n", -1)) {
            Matcher image = CUE_IMAGE.matcher(line);
            out.append(image.matches() ? link.apply(image.group(1)) + image.group(2) : line)
                    .append('\n');
        }
        return out.toString().stripTrailing() + "\n";
    }
}
