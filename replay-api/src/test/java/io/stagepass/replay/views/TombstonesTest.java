package io.stagepass.replay.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.platform.views.Projections;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The replay API's projections under the platform's one rule, on records fed by hand. */
class TombstonesTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");

    private final Lives lives = new Lives();
    private final Replays replays = new Replays();
    private final Tickets tickets = new Tickets();
    private final Revenue revenue = new Revenue();
    private final Audience audience = new Audience();
    private final Media media = new Media();
    private final Projections rule = new Projections(List.of(lives, replays, tickets, revenue, audience, media));
    private final List<String> changes = new ArrayList<>();
    private long offset;

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> void send(Topic topic, String key, T value) {
        byte[] bytes = value == null
                ? null
                : EventCodec.of((Class<T>) value.getClass()).encode(value);
        rule.apply(
                new ConsumerRecord<>(topic.topicName(), 0, offset++, key, bytes),
                (projection, id) -> changes.add(projection.name() + ":" + id));
    }

    private static AudienceMetric.Builder metric(AudienceMetricType type) {
        return SampleEvents.audience("live_1")
                .setMode(ViewMode.LIVE)
                .setType(type)
                .setAt(AT);
    }

    @Test
    void aDeletedLiveIsUnknownToEveryReader() {
        send(Topic.LIVES, "live_1", SampleEvents.live("live_1", "creator_1").build());
        send(Topic.LIVES, "live_2", SampleEvents.live("live_2", "creator_1").build());

        send(Topic.LIVES, "live_1", null);

        assertThat(lives.live("live_1")).isEmpty();
        assertThat(lives.livesOf("creator_1")).extracting("liveId").containsExactly("live_2");
        assertThat(changes).endsWith("lives:live_1");
    }

    @Test
    void aReplayTombstoneForgetsItsLatestAndReadyStatus() {
        send(
                Topic.REPLAYS,
                "live_1",
                SampleEvents.replay("live_1", "creator_1")
                        .setType(ReplayEventType.READY)
                        .setVersion(1)
                        .build());
        assertThat(replays.ready("live_1")).isPresent();

        send(Topic.REPLAYS, "live_1", null);

        assertThat(replays.latest("live_1")).isEmpty();
        assertThat(replays.ready("live_1")).isEmpty();
    }

    @Test
    void aNullOnThePaymentsTopicErasesNoTicketAndNoRevenue() {
        PaymentFact sale = SampleEvents.payment("live_1", "cs_1").build();
        send(Topic.PAYMENTS, "live_1", sale);
        assertThat(tickets.ticket("live_1", "cs_1")).isPresent();
        assertThat(revenue.of("live_1")).isPresent();
        assertThat(changes).containsExactly("tickets:live_1", "revenue:live_1");

        send(Topic.PAYMENTS, "live_1", null); // payments are kept, not compacted: a null is no deletion

        assertThat(tickets.ticket("live_1", "cs_1")).isPresent();
        assertThat(revenue.of("live_1")).isPresent();
        assertThat(changes).containsExactly("tickets:live_1", "revenue:live_1");
    }

    @Test
    void anAudienceTombstoneForgetsThatOneMetricOfTheLive() {
        send(
                Topic.AUDIENCE_METRICS,
                "live_1/LIVE/CONCURRENCY/" + AT,
                metric(AudienceMetricType.CONCURRENCY).setConcurrentViewers(7L).build());
        send(
                Topic.AUDIENCE_METRICS,
                "live_1/LIVE/CONCURRENCY/" + AT.plusSeconds(10),
                metric(AudienceMetricType.CONCURRENCY)
                        .setAt(AT.plusSeconds(10))
                        .setConcurrentViewers(9L)
                        .build());
        send(
                Topic.AUDIENCE_METRICS,
                "live_1/LIVE/TOTAL",
                metric(AudienceMetricType.TOTAL).build());

        send(Topic.AUDIENCE_METRICS, "live_1/LIVE/CONCURRENCY/" + AT, null);
        send(Topic.AUDIENCE_METRICS, "live_1/LIVE/TOTAL", null);
        send(Topic.AUDIENCE_METRICS, "live_1/LIVE/NOT-A-TYPE", null);

        LiveAudience.Mode live = audience.of("live_1").orElseThrow().mode(ViewMode.LIVE);
        assertThat(live.concurrency()).containsExactly(new LiveAudience.Sample(AT.plusSeconds(10), 9));
        assertThat(live.totals()).isNull();
    }

    @Test
    void aNullOnTheSegmentsTopicErasesNoMedia() {
        SegmentStored segment = SampleEvents.segment("live_1", 1).build();
        send(Topic.SEGMENTS, "live_1", segment);
        assertThat(media.of("live_1"))
                .hasValueSatisfying(stored -> assertThat(stored.segments(0)).containsExactly(segment));

        send(Topic.SEGMENTS, "live_1", null); // segment facts are kept, not compacted

        assertThat(media.of("live_1"))
                .hasValueSatisfying(stored -> assertThat(stored.segments(0)).containsExactly(segment));
    }

    @Test
    void readingALiveNothingHappenedToCreatesNothing() {
        assertThat(revenue.of("live_none")).isEmpty();
        assertThat(audience.of("live_none")).isEmpty();
        assertThat(media.of("live_none")).isEmpty();
        assertThat(tickets.ticket("live_none", "cs_1")).isEmpty();
        assertThat(List.of(revenue.size(), audience.size(), media.size(), tickets.size()))
                .containsOnly(0);
    }
}
