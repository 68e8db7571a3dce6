package io.stagepass.ingest;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.Bucket;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.TicketOffers;
import io.stagepass.events.Topic;
import io.stagepass.ingest.rtmp.RtmpServer;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real broker, a real S3 server and the ingest service on free loopback ports, with helpers to schedule a live
 * and to read back what ingest produced. Each piece can be stopped and started again on the same data.
 */
public final class IngestFixture implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(120);

    private final Path dir;
    public final IngestConfig config;
    public EmbeddedKafka kafka;
    public EmbeddedS3 s3;
    public IngestService ingest;
    private int kafkaPort;

    public static final long MAX_BODY = 8L * 1024 * 1024;
    public static final String TOKEN_SECRET = "fixture-beacon-token-secret-of-32-chars";
    public static final String PLAYER_ORIGIN = "https://player.example";
    public static final String WEBHOOK_SECRET = "whsec_fixture_secret";
    public static final String CHECKOUT_SECRET = "fixture-checkout-offer-secret-32-chars";
    public static final String CONNECT_WEBHOOK_SECRET = "whsec_fixture_connect_secret";
    public static final String STAGE_SECRET = "fixture-stage-token-secret-0123456789abcdef";
    /** Offers as the replay API signs them for this fixture's ingest (a test-mode deployment). */
    public static final TicketOffers OFFERS = new TicketOffers(CHECKOUT_SECRET, false);

    public IngestFixture(Path dir, Duration reconnectWindow) throws Exception {
        this(dir, reconnectWindow, 2L * 1024 * 1024 * 1024);
    }

    public IngestFixture(Path dir, Duration reconnectWindow, long spoolMaxBytes) throws Exception {
        this(dir, reconnectWindow, spoolMaxBytes, "http://127.0.0.1:1");
    }

    /** With Stripe's API answered by a stand-in at {@code stripeApiBase}. */
    public IngestFixture(Path dir, Duration reconnectWindow, long spoolMaxBytes, String stripeApiBase)
            throws Exception {
        this(
                dir,
                reconnectWindow,
                spoolMaxBytes,
                stripeApiBase,
                new IngestConfig.Rtmp(0, RtmpServer.Limits.defaults()));
    }

    /** With these RTMP settings (RTMPS, limits). */
    public IngestFixture(Path dir, Duration reconnectWindow, IngestConfig.Rtmp rtmp) throws Exception {
        this(dir, reconnectWindow, 2L * 1024 * 1024 * 1024, "http://127.0.0.1:1", rtmp);
    }

    private IngestFixture(
            Path dir, Duration reconnectWindow, long spoolMaxBytes, String stripeApiBase, IngestConfig.Rtmp rtmp)
            throws Exception {
        this.dir = dir;
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        kafkaPort = kafka.port();
        s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "test-access", "test-secret-key");
        config = new IngestConfig(
                "127.0.0.1",
                0,
                kafka.settings(),
                s3.settings(),
                dir.resolve("spool"),
                spoolMaxBytes,
                MAX_BODY,
                reconnectWindow,
                Duration.ofSeconds(3),
                4,
                new IngestConfig.Beacons(TOKEN_SECRET, Set.of(PLAYER_ORIGIN), 30),
                new IngestConfig.Stripe(
                        WEBHOOK_SECRET, "sk_test_fixture", stripeApiBase, CHECKOUT_SECRET, CONNECT_WEBHOOK_SECRET),
                rtmp,
                STAGE_SECRET);
        ingest = IngestService.start(config);
    }

    /** Payment facts on the payments topic, as ingest's Stripe webhook writes them (keyed by live), acknowledged. */
    public void payments(io.stagepass.events.PaymentFact.Builder... facts) throws Exception {
        try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
            for (io.stagepass.events.PaymentFact.Builder fact : facts) {
                publisher
                        .publish(Topic.PAYMENTS, fact.getLiveId(), fact.build())
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Schedules a live with a fresh stream key; returns {liveId, streamKey}. */
    public String[] scheduleLive() throws Exception {
        String liveId = Ids.newId("live");
        String key = StreamKeys.newKey();
        publishLive(liveId, LiveEventType.SCHEDULED, key);
        Await.expect(
                "ingest knows the new stream key",
                DEADLINE,
                () -> ingest.catalog().byStreamKey(key).isPresent());
        return new String[] {liveId, key};
    }

    /** The catalog's fact of a live of creator_1 with this type and stream key. */
    /** Another ingest instance ended the live: its ENDED fact is on the catalog, this instance never saw it stream. */
    public void endedElsewhere(String liveId, String streamKey) throws Exception {
        publishLive(liveId, LiveEventType.ENDED, streamKey);
        Await.expect(
                "ingest knows the live ended",
                DEADLINE,
                () -> ingest.catalog()
                        .byId(liveId)
                        .map(l -> l.getType() == LiveEventType.ENDED)
                        .orElse(false));
    }

    private void publishLive(String liveId, LiveEventType type, String streamKey) throws Exception {
        try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
            publisher
                    .publish(
                            Topic.LIVES,
                            liveId,
                            SampleEvents.live(liveId, "creator_1")
                                    .setType(type)
                                    .setStreamKeySha256(StreamKeys.sha256(streamKey))
                                    .build())
                    .get(30, TimeUnit.SECONDS);
        }
    }

    /** The RTMP server URL OBS's "Server" field takes; the stream key goes in "Stream Key". */
    public String rtmpServer() {
        return "rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live";
    }

    public String url(String streamKey, String file) {
        return "http://127.0.0.1:" + ingest.port() + "/live/" + streamKey + "/" + file;
    }

    public List<SegmentStored> segments(String liveId) {
        EventCodec<SegmentStored> codec = EventCodec.of(SegmentStored.class);
        return read(Topic.SEGMENTS).stream()
                .map(codec::decode)
                .filter(s -> s.getLiveId().equals(liveId))
                .toList();
    }

    public List<Live> lifecycle(String liveId) {
        EventCodec<Live> codec = EventCodec.of(Live.class);
        return read(Topic.LIVES).stream()
                .map(codec::decode)
                .filter(l -> l.getLiveId().equals(liveId) && l.getType() != LiveEventType.SCHEDULED)
                .toList();
    }

    /** The stream health facts of a live, oldest first. */
    public List<StreamHealth> health(String liveId) {
        EventCodec<StreamHealth> codec = EventCodec.of(StreamHealth.class);
        return read(Topic.STREAM_HEALTH).stream()
                .map(codec::decode)
                .filter(h -> h.getLiveId().equals(liveId))
                .toList();
    }

    private List<byte[]> read(Topic topic) {
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            return reader.readFrom(topic, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(r -> r.value())
                    .toList();
        }
    }

    public List<String> objects(String liveId) {
        List<String> keys = new ArrayList<>();
        try (MinioClient client = ObjectStore.client(s3.settings())) {
            for (Result<Item> item : client.listObjects(ListObjectsArgs.builder()
                    .bucket(Bucket.SEGMENTS.bucketName())
                    .prefix(liveId + "/")
                    .recursive(true)
                    .build())) {
                keys.add(item.get().objectName());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list objects of " + liveId, e);
        }
        return keys;
    }

    /** Stores {@code bytes} at {@code key} of the segments bucket, as another writer would. */
    public void storeObject(String key, byte[] bytes) throws Exception {
        try (MinioClient client = ObjectStore.client(s3.settings())) {
            client.putObject(io.minio.PutObjectArgs.builder().bucket(Bucket.SEGMENTS.bucketName()).object(key).stream(
                            new java.io.ByteArrayInputStream(bytes), bytes.length, -1)
                    .build());
        }
    }

    /** Writes the object at {@code key} of the segments bucket to {@code file}. */
    public Path download(String key, Path file) throws Exception {
        try (MinioClient client = ObjectStore.client(s3.settings());
                java.io.InputStream in = client.getObject(io.minio.GetObjectArgs.builder()
                        .bucket(Bucket.SEGMENTS.bucketName())
                        .object(key)
                        .build())) {
            java.nio.file.Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    /** Gives a live a new stream key, as a creator's rotation does; returns the new key once ingest refuses the old. */
    public String rotateStreamKey(String liveId, String oldKey) throws Exception {
        String key = StreamKeys.newKey();
        publishLive(liveId, LiveEventType.UPDATED, key);
        Await.expect(
                "ingest knows the rotated stream key",
                DEADLINE,
                () -> ingest.catalog().byStreamKey(key).isPresent()
                        && ingest.catalog().byStreamKey(oldKey).isEmpty());
        return key;
    }

    public void stopS3() throws Exception {
        s3.close();
    }

    public void startS3() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"), s3.port(), "test-access", "test-secret-key");
    }

    public void restartIngest() throws Exception {
        ingest.close();
        ingest = IngestService.start(config);
    }

    public void stopKafka() {
        kafka.close();
    }

    public void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort);
    }

    @Override
    public void close() throws Exception {
        ingest.close();
        s3.close();
        kafka.close();
    }
}
