package io.stagepass.pipeline.lake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Publish one finished file once its checkpoint is complete: copy the staged object {@code source} to its place
 * in the lake, {@code target}, then delete the staged objects. Repeating it changes nothing.
 */
record LakeCommit(String source, String target, List<String> deletes, long records) {
    static final class Serializer implements SimpleVersionedSerializer<LakeCommit> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(LakeCommit commit) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(commit.source());
                out.writeUTF(commit.target());
                out.writeLong(commit.records());
                out.writeInt(commit.deletes().size());
                for (String key : commit.deletes()) {
                    out.writeUTF(key);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public LakeCommit deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown lake commit version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                String source = in.readUTF();
                String target = in.readUTF();
                long records = in.readLong();
                List<String> deletes = new ArrayList<>();
                for (int i = in.readInt(); i > 0; i--) {
                    deletes.add(in.readUTF());
                }
                return new LakeCommit(source, target, deletes, records);
            }
        }
    }
}
