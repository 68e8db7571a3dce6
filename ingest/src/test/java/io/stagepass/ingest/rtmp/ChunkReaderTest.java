package io.stagepass.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class ChunkReaderTest {
    private static final int LIMIT = 1024 * 1024;

    private static ChunkReader reader(Chunks chunks) {
        return new ChunkReader(new ByteArrayInputStream(chunks.toByteArray()), LIMIT, 8, 2L * LIMIT);
    }

    private static byte[] payload(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    @Test
    void reassemblesAMessageSplitIntoChunksOfTheDefaultSize() throws Exception {
        byte[] frame = payload(1000, 1);
        ChunkReader reader = reader(new Chunks().message(6, 40, RtmpMessage.VIDEO, 1, frame, 128));

        RtmpMessage message = reader.next();

        assertThat(message.type()).isEqualTo(RtmpMessage.VIDEO);
        assertThat(message.streamId()).isEqualTo(1);
        assertThat(message.timestamp()).isEqualTo(40);
        assertThat(message.payload()).isEqualTo(frame);
    }

    @Test
    void interleavedChunkStreamsEachKeepTheirOwnMessage() throws Exception {
        byte[] video = payload(200, 2);
        byte[] audio = payload(150, 3);
        Chunks chunks = new Chunks()
                .full(6, 0, 200, RtmpMessage.VIDEO, 1)
                .bytes(video, 0, 128)
                .full(4, 0, 150, RtmpMessage.AUDIO, 1)
                .bytes(audio, 0, 128)
                .continuation(6)
                .bytes(video, 128, 72)
                .continuation(4)
                .bytes(audio, 128, 22);
        ChunkReader reader = reader(chunks);

        RtmpMessage first = reader.next();
        RtmpMessage second = reader.next();

        assertThat(first.type()).isEqualTo(RtmpMessage.VIDEO);
        assertThat(first.payload()).isEqualTo(video);
        assertThat(second.type()).isEqualTo(RtmpMessage.AUDIO);
        assertThat(second.payload()).isEqualTo(audio);
    }

    @Test
    void timestampsFollowDeltasOfEveryHeaderForm() throws Exception {
        byte[] frame = payload(10, 4);
        Chunks chunks = new Chunks()
                .full(4, 1000, 10, RtmpMessage.AUDIO, 1)
                .bytes(frame)
                .sameStream(4, 23, 10, RtmpMessage.AUDIO)
                .bytes(frame)
                .deltaOnly(4, 24)
                .bytes(frame)
                .continuation(4) // a new message, moving on by the last delta
                .bytes(frame);
        ChunkReader reader = reader(chunks);

        long[] timestamps = {
            reader.next().timestamp(),
            reader.next().timestamp(),
            reader.next().timestamp(),
            reader.next().timestamp()
        };

        assertThat(timestamps).containsExactly(1000, 1023, 1047, 1071);
    }

    @Test
    void extendedTimestampsAreReadAlsoOnContinuationChunks() throws Exception {
        byte[] frame = payload(300, 5);
        long late = 0x1_2345_678L; // past the 24-bit field: about 3.4 days into a stream
        ChunkReader reader = reader(new Chunks().message(6, late, RtmpMessage.VIDEO, 1, frame, 128));

        RtmpMessage message = reader.next();

        assertThat(message.timestamp()).isEqualTo(late);
        assertThat(message.payload()).isEqualTo(frame);
    }

    @Test
    void followsAChunkSizeThePeerSets() throws Exception {
        byte[] frame = payload(5000, 6);
        Chunks chunks = new Chunks().message(6, 0, RtmpMessage.VIDEO, 1, frame, 4096);
        ChunkReader reader = reader(chunks);
        reader.setChunkSize(4096);

        assertThat(reader.next().payload()).isEqualTo(frame);
    }

    @Test
    void anAbortDropsThePartialMessage() throws Exception {
        byte[] dropped = payload(300, 7);
        byte[] kept = payload(20, 8);
        Chunks chunks = new Chunks()
                .full(6, 0, 300, RtmpMessage.VIDEO, 1)
                .bytes(dropped, 0, 128)
                .full(2, 0, 4, RtmpMessage.ABORT, 0)
                .u32(6)
                .full(6, 40, 20, RtmpMessage.VIDEO, 1)
                .bytes(kept);
        ChunkReader reader = reader(chunks);

        RtmpMessage abort = reader.next();
        assertThat(abort.type()).isEqualTo(RtmpMessage.ABORT);
        reader.abort(6);
        RtmpMessage next = reader.next();

        assertThat(next.timestamp()).isEqualTo(40);
        assertThat(next.payload()).isEqualTo(kept);
    }

    @Test
    void aNewHeaderInTheMiddleOfAMessageIsRefused() {
        Chunks chunks = new Chunks()
                .full(6, 0, 300, RtmpMessage.VIDEO, 1)
                .bytes(new byte[128])
                .full(6, 40, 20, RtmpMessage.VIDEO, 1)
                .bytes(new byte[20]);

        assertThatThrownBy(reader(chunks)::next)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("in the middle of a message");
    }

    @Test
    void aMessageLargerThanTheLimitIsRefusedFromItsHeader() {
        // 16 MiB - 1 declared, no bytes sent: refused before anything is allocated for it
        ChunkReader reader = reader(new Chunks().full(6, 0, 0xFFFFFF, RtmpMessage.VIDEO, 1));

        assertThatThrownBy(reader::next)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("16777215 bytes is larger than the limit");
    }

    @Test
    void aChunkSizeOutsideTheSpecIsRefused() {
        ChunkReader reader = reader(new Chunks());

        assertThatThrownBy(() -> reader.setChunkSize(0x8000_0000L)).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader.setChunkSize(0)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void tooManyChunkStreamsAreRefused() {
        Chunks chunks = new Chunks();
        for (int id = 3; id < 3 + 9; id++) {
            chunks.full(id, 0, 1000, RtmpMessage.VIDEO, 1).bytes(new byte[128]);
        }
        ChunkReader reader = reader(chunks);

        assertThatThrownBy(reader::next)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("more than 8 chunk streams");
    }

    @Test
    void unfinishedMessagesTogetherAreBounded() {
        Chunks chunks = new Chunks();
        for (int id = 3; id < 8; id++) { // five half-sent messages of 1 MiB: more than 2 MiB pending
            chunks.full(id, 0, LIMIT, RtmpMessage.VIDEO, 1).bytes(new byte[128]);
        }
        ChunkReader reader = new ChunkReader(new ByteArrayInputStream(chunks.toByteArray()), LIMIT, 8, 600);
        assertThatThrownBy(reader::next)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("unfinished messages would hold more than 600 bytes");
    }

    @Test
    void aStreamThatStartsWithoutAFullHeaderIsRefused() {
        ChunkReader reader = reader(new Chunks().deltaOnly(6, 40).bytes(new byte[10]));

        assertThatThrownBy(reader::next)
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("starts without a full header");
    }
}
