package io.stagepass.pipeline.lake;

import io.stagepass.events.Topic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * What a writer remembers of a partition-hour: the writer's checkpointed state. The parts it staged and has not
 * published yet (durable objects under {@code _staging/}, so a restored writer on any machine can still publish
 * them), the rolling files it published for the hour (to compact them once the hour is quiet), and the compaction
 * records it will delete once readers no longer need them. A value: each step makes a new one.
 *
 * @param lastWriteMillis when a part was last staged for the hour, or the writer restored: its quiet time counts
 *                        from then
 * @param published       rolling files published for the hour and not compacted yet
 * @param retiring        objects to delete at {@code retireAtMillis}
 */
record PendingPartition(
        LakePartition partition,
        Parts parts,
        long lastWriteMillis,
        List<Published> published,
        List<String> retiring,
        long retireAtMillis) {
    PendingPartition {
        published = List.copyOf(published);
        retiring = List.copyOf(retiring);
    }

    /** Nothing remembered yet. */
    static PendingPartition of(LakePartition partition) {
        return new PendingPartition(partition, Parts.NONE, 0, List.of(), List.of(), 0);
    }

    /**
     * Staged parts not published yet, and their size and events.
     *
     * @param firstStagedMillis when the oldest was staged; 0 when there is none
     */
    record Parts(List<String> keys, long bytes, long records, long firstStagedMillis) {
        static final Parts NONE = new Parts(List.of(), 0, 0, 0);

        Parts {
            keys = List.copyOf(keys);
        }

        boolean isEmpty() {
            return keys.isEmpty();
        }

        Parts plus(String key, long partBytes, long partRecords, long stagedAtMillis) {
            return new Parts(
                    concat(keys, List.of(key)),
                    bytes + partBytes,
                    records + partRecords,
                    isEmpty() ? stagedAtMillis : firstStagedMillis);
        }

        Parts plus(Parts other) {
            long firstStaged = firstStagedMillis;
            if (other.firstStagedMillis != 0) {
                firstStaged =
                        firstStaged == 0 ? other.firstStagedMillis : Math.min(firstStaged, other.firstStagedMillis);
            }
            return new Parts(concat(keys, other.keys), bytes + other.bytes, records + other.records, firstStaged);
        }
    }

    /** A rolling file this writer published for the hour: its key in the lake and the staged object it came from. */
    record Published(String target, String source, long bytes, long records) {}

    /** A part staged now: the hour is not quiet. */
    PendingPartition withPartStaged(String key, long bytes, long records, long nowMillis) {
        return new PendingPartition(
                partition, parts.plus(key, bytes, records, nowMillis), nowMillis, published, retiring, retireAtMillis);
    }

    /** The quiet time starts again from {@code nowMillis} (a restore: the events after the checkpoint come again). */
    PendingPartition withLastWriteMillis(long nowMillis) {
        return new PendingPartition(partition, parts, nowMillis, published, retiring, retireAtMillis);
    }

    /** The parts went into a file that closes the hour: nothing to remember of them. */
    PendingPartition withPartsPublished() {
        return new PendingPartition(partition, Parts.NONE, lastWriteMillis, published, retiring, retireAtMillis);
    }

    /** The parts went into a rolling file, remembered to compact it once the hour is quiet. */
    PendingPartition withRollingFile(Published file) {
        return new PendingPartition(
                partition, Parts.NONE, lastWriteMillis, concat(published, List.of(file)), retiring, retireAtMillis);
    }

    /** The rolling files and parts were compacted into one file; its record is deleted at {@code retireAtMillis}. */
    PendingPartition withCompaction(String recordKey, long retireAtMillis) {
        return new PendingPartition(
                partition,
                Parts.NONE,
                lastWriteMillis,
                List.of(),
                concat(retiring, List.of(recordKey)),
                retireAtMillis);
    }

    /** The rolling files stay as they are: nothing to compact them with. */
    PendingPartition withoutRollingFiles() {
        return new PendingPartition(partition, parts, lastWriteMillis, List.of(), retiring, retireAtMillis);
    }

    /** The objects to retire were deleted. */
    PendingPartition withoutRetiring() {
        return new PendingPartition(partition, parts, lastWriteMillis, published, List.of(), retireAtMillis);
    }

    /** Nothing left to publish, compact or delete. */
    boolean isDone() {
        return parts.isEmpty() && published.isEmpty() && retiring.isEmpty();
    }

    /**
     * This and what another writer remembered of the same hour (after a change of parallelism); the last write is
     * this one's.
     */
    PendingPartition plus(PendingPartition other) {
        return new PendingPartition(
                partition,
                parts.plus(other.parts),
                lastWriteMillis,
                concat(published, other.published),
                concat(retiring, other.retiring),
                Math.max(retireAtMillis, other.retireAtMillis));
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }

    /** The bytes of versions 1 and 2, which checkpoints and savepoints hold: field by field, unchanged. */
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
                out.writeLong(pending.parts.bytes());
                out.writeLong(pending.parts.records());
                out.writeLong(pending.lastWriteMillis);
                StateStrings.write(out, pending.parts.keys());
                out.writeLong(pending.parts.firstStagedMillis());
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
                LakePartition partition = new LakePartition(Topic.valueOf(in.readUTF()), in.readLong());
                long bytes = in.readLong();
                long records = in.readLong();
                long lastWriteMillis = in.readLong();
                List<String> partKeys = StateStrings.read(in);
                if (version == 1) {
                    long firstStaged = partKeys.isEmpty() ? 0 : lastWriteMillis;
                    Parts parts = new Parts(partKeys, bytes, records, firstStaged);
                    return new PendingPartition(partition, parts, lastWriteMillis, List.of(), List.of(), 0);
                }
                Parts parts = new Parts(partKeys, bytes, records, in.readLong());
                List<Published> published = new ArrayList<>();
                for (int i = in.readInt(); i > 0; i--) {
                    published.add(new Published(in.readUTF(), in.readUTF(), in.readLong(), in.readLong()));
                }
                List<String> retiring = StateStrings.read(in);
                return new PendingPartition(partition, parts, lastWriteMillis, published, retiring, in.readLong());
            }
        }
    }
}
