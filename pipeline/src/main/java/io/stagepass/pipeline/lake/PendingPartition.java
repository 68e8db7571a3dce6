package io.stagepass.pipeline.lake;

import io.stagepass.events.Topic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A partition-hour a writer has staged parts of and not published yet: the writer's checkpointed state. The parts
 * are durable objects under {@code _staging/} in the lake bucket, so a restored writer (on any machine) can still
 * publish them.
 */
final class PendingPartition {
    final LakePartition partition;
    final List<String> partKeys = new ArrayList<>();
    long bytes;
    long records;
    long lastWriteMillis;

    PendingPartition(LakePartition partition) {
        this.partition = partition;
    }

    static final class Serializer implements SimpleVersionedSerializer<PendingPartition> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(PendingPartition pending) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(pending.partition.topic().name());
                out.writeLong(pending.partition.hourStartMillis());
                out.writeLong(pending.bytes);
                out.writeLong(pending.records);
                out.writeLong(pending.lastWriteMillis);
                out.writeInt(pending.partKeys.size());
                for (String key : pending.partKeys) {
                    out.writeUTF(key);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public PendingPartition deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown lake writer state version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                PendingPartition pending =
                        new PendingPartition(new LakePartition(Topic.valueOf(in.readUTF()), in.readLong()));
                pending.bytes = in.readLong();
                pending.records = in.readLong();
                pending.lastWriteMillis = in.readLong();
                for (int i = in.readInt(); i > 0; i--) {
                    pending.partKeys.add(in.readUTF());
                }
                return pending;
            }
        }
    }
}
