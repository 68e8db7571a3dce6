package io.stagepass.jobs.replay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The few ISO BMFF (MP4) box edits incremental packaging needs, on bytes FFmpeg's MP4 muxer wrote: splitting one
 * segment's output into its init section ({@code ftyp} + {@code moov}) and its fragment ({@code moof} + {@code mdat}),
 * numbering a fragment and placing it on the replay's timeline ({@code mfhd} sequence, {@code tfdt} per track), and
 * the download's head: the init section with the whole duration ({@code mvhd}, {@code mehd}) and a {@code sidx} that
 * indexes every fragment, so a player seeks in a multi-gigabyte file without reading it. Pure.
 */
final class Fragments {
    private Fragments() {}

    /** One box: its type and where it lies in the bytes (the header included). */
    record Box(String type, int offset, int size) {
        int end() {
            return offset + size;
        }
    }

    /** What one segment's mux wrote: the init section and the segment's one fragment. */
    record Split(byte[] init, byte[] fragment) {}

    /** The boxes one after another in {@code bytes[from, to)}. */
    static List<Box> boxes(byte[] bytes, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int at = from;
        while (at + 8 <= to) {
            long size = Integer.toUnsignedLong(buffer.getInt(at));
            String type = new String(bytes, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (size == 1) {
                size = buffer.getLong(at + 8);
            } else if (size == 0) {
                size = to - at;
            }
            if (size < 8 || at + size > to) {
                throw new IllegalArgumentException("box '" + type + "' at " + at + " runs past its parent (" + size
                        + " bytes, " + (to - at) + " left)");
            }
            boxes.add(new Box(type, at, (int) size));
            at += (int) size;
        }
        return boxes;
    }

    static List<Box> children(byte[] bytes, Box parent) {
        return boxes(bytes, parent.offset() + 8, parent.end());
    }

    private static Box only(List<Box> boxes, String type) {
        return boxes.stream()
                .filter(b -> b.type().equals(type))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no '" + type + "' box"));
    }

    /** Splits a fragmented MP4 of one fragment into init ({@code ftyp}, {@code moov}) and the fragment. */
    static Split split(byte[] mp4) {
        List<Box> top = boxes(mp4, 0, mp4.length);
        Box moov = only(top, "moov");
        Box moof = only(top, "moof");
        int mdat = top.indexOf(moof) + 1;
        if (mdat >= top.size() || !top.get(mdat).type().equals("mdat")) {
            throw new IllegalArgumentException("the fragment's moof is not followed by its mdat");
        }
        if (top.stream().filter(b -> b.type().equals("moof")).count() != 1) {
            throw new IllegalArgumentException("expected one fragment");
        }
        byte[] init = java.util.Arrays.copyOfRange(mp4, 0, moov.end());
        byte[] fragment =
                java.util.Arrays.copyOfRange(mp4, moof.offset(), top.get(mdat).end());
        return new Split(init, fragment);
    }

    /**
     * Numbers a fragment ({@code mfhd} sequence) and sets each track's {@code tfdt} (its first sample's decode time,
     * in the track's timescale) by track id. Edits {@code fragment} in place.
     */
    static void place(byte[] fragment, int sequence, Map<Integer, Long> decodeTimes) {
        ByteBuffer buffer = ByteBuffer.wrap(fragment);
        Box moof = only(boxes(fragment, 0, fragment.length), "moof");
        List<Box> parts = children(fragment, moof);
        buffer.putInt(only(parts, "mfhd").offset() + 12, sequence);
        for (Box traf : parts) {
            if (!traf.type().equals("traf")) {
                continue;
            }
            List<Box> inside = children(fragment, traf);
            int track = buffer.getInt(only(inside, "tfhd").offset() + 12);
            Long time = decodeTimes.get(track);
            if (time == null) {
                throw new IllegalArgumentException("no decode time for track " + track);
            }
            Box tfdt = only(inside, "tfdt");
            if (fragment[tfdt.offset() + 8] == 1) {
                buffer.putLong(tfdt.offset() + 12, time);
            } else if (time <= 0xFFFFFFFFL) {
                buffer.putInt(tfdt.offset() + 12, (int) (long) time);
            } else {
                throw new IllegalArgumentException("a 32-bit tfdt cannot hold " + time);
            }
        }
    }

    /** The sequence number a fragment carries. */
    static int sequence(byte[] fragment) {
        Box moof = only(boxes(fragment, 0, fragment.length), "moof");
        return ByteBuffer.wrap(fragment)
                .getInt(only(children(fragment, moof), "mfhd").offset() + 12);
    }

    /** Each track's {@code tfdt} in a fragment, by track id. */
    static Map<Integer, Long> decodeTimes(byte[] fragment) {
        ByteBuffer buffer = ByteBuffer.wrap(fragment);
        Map<Integer, Long> times = new java.util.TreeMap<>();
        Box moof = only(boxes(fragment, 0, fragment.length), "moof");
        for (Box traf : children(fragment, moof)) {
            if (traf.type().equals("traf")) {
                List<Box> inside = children(fragment, traf);
                Box tfdt = only(inside, "tfdt");
                long time = fragment[tfdt.offset() + 8] == 1
                        ? buffer.getLong(tfdt.offset() + 12)
                        : Integer.toUnsignedLong(buffer.getInt(tfdt.offset() + 12));
                times.put(buffer.getInt(only(inside, "tfhd").offset() + 12), time);
            }
        }
        return times;
    }

    /** A track's timescale in an init section ({@code moov/trak/mdia/mdhd}), by track id. */
    static Map<Integer, Long> timescales(byte[] init) {
        ByteBuffer buffer = ByteBuffer.wrap(init);
        Map<Integer, Long> scales = new java.util.TreeMap<>();
        Box moov = only(boxes(init, 0, init.length), "moov");
        for (Box trak : children(init, moov)) {
            if (!trak.type().equals("trak")) {
                continue;
            }
            List<Box> inside = children(init, trak);
            Box tkhd = only(inside, "tkhd");
            int track = buffer.getInt(tkhd.offset() + (init[tkhd.offset() + 8] == 1 ? 28 : 20));
            Box mdhd = only(children(init, only(inside, "mdia")), "mdhd");
            int scaleAt = mdhd.offset() + (init[mdhd.offset() + 8] == 1 ? 28 : 20);
            scales.put(track, Integer.toUnsignedLong(buffer.getInt(scaleAt)));
        }
        return scales;
    }

    /** One fragment as the download's index sees it: its size and the video time it covers (track timescale). */
    record Reference(long bytes, long durationTicks) {}

    /**
     * The download's head: the init section with the movie's duration set ({@code mvhd}, and a {@code mehd} added to
     * {@code mvex}), then a {@code sidx} with one reference per fragment that follows it (per run of fragments
     * beyond 65,535 of them), each starting with a keyframe.
     */
    static byte[] head(
            byte[] init,
            long durationMicros,
            int referenceTrack,
            long timescale,
            long earliestTicks,
            List<Reference> references) {
        List<Box> top = boxes(init, 0, init.length);
        Box moov = only(top, "moov");
        List<Box> movie = children(init, moov);
        Box mvhd = only(movie, "mvhd");
        Box mvex = only(movie, "mvex");
        byte[] out = new byte[init.length + 20];
        ByteBuffer buffer = ByteBuffer.wrap(out);
        // Everything up to mvex's children, the new mehd, the rest.
        int insertAt = mvex.offset() + 8;
        System.arraycopy(init, 0, out, 0, insertAt);
        System.arraycopy(init, insertAt, out, insertAt + 20, init.length - insertAt);
        buffer.putInt(moov.offset(), moov.size() + 20);
        buffer.putInt(mvex.offset(), mvex.size() + 20);
        boolean v1 = init[mvhd.offset() + 8] == 1;
        int scaleAt = mvhd.offset() + (v1 ? 28 : 20);
        long movieScale = Integer.toUnsignedLong(buffer.getInt(scaleAt));
        long movieDuration = durationMicros * movieScale / 1_000_000;
        if (v1) {
            buffer.putLong(scaleAt + 4, movieDuration);
        } else {
            buffer.putInt(scaleAt + 4, (int) Math.min(0xFFFFFFFFL, movieDuration));
        }
        buffer.putInt(insertAt, 20).put(insertAt + 4, (byte) 'm');
        out[insertAt + 5] = 'e';
        out[insertAt + 6] = 'h';
        out[insertAt + 7] = 'd';
        buffer.putInt(insertAt + 8, 0x01000000); // version 1, no flags
        buffer.putLong(insertAt + 12, movieDuration);

        // An index holds at most 65,535 references (about 36 h of 2 s fragments); a reference may span several
        // fragments in a row (a subsegment is any run of them), so a longer live's references span two or more.
        int perReference = (references.size() + 0xFFFE) / 0xFFFF;
        if (perReference > 1) {
            List<Reference> spans = new java.util.ArrayList<>();
            for (int i = 0; i < references.size(); i += perReference) {
                List<Reference> run = references.subList(i, Math.min(references.size(), i + perReference));
                spans.add(new Reference(
                        run.stream().mapToLong(Reference::bytes).sum(),
                        run.stream().mapToLong(Reference::durationTicks).sum()));
            }
            references = spans;
        }
        ByteArrayOutputStream sidx = new ByteArrayOutputStream();
        int size = 8 + 4 + 4 + 4 + 8 + 8 + 2 + 2 + 12 * references.size();
        ByteBuffer box = ByteBuffer.allocate(size);
        box.putInt(size).put("sidx".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        box.putInt(0x01000000); // version 1
        box.putInt(referenceTrack).putInt((int) timescale);
        box.putLong(earliestTicks).putLong(0); // the first fragment follows the index
        box.putShort((short) 0).putShort((short) references.size());
        for (Reference reference : references) {
            if (reference.bytes() >= 1L << 31 || reference.durationTicks() > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("a fragment (or run of them) too large for the index: " + reference);
            }
            box.putInt((int) reference.bytes());
            box.putInt((int) reference.durationTicks());
            box.putInt(0x90000000); // starts with a SAP of type 1: a keyframe
        }
        sidx.writeBytes(out);
        sidx.writeBytes(box.array());
        return sidx.toByteArray();
    }
}
