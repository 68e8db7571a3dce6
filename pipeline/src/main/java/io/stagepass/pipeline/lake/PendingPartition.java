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
 * What a writer remembers of a partition-hour: the writer's checkpointed state. The parts it staged and has not
 * published yet (durable objects under {@code _staging/}, so a restored writer on any machine can still publish
 * them), the rolling files it published for the hour (to compact them once the hour is quiet), and the compaction
 * records it will delete once readers no longer need them.
 */
final class PendingPartition {
    final LakePartition partition;
    final List<String> partKeys = new ArrayList<>();
    /** Size and events of the parts not published yet. */
    long bytes;

    long records;
    long lastWriteMillis;
    /** When the oldest part not published yet was staged; 0 when there is none. */
    long firstStagedMillis;

    final List<Published> published = new ArrayList<>();
    /** Objects to delete at {@link #retireAtMillis}. */
    final List<String> retiring = new ArrayList<>();

    long retireAtMillis;

    PendingPartition(LakePartition partition) {
        this.partition = partition;
    }

    /** A rolling file this writer published for the hour: its key in the lake and the staged object it came from. */
    record Published(String target, String source, long bytes, long records) {}

    /** Nothing left to publish, compact or delete. */
    boolean isDone() {
        return partKeys.isEmpty() && published.isEmpty() && retiring.isEmpty();
    }

    /** Adds what another writer remembered of the same hour (after a change of parallelism). */
    void absorb(PendingPartition other) {
        partKeys.addAll(other.partKeys);
        bytes += other.bytes;
        records += other.records;
        if (other.firstStagedMillis != 0) {
            firstStagedMillis = firstStagedMillis == 0
                    ? other.firstStagedMillis
                    : Math.min(firstStagedMillis, other.firstStagedMillis);
        }
        published.addAll(other.published);
        retiring.addAll(other.retiring);
        retireAtMillis = Math.max(retireAtMillis, other.retireAtMillis);
    }

    static final class Serializer implements SimpleVersionedSerializer<PendingPartition> {
        @Override
        public int getVersion() {
            return 2;
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
                StateStrings.write(out, pending.partKeys);
                out.writeLong(pending.firstStagedMillis);
                out.writeInt(pending.published.size());
                for (Published file : pending.published) {
                    out.writeUTF(file.target());
                    out.writeUTF(file.source());
                    out.writeLong(file.bytes());
                    out.writeLong(file.records());
                }
                StateStrings.write(out, pending.retiring);
                out.writeLong(pending.retireAtMillis);
            }
            return bytes.toByteArray();
        }

        /** Version 1 (before rolling files) had the fields up to the part keys. */
        @Override
        public PendingPartition deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1 && version != 2) {
                throw new IOException("unknown lake writer state version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                PendingPartition pending =
                        new PendingPartition(new LakePartition(Topic.valueOf(in.readUTF()), in.readLong()));
                pending.bytes = in.readLong();
                pending.records = in.readLong();
                pending.lastWriteMillis = in.readLong();
                pending.partKeys.addAll(StateStrings.read(in));
                if (version == 1) {
                    pending.firstStagedMillis = pending.partKeys.isEmpty() ? 0 : pending.lastWriteMillis;
                    return pending;
                }
                pending.firstStagedMillis = in.readLong();
                for (int i = in.readInt(); i > 0; i--) {
                    pending.published.add(new Published(in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
                }
                pending.retiring.addAll(StateStrings.read(in));
                pending.retireAtMillis = in.readLong();
                return pending;
            }
        }
    }
}
