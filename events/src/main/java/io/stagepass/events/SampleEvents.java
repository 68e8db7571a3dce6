package io.stagepass.events;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Builders of every event with sensible defaults, for tests and benchmarks (the services never use them): each
 * returns the Avro builder, so a caller overrides what matters to it ({@code SampleEvents.payment("live_1").setAmountMinor(900).build()}).
 */
public final class SampleEvents {
    public static final String CURRENCY = "EUR";
    public static final long TICKET_PRICE_MINOR = 1500;

    private SampleEvents() {}

    /** The contract's times are millisecond instants (Avro timestamp-millis); finer digits would not round-trip. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    public static Creator.Builder creator(String creatorId) {
        return Creator.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(CreatorEventType.REGISTERED)
                .setCreatorId(creatorId)
                .setDisplayName("Ada's Yoga")
                .setEmail("ada@example.com")
                .setDefaultCurrency(CURRENCY);
    }

    public static Live.Builder live(String liveId, String creatorId) {
        return Live.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(LiveEventType.SCHEDULED)
                .setLiveId(liveId)
                .setCreatorId(creatorId)
                .setTitle("Sunrise flow")
                .setScheduledStart(now().plusSeconds(3600))
                .setCurrency(CURRENCY)
                .setTiers(List.of(new TicketTier("standard", TICKET_PRICE_MINOR), new TicketTier("vip", 4000L)))
                .setStreamKeySha256("0".repeat(64));
    }

    public static ReplayStatus.Builder replay(String liveId, String creatorId) {
        return ReplayStatus.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(ReplayEventType.PACKAGING)
                .setLiveId(liveId)
                .setCreatorId(creatorId)
                .setProgressPercent(0);
    }

    public static Entitlement.Builder entitlement(String liveId, String ticketId) {
        return Entitlement.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(EntitlementEventType.GRANTED)
                .setLiveId(liveId)
                .setTicketId(ticketId)
                .setTier("standard")
                .setBuyerEmail("viewer@example.com")
                .setReason(EntitlementReason.PAID)
                .setSourceStripeEventId("evt_" + ticketId);
    }

    public static SegmentStored.Builder segment(String liveId, long sequence) {
        return SegmentStored.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(SegmentEventType.STORED)
                .setLiveId(liveId)
                .setSequence(sequence)
                .setDurationMicros(2_000_000L)
                .setByteSize(188 * 1000)
                .setSha256("f".repeat(64))
                .setObjectKey(SegmentKeys.media(liveId, sequence, "ts"))
                .setContainer(SegmentContainer.MPEG_TS)
                .setReceivedAt(now())
                .setDiscontinuity(false);
    }

    public static Beacon.Builder beacon(String liveId, String sessionId) {
        return Beacon.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(BeaconType.HEARTBEAT)
                .setLiveId(liveId)
                .setSessionId(sessionId)
                .setTicketId("cs_" + sessionId)
                .setMode(ViewMode.LIVE)
                .setPositionMillis(0)
                .setClientTime(now())
                .setReceivedAt(now());
    }

    /**
     * A 20.00 USD ticket on a EUR Stripe account, as its balance transaction says: Stripe settled 18.40 EUR at 0.92 and
     * took a 0.53 EUR fee.
     */
    public static PaymentFact.Builder convertedSale(String liveId, String ticketId) {
        return payment(liveId, ticketId)
                .setCurrency("USD")
                .setAmountMinor(2000)
                .setSettlementCurrency("EUR")
                .setSettlementAmountMinor(1840L)
                .setFeeMinor(53L)
                .setNetMinor(1787L)
                .setExchangeRate("0.92");
    }

    /** A 5.00 USD partial refund of {@link #convertedSale}: 4.60 EUR at the charge's rate. */
    public static PaymentFact.Builder convertedRefund(String liveId, String ticketId) {
        return payment(liveId, ticketId)
                .setType(PaymentEventType.CHARGE_REFUNDED)
                .setCurrency("USD")
                .setAmountMinor(500)
                .setSettlementCurrency("EUR")
                .setSettlementAmountMinor(460L)
                .setFeeMinor(null);
    }

