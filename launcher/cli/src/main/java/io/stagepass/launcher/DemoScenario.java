package io.stagepass.launcher;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.stagepass.events.BeaconType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.events.ViewMode;
import io.stagepass.events.kafka.EventPublisher;
import io.stagepass.events.kafka.TopicReader;
import io.stagepass.events.s3.Bucket;
import io.stagepass.events.s3.ObjectStore;
import io.stagepass.pipeline.activity.TopicActivityJob;
import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo's scripted scenario against a running stack: a creator schedules a live, streams a few segments
 * (bytes to the object store, facts to Kafka), viewers come and go, tickets are bought and one is refunded,
 * the live ends. Then it checks that every event arrived on its topic and that the pipeline counted them.
 */
final class DemoScenario {
    /** Long enough for a 10 s activity window to close and a checkpoint to commit it. */
    static final Duration PIPELINE_WAIT = Duration.ofSeconds(90);

    private final Stack stack;
    private final PrintStream out;

    DemoScenario(Stack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /** Runs the scenario; returns true when every event arrived and was counted by the pipeline. */
    boolean run() throws Exception {
        Map<Topic, Map<TopicPartition, Long>> before = new EnumMap<>(Topic.class);
        Map<Topic, Map<TopicPartition, Long>> activityStart = new EnumMap<>(Topic.class);
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            for (Topic topic : Topic.values()) {
                before.put(topic, reader.endOffsets(topic));
            }
        }
        activityStart.put(Topic.TOPIC_ACTIVITY, before.get(Topic.TOPIC_ACTIVITY));
        Map<Topic, Integer> sent = produce();

        out.println("Reading every topic back (read_committed):");
        boolean allArrived = true;
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            for (Map.Entry<Topic, Integer> entry : sent.entrySet()) {
                Topic topic = entry.getKey();
                List<ConsumerRecord<String, byte[]>> records = reader.readFrom(topic, before.get(topic), Duration.ofSeconds(30));
                EventCodec<?> codec = EventCodec.of(topic.valueType());
                records.forEach(record -> codec.decode(record.value()));
                boolean ok = records.size() == entry.getValue();
                allArrived &= ok;
                out.printf("  %-32s sent %3d  read back %3d  %s%n", topic.topicName(), entry.getValue(), records.size(), ok ? "ok" : "MISSING");
            }
        }
        return allArrived & awaitActivity(sent, before.get(Topic.TOPIC_ACTIVITY));
    }

    private Map<Topic, Integer> produce() throws Exception {
        String creatorId = Ids.newId("creator");
        String liveId = Ids.newId("live");
        Map<Topic, Integer> sent = new EnumMap<>(Topic.class);
        List<CompletableFuture<?>> acks = new ArrayList<>();
        out.println("Demo live " + liveId + " by " + creatorId + ":");
        try (EventPublisher publisher = new EventPublisher(stack.kafka(), "stagepass-demo");
             MinioClient s3 = ObjectStore.client(stack.s3())) {
            acks.add(send(publisher, sent, Topic.CREATORS, creatorId, SampleEvents.creator(creatorId).build()));
            acks.add(send(publisher, sent, Topic.LIVES, liveId, SampleEvents.live(liveId, creatorId).build()));
            acks.add(send(publisher, sent, Topic.LIVES, liveId, SampleEvents.live(liveId, creatorId)
                    .setType(LiveEventType.STARTED).setStartedAt(Instant.now()).build()));
            for (long sequence = 0; sequence < 3; sequence++) {
                acks.add(send(publisher, sent, Topic.SEGMENTS, liveId, storeSegment(s3, liveId, sequence)));
            }
            out.println("  3 segments stored in bucket '" + Bucket.SEGMENTS.bucketName() + "'");
            for (int viewer = 0; viewer < 4; viewer++) {
                String session = Ids.newId("session");
                for (BeaconType type : List.of(BeaconType.PAGE_VIEW, BeaconType.VIEW_START, BeaconType.HEARTBEAT, BeaconType.VIEW_END)) {
                    acks.add(send(publisher, sent, Topic.BEACONS, liveId, SampleEvents.beacon(liveId, session)
                            .setType(type).setMode(type == BeaconType.PAGE_VIEW ? ViewMode.PAGE : ViewMode.LIVE).build()));
                }
            }
            out.println("  4 viewers: page view, start, heartbeat, end");
            for (int ticket = 0; ticket < 3; ticket++) {
                acks.add(send(publisher, sent, Topic.PAYMENTS, liveId, SampleEvents.payment(liveId, Ids.newId("cs")).build()));
            }
            acks.add(send(publisher, sent, Topic.PAYMENTS, liveId, SampleEvents.payment(liveId, Ids.newId("cs"))
                    .setType(PaymentEventType.CHARGE_REFUNDED).setFullyRefunded(true).setRefundedTotalMinor(SampleEvents.TICKET_PRICE_MINOR).build()));
            out.printf("  3 tickets sold at %d EUR cents, 1 refunded%n", SampleEvents.TICKET_PRICE_MINOR);
            acks.add(send(publisher, sent, Topic.LIVES, liveId, SampleEvents.live(liveId, creatorId)
                    .setType(LiveEventType.ENDED).setEndedAt(Instant.now()).setEndReason(LiveEndReason.ENDLIST).build()));
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        out.println("  live ended; all events acknowledged by Kafka (acks=all)");
        return sent;
    }

    private static CompletableFuture<?> send(EventPublisher publisher, Map<Topic, Integer> sent, Topic topic, String key,
                                             org.apache.avro.specific.SpecificRecord event) {
        sent.merge(topic, 1, Integer::sum);
        return publisher.publish(topic, key, event);
    }

    private static SegmentStored storeSegment(MinioClient s3, String liveId, long sequence) throws Exception {
        byte[] bytes = new byte[188 * 50];
        for (int i = 0; i < bytes.length; i += 188) {
            bytes[i] = 0x47; // MPEG-TS sync byte
        }
        SegmentStored segment = SampleEvents.segment(liveId, sequence).setByteSize(bytes.length)
                .setSha256(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).build();
        s3.putObject(PutObjectArgs.builder().bucket(Bucket.SEGMENTS.bucketName()).object(segment.getObjectKey())
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).contentType("video/mp2t").build());
        return segment;
    }

    /** Waits until the topic-activity job has counted at least what was sent to each topic. */
    private boolean awaitActivity(Map<Topic, Integer> sent, Map<TopicPartition, Long> start) throws InterruptedException {
        out.printf("Waiting for the pipeline's topic-activity counts (%d s windows, committed on checkpoint)...%n",
                TopicActivityJob.WINDOW.toSeconds());
        EventCodec<TopicActivity> codec = EventCodec.of(TopicActivity.class);
        long deadline = System.nanoTime() + PIPELINE_WAIT.toNanos();
        Map<String, Long> counted = Map.of();
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            while (System.nanoTime() < deadline) {
                Map<String, Long> totals = new java.util.TreeMap<>();
                for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.TOPIC_ACTIVITY, start, Duration.ofSeconds(10))) {
                    TopicActivity activity = codec.decode(record.value());
                    totals.merge(activity.getTopic(), activity.getRecords(), Long::sum);
                }
                counted = totals;
                if (sent.entrySet().stream().allMatch(e -> totals.getOrDefault(e.getKey().topicName(), 0L) >= e.getValue())) {
                    counted.forEach((topic, records) -> out.printf("  %-32s %3d records counted%n", topic, records));
                    return true;
                }
                Thread.sleep(1000);
            }
        }
        out.println("  the pipeline did not count every event within " + PIPELINE_WAIT.toSeconds() + " s; counted: " + counted);
        return false;
    }
}
