package io.stagepass.pipeline.lake;

import io.stagepass.platform.lake.LakeFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * What the committer does once a checkpoint is complete, in this order: write the record of a {@code compaction}
 * (if any), copy the staged object {@code source} to its place in the lake, {@code target} (if any), then delete
 * {@code deletes} (staged objects, files a compaction replaced, records no reader needs any more). Repeating it
 * changes nothing.
 *
 * @param records events published for the first time (a compaction's rewritten rows are not counted again)
 */
record LakeCommit(String source, String target, List<String> deletes, long records, LakeFiles.Compaction compaction) {
    LakeCommit(String source, String target, List<String> deletes, long records) {
        this(source, target, deletes, records, null);
    }

    /** Only deletes. */
    static LakeCommit deleting(List<String> keys) {
        return new LakeCommit(null, null, List.copyOf(keys), 0, null);
    }

    static final class Serializer implements SimpleVersionedSerializer<LakeCommit> {
        @Override
        public int getVersion() {
            return 2;
        }

        @Override
        public byte[] serialize(LakeCommit commit) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                writeOptional(out, commit.source());
                writeOptional(out, commit.target());
                out.writeLong(commit.records());
                StateStrings.write(out, commit.deletes());
                out.writeBoolean(commit.compaction() != null);
                if (commit.compaction() != null) {
                    out.writeUTF(commit.compaction().added());
                    StateStrings.write(out, commit.compaction().replaced());
                }
            }
            return bytes.toByteArray();
        }

        /** Version 1 always had a source and a target, and no compaction. */
        @Override
        public LakeCommit deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1 && version != 2) {
                throw new IOException("unknown lake commit version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                String source = version == 1 ? in.readUTF() : readOptional(in);
                String target = version == 1 ? in.readUTF() : readOptional(in);
                long records = in.readLong();
                List<String> deletes = StateStrings.read(in);
                LakeFiles.Compaction compaction = version == 2 && in.readBoolean()
                        ? new LakeFiles.Compaction(in.readUTF(), StateStrings.read(in))
                        : null;
                return new LakeCommit(source, target, deletes, records, compaction);
            }
        }

        private static void writeOptional(DataOutputStream out, String value) throws IOException {
            out.writeBoolean(value != null);
            if (value != null) {
                out.writeUTF(value);
            }
        }

        private static String readOptional(DataInputStream in) throws IOException {
            return in.readBoolean() ? in.readUTF() : null;
        }
    }
}