    public static PaymentFact.Builder payment(String liveId, String ticketId) {
        String stripeEventId = "evt_" + Ids.newId("t");
        return PaymentFact.newBuilder()
                .setEventId(Ids.derivedEventId("stripe", stripeEventId))
                .setOccurredAt(now())
                .setType(PaymentEventType.CHECKOUT_COMPLETED)
                .setStripeEventId(stripeEventId)
                .setLiveId(liveId)
                .setTicketId(ticketId)
                .setTier("standard")
                .setPaymentIntentId("pi_" + ticketId)
                .setBuyerEmail("viewer@example.com")
                .setPaid(true)
                .setAmountMinor(TICKET_PRICE_MINOR)
                .setCurrency(CURRENCY)
                .setFeeMinor(47L)
                .setNetMinor(TICKET_PRICE_MINOR - 47)
                .setLivemode(false);
    }

    /**
     * What befalls a paid ticket afterwards, at random, as Stripe's facts tell it: nothing (one time in three), a refund
     * of a third, a full refund, a dispute still open, or a dispute won or lost. Each fact is new (its own Stripe
     * event) and carries the ticket's live, currency and price; a test sets the times and anything else it needs.
     */
    public static List<PaymentFact.Builder> aftermath(
            Random random, String liveId, String ticketId, String currency, long price) {
        List<PaymentFact.Builder> facts = new ArrayList<>();
        switch (random.nextInt(6)) {
            case 0 ->
                facts.add(payment(liveId, ticketId, currency, PaymentEventType.CHARGE_REFUNDED)
                        .setAmountMinor(price / 3));
            case 1 ->
                facts.add(payment(liveId, ticketId, currency, PaymentEventType.CHARGE_REFUNDED)
                        .setAmountMinor(price)
                        .setFullyRefunded(true));
            case 2 ->
                facts.add(payment(liveId, ticketId, currency, PaymentEventType.DISPUTE_OPENED)
                        .setAmountMinor(price));
            case 3 -> {
                facts.add(payment(liveId, ticketId, currency, PaymentEventType.DISPUTE_OPENED)
                        .setAmountMinor(price));
                facts.add(payment(liveId, ticketId, currency, PaymentEventType.DISPUTE_CLOSED)
                        .setAmountMinor(price)
                        .setDisputeOutcome(random.nextBoolean() ? DisputeOutcome.WON : DisputeOutcome.LOST));
            }
            default -> {}
        }
        return facts;
    }

    /** A payment fact of {@code type} in {@code currency}, of no tier (as Stripe's later facts of a ticket are). */
    public static PaymentFact.Builder payment(String liveId, String ticketId, String currency, PaymentEventType type) {
        return payment(liveId, ticketId).setType(type).setCurrency(currency).setTier(null);
    }

    public static RevenueMetric.Builder revenue(String liveId) {
        return RevenueMetric.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(RevenueMetricType.TOTAL)
                .setLiveId(liveId)
                .setCurrency(CURRENCY)
                .setGrossMinor(TICKET_PRICE_MINOR)
                .setFeesMinor(47)
                .setNetMinor(TICKET_PRICE_MINOR - 47)
                .setTicketsSold(1);
    }

    public static AudienceMetric.Builder audience(String liveId) {
        return AudienceMetric.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(AudienceMetricType.CONCURRENCY)
                .setLiveId(liveId)
                .setMode(ViewMode.LIVE)
                .setAt(now())
                .setConcurrentViewers(3L);
    }

    public static TopicActivity.Builder topicActivity(String topic) {
        Instant start = Instant.ofEpochSecond(now().getEpochSecond() / 10 * 10);
        return TopicActivity.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(start.plusSeconds(10))
                .setType(TopicActivityType.WINDOW)
                .setTopicName(topic)
                .setWindowStart(start)
                .setWindowEnd(start.plusSeconds(10))
                .setRecords(1)
                .setBytes(100);
    }

