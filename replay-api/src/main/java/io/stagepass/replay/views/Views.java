package io.stagepass.replay.views;

import io.stagepass.events.Analyst;
import io.stagepass.events.Creator;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.views.KeyHashIndex;
import io.stagepass.platform.views.TopicView;
import java.util.List;

/**
 * The replay API's views, wired together: each a projection its readers take by name, all rebuilt at start from the
 * topics and kept current by one {@link TopicView}. Creators and analysts by their key hashes, lives, replays, every
 * ticket and each live's revenue folded from the payment facts (the contract's {@link io.stagepass.events.TicketLedger}
 * and {@link io.stagepass.events.RevenueDelta}), audience as the audience job publishes it, and the stored segments.
 * Reading payments here (not waiting for the entitlements and revenue jobs' checkpoints) is what makes a refund stop
 * playback, and a sale show on a dashboard, within a second of Stripe's webhook.
 */
public final class Views implements AutoCloseable {
    /** The name of the creators' projection (a change names the creator). */
    public static final String CREATORS = "creators";

    private final KeyHashIndex<Creator> creators =
            new KeyHashIndex<>(CREATORS, Topic.CREATORS, Creator::getApiKeySha256);
    private final KeyHashIndex<Analyst> analysts =
            new KeyHashIndex<>("analysts", Topic.ANALYSTS, Analyst::getApiKeySha256);
    private final Lives lives = new Lives();
    private final Replays replays = new Replays();
    private final Tickets tickets = new Tickets();
    private final Revenue revenue = new Revenue();
    private final Audience audience = new Audience();
    private final Media media = new Media();
    private final Health health = new Health();
    private final PayoutAccounts payoutAccounts = new PayoutAccounts();
    private final CreatorEarnings earnings = new CreatorEarnings();
    private final Payouts payouts = new Payouts();
    private final StageAppearances stage = new StageAppearances();
    private final Clips clips = new Clips();
    private final TopicView topicView;

    public Views(KafkaSettings kafka) {
        this.topicView = new TopicView(
                kafka,
                "replay-api-views",
                List.of(
                        creators,
                        analysts,
                        lives,
                        replays,
                        tickets,
                        revenue,
                        audience,
                        media,
                        health,
                        payoutAccounts,
                        earnings,
                        payouts,
                        stage,
                        clips));
    }

    public Views start() {
        topicView.start();
        return this;
    }

    /** Readiness, lag, read-your-writes and change listeners of every projection here. */
    public TopicView topicView() {
        return topicView;
    }

    /** Creators by id, and by the SHA-256 of their current API key. */
    public KeyHashIndex<Creator> creators() {
        return creators;
    }

    /** Analysts by id, and by the SHA-256 of their current key (none once revoked). */
    public KeyHashIndex<Analyst> analysts() {
        return analysts;
    }

    public Lives lives() {
        return lives;
    }

    public Replays replays() {
        return replays;
    }

    public Tickets tickets() {
        return tickets;
    }

    public Revenue revenue() {
        return revenue;
    }

    public Audience audience() {
        return audience;
    }

    public Media media() {
        return media;
    }

    /** Each live's latest stream health, as ingest measured it. */
    public Health health() {
        return health;
    }

    /** Each creator's Stripe Connect account: whether their tickets may be sold. */
    public PayoutAccounts payoutAccounts() {
        return payoutAccounts;
    }

    /** What each creator is paid, per live and in statements. */
    public CreatorEarnings earnings() {
        return earnings;
    }

    /** Each creator's payouts to their bank. */
    public StageAppearances stage() {
        return stage;
    }

    public Payouts payouts() {
        return payouts;
    }

    /** Each live's clips. */
    public Clips clips() {
        return clips;
    }

    @Override
    public void close() throws InterruptedException {
        topicView.close();
    }
}
