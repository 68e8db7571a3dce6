package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FragmentsTest {
    private static byte[] box(String type, byte[]... children) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] child : children) {
            body.writeBytes(child);
        }
        ByteBuffer out = ByteBuffer.allocate(8 + body.size());
        out.putInt(8 + body.size())
                .put(type.getBytes(StandardCharsets.ISO_8859_1))
                .put(body.toByteArray());
        return out.array();
    }

    private static byte[] fields(int... words) {
        ByteBuffer out = ByteBuffer.allocate(4 * words.length);
        for (int word : words) {
            out.putInt(word);
        }
        return out.array();
    }

    /** tfhd (track id), tfdt version 1 (64-bit time). */
    private static byte[] traf(int track, long time) {
        byte[] tfdt = ByteBuffer.allocate(12).putInt(0x01000000).putLong(time).array();
        return box("traf", box("tfhd", fields(0x00020000, track)), box("tfdt", tfdt));
    }

    private static byte[] fragment() {
        return concat(
                box("moof", box("mfhd", fields(0, 1)), traf(1, 0), traf(2, 0)), box("mdat", new byte[] {1, 2, 3}));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** mvhd version 0: flags, created, modified, timescale 1000, duration 0. */
    private static byte[] init() {
        byte[] mvhd = box("mvhd", fields(0, 0, 0, 1000, 0));
        return concat(box("ftyp", fields(0x69736f6d)), box("moov", mvhd, box("mvex", box("trex", fields(0, 1)))));
    }

    @Test
    void aMuxedSegmentSplitsIntoItsInitSectionAndItsOneFragment() {
        byte[] init = init();
        byte[] fragment = fragment();
        Fragments.Split split = Fragments.split(concat(init, fragment, box("mfra", new byte[4])));
        assertThat(split.init()).isEqualTo(init);
        assertThat(split.fragment()).isEqualTo(fragment);
        assertThatThrownBy(() -> Fragments.split(concat(init, fragment, fragment)))
                .hasMessageContaining("one fragment");
    }

    @Test
    void placingAFragmentSetsItsSequenceAndEachTracksDecodeTime() {
        byte[] fragment = fragment();
        Fragments.place(fragment, 42, Map.of(1, 900_000L, 2, 5_000_000_000L));
        assertThat(Fragments.sequence(fragment)).isEqualTo(42);
        assertThat(Fragments.decodeTimes(fragment)).isEqualTo(Map.of(1, 900_000L, 2, 5_000_000_000L));
        assertThatThrownBy(() -> Fragments.place(fragment(), 1, Map.of(1, 0L)))
                .hasMessageContaining("no decode time for track 2");
    }

    @Test
    void theDownloadsHeadCarriesTheDurationAndIndexesEveryFragment() {
        byte[] head = Fragments.head(
                init(),
                90_000_000,
                1,
                90_000,
                0,
                List.of(new Fragments.Reference(1000, 180_000), new Fragments.Reference(2000, 179_999)));
        List<Fragments.Box> top = Fragments.boxes(head, 0, head.length);
        assertThat(top).extracting(Fragments.Box::type).containsExactly("ftyp", "moov", "sidx");
        ByteBuffer buffer = ByteBuffer.wrap(head);
        Fragments.Box moov = top.get(1);
        List<Fragments.Box> movie = Fragments.children(head, moov);
        assertThat(movie).extracting(Fragments.Box::type).containsExactly("mvhd", "mvex");
        assertThat(buffer.getInt(movie.get(0).offset() + 24))
                .as("mvhd duration, ms")
                .isEqualTo(90_000);
        List<Fragments.Box> extends_ = Fragments.children(head, movie.get(1));
        assertThat(extends_).extracting(Fragments.Box::type).containsExactly("mehd", "trex");
        assertThat(buffer.getLong(extends_.get(0).offset() + 12)).isEqualTo(90_000);
        Fragments.Box sidx = top.get(2);
        assertThat(buffer.getInt(sidx.offset() + 16)).as("timescale").isEqualTo(90_000);
        assertThat(buffer.getShort(sidx.offset() + 38)).as("references").isEqualTo((short) 2);
        assertThat(buffer.getInt(sidx.offset() + 40)).as("first size").isEqualTo(1000);
        assertThat(buffer.getInt(sidx.offset() + 44)).as("first duration").isEqualTo(180_000);
        assertThat(buffer.getInt(sidx.offset() + 52)).isEqualTo(2000);
        assertThat(sidx.end()).isEqualTo(head.length);
    }

    @Test
    void aLiveTooLongForOneReferencePerFragmentHasReferencesSpanningSeveral() {
        // 70,000 fragments of 2 s (about 39 h): more than an index's 65,535 references.
        List<Fragments.Reference> fragments = new java.util.ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            fragments.add(new Fragments.Reference(1000 + i % 7, 180_000 + i % 3));
        }
        byte[] head = Fragments.head(init(), 140_000_000_000L, 1, 90_000, 0, fragments);
        List<Fragments.Box> top = Fragments.boxes(head, 0, head.length);
        Fragments.Box sidx = top.get(2);
        ByteBuffer buffer = ByteBuffer.wrap(head);
        int count = Short.toUnsignedInt(buffer.getShort(sidx.offset() + 38));
        assertThat(count).as("references, two fragments each").isEqualTo(35_000);
        long bytes = 0;
        long ticks = 0;
        for (int i = 0; i < count; i++) {
            bytes += Integer.toUnsignedLong(buffer.getInt(sidx.offset() + 40 + 12 * i));
            ticks += Integer.toUnsignedLong(buffer.getInt(sidx.offset() + 44 + 12 * i));
        }
        assertThat(buffer.getInt(sidx.offset() + 40))
                .as("the first two fragments")
                .isEqualTo(1000 + 1001);
        assertThat(bytes)
                .as("every fragment's bytes, once")
                .isEqualTo(
                        fragments.stream().mapToLong(Fragments.Reference::bytes).sum());
        assertThat(ticks)
                .isEqualTo(fragments.stream()
                        .mapToLong(Fragments.Reference::durationTicks)
                        .sum());
        assertThat(sidx.end()).isEqualTo(head.length);
    }
}