    public static DeadLetter.Builder deadLetter(String sourceTopic) {
        return DeadLetter.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(DeadLetterType.UNREADABLE)
                .setSourceTopic(sourceTopic)
                .setSourcePartition(0)
                .setSourceOffset(42)
                .setDetectedBy("test")
                .setReason("not Avro")
                .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3}));
    }

    public static Analyst.Builder analyst(String analystId) {
        return Analyst.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(AnalystEventType.ADDED)
                .setAnalystId(analystId)
                .setName("Grace (finance)")
                .setApiKeySha256(ApiKeys.sha256(ApiKeys.newAnalystKey()));
    }

    public static StreamHealth.Builder streamHealth(String liveId) {
        return StreamHealth.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(StreamHealthType.MEASURED)
                .setLiveId(liveId)
                .setVerdict(HealthVerdict.POOR)
                .setReasons(List.of("keyframe interval 10 s: set it to 2 s"))
                .setProtocol("rtmp")
                .setWindowMillis(30_000)
                .setSegments(3)
                .setVideoCodec("h264")
                .setVideoProfile("High")
                .setWidth(1280)
                .setHeight(720)
                .setFramesPerSecondX100(3000)
                .setKeyframeIntervalMillis(10_000L)
                .setVideoBitsPerSecond(3_000_000L)
                .setAudioCodec("aac")
                .setAudioSampleRate(48_000)
                .setAudioChannels(2)
                .setAudioBitsPerSecond(128_000L)
                .setRealtimePermille(1000)
                .setLastMediaAt(now());
    }

    /** A creator's connected account once onboarded, as ingest writes it from Connect's account.updated. */
    public static PayoutAccount.Builder payoutAccount(String creatorId) {
        return PayoutAccount.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(PayoutAccountEventType.UPDATED)
                .setCreatorId(creatorId)
                .setStripeAccountId("acct_" + creatorId)
                .setDetailsSubmitted(true)
                .setChargesEnabled(true)
                .setPayoutsEnabled(true)
                .setCurrentlyDue(List.of())
                .setDefaultCurrency(CURRENCY)
                .setStripeEventId("evt_" + Ids.newId("t"));
    }

    /** A payout of a creator's balance to their bank. */
    public static Payout.Builder payout(String creatorId, long amountMinor) {
        return Payout.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(PayoutEventType.PAID)
                .setStripeEventId("evt_" + Ids.newId("t"))
                .setCreatorId(creatorId)
                .setStripeAccountId("acct_" + creatorId)
                .setPayoutId("po_" + Ids.newId("t"))
                .setAmountMinor(amountMinor)
                .setCurrency(CURRENCY)
                .setArrivalDate(now());
    }

    /** A creator's public clip of 2.5-9.0 s of a live, cut from the keyframe at 2.0 s. */
    public static Clip.Builder clip(String liveId, String clipId) {
        return Clip.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(ClipStatus.READY)
                .setClipId(clipId)
                .setLiveId(liveId)
                .setCreatorId("creator_1")
                .setTitle("The warm-up")
                .setVisibility(ClipVisibility.PUBLIC)
                .setStartMillis(2_500)
                .setEndMillis(9_000)
                .setRequestedAt(now())
                .setObjectKey(liveId + "/clips/" + clipId + ".mp4")
                .setClipStartMillis(2_000L)
                .setDurationMillis(7_000L)
                .setByteSize(970_228L)
                .setWidth(640)
                .setHeight(360);
    }

    /** A guest coming on stage in a live's program at segment {@code sequence}. */
    public static StageAppearance.Builder stageAppearance(String liveId, String ticketId, long sequence) {
        return StageAppearance.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(StageAppearanceType.STARTED)
                .setLiveId(liveId)
                .setGuestId("g_0123456789abcdef")
                .setTicketId(ticketId)
                .setDisplayName("Ana")
                .setTier("guest")
                .setSequence(sequence)
                .setLayout("side-by-side");
    }
}
