package io.stagepass.replay.creators;

import io.stagepass.events.Analyst;
import io.stagepass.events.AnalystEventType;
import io.stagepass.events.ApiKeys;
import io.stagepass.events.Creator;
import io.stagepass.events.CreatorEventType;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.Money;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.NotDurableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The one place catalog facts about creators, lives and analysts are made: the API's routes,
 * {@code stagepass creators add}, {@code stagepass lives create}, {@code stagepass analysts add}, the demo and the
 * tests all write through here. Each fact is the whole state after the
 * change, keyed by its id, on a compacted topic; secrets (API keys, stream keys) are returned once and only their
 * SHA-256 is written. A write returns once Kafka has acknowledged it, or throws {@link NotDurableException}.
 */
public final class Catalog {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");

    /** A creator account and, when it was just issued, its API key (shown once). */
    public record Account(Creator creator, String apiKey, RecordMetadata written) {}

    /** An analyst's access and, when it was just issued, its key (shown once). */
    public record AnalystAccess(Analyst analyst, String apiKey, RecordMetadata written) {}

    /** A live and, when it was just issued, its stream key (shown once). */
    public record Scheduled(Live live, String streamKey, RecordMetadata written) {}

    private final EventPublisher publisher;
    private final Clock clock;

    public Catalog(EventPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Registers a creator with a new API key. */
    public Account register(String displayName, String email, String defaultCurrency) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (displayName == null || displayName.isBlank() || displayName.strip().length() > 80) {
            problems.put("name", "1 to 80 characters");
        }
        if (email != null && !EMAIL.matcher(email.strip()).matches()) {
            problems.put("email", "an e-mail address such as you@example.com");
        }
        String currency = null;
        try {
            currency = Money.requireCurrency(defaultCurrency);
            if (Prices.minimumMinor(currency).isEmpty()) {
                problems.put(
                        "currency", currency + " is not sold in; one of " + String.join(", ", Prices.currencies()));
            }
        } catch (IllegalArgumentException e) {
            problems.put("currency", e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new InvalidFieldsException(problems);
        }
        String key = ApiKeys.newKey();
        Creator creator = Creator.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(CreatorEventType.REGISTERED)
                .setCreatorId(Ids.newId("creator"))
                .setDisplayName(displayName.strip())
                .setEmail(email == null ? null : email.strip())
                .setDefaultCurrency(currency)
                .setApiKeySha256(ApiKeys.sha256(key))
                .build();
        return new Account(creator, key, write(Topic.CREATORS, creator.getCreatorId(), creator));
    }

    /** A new API key for a creator; the previous one stops working as soon as the views have this fact. */
    public Account rotateKey(Creator current) {
        String key = ApiKeys.newKey();
        Creator creator = Creator.newBuilder(current)
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(CreatorEventType.KEY_ROTATED)
                .setApiKeySha256(ApiKeys.sha256(key))
                .build();
        return new Account(creator, key, write(Topic.CREATORS, creator.getCreatorId(), creator));
    }

    /**
     * The origins that may frame the creator's player pages ({@link EmbedOrigins#parse}, already checked), as an
     * {@code UPDATED} fact of the whole account.
     */
    public Account setEmbedOrigins(Creator current, List<String> origins) {
        Creator creator = Creator.newBuilder(current)
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(CreatorEventType.UPDATED)
                .setEmbedOrigins(List.copyOf(origins))
                .build();
        return new Account(creator, null, write(Topic.CREATORS, creator.getCreatorId(), creator));
    }

    /** The operator's fee for this creator's tickets (null: the deployment's), as an {@code UPDATED} fact. */
    public Account setPlatformFee(Creator current, io.stagepass.events.PlatformFeeOverride fee) {
        Creator creator = Creator.newBuilder(current)
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(CreatorEventType.UPDATED)
                .setPlatformFee(fee)
                .build();
        return new Account(creator, null, write(Topic.CREATORS, creator.getCreatorId(), creator));
    }

    /** Gives an analyst a key to the exports API; {@code name} says who or what it is for. */
    public AnalystAccess addAnalyst(String name) {
        if (name == null || name.isBlank() || name.strip().length() > 80) {
            throw new InvalidFieldsException(Map.of("name", "1 to 80 characters"));
        }
        String key = ApiKeys.newAnalystKey();
        Analyst analyst = Analyst.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(AnalystEventType.ADDED)
                .setAnalystId(Ids.newId("analyst"))
                .setName(name.strip())
                .setApiKeySha256(ApiKeys.sha256(key))
                .build();
        return new AnalystAccess(analyst, key, write(Topic.ANALYSTS, analyst.getAnalystId(), analyst));
    }

    /** Revokes an analyst's key: the exports API refuses it as soon as its views have this fact. */
    public AnalystAccess revokeAnalyst(String analystId) {
        if (analystId == null || !analystId.matches("analyst_[0-9a-f]{32}")) {
            throw new InvalidFieldsException(Map.of("id", "an analyst id, analyst_ and 32 hex digits"));
        }
        Analyst analyst = Analyst.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(AnalystEventType.REVOKED)
                .setAnalystId(analystId)
                .setName(null)
                .setApiKeySha256(null)
                .build();
        return new AnalystAccess(analyst, null, write(Topic.ANALYSTS, analyst.getAnalystId(), analyst));
    }

    /** Schedules a live of {@code creatorId} with a new stream key. */
    public Scheduled schedule(String creatorId, LiveSpec spec) {
        String streamKey = StreamKeys.newKey();
        Live live = Live.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(LiveEventType.SCHEDULED)
                .setLiveId(Ids.newId("live"))
                .setCreatorId(creatorId)
                .setTitle(spec.title())
                .setDescription(spec.description())
                .setScheduledStart(spec.scheduledStart())
                .setCurrency(spec.currency())
                .setTiers(spec.tiers())
                .setStreamKeySha256(StreamKeys.sha256(streamKey))
                .setReplayWindowDays(spec.replayWindowDays())
                .setScreensPerTicket(spec.screensPerTicket())
                .setDvrWindowMinutes(spec.dvrWindowMinutes())
                .setLowRendition(spec.lowRendition())
                .build();
        return new Scheduled(live, streamKey, write(Topic.LIVES, live.getLiveId(), live));
    }

    /**
     * A live after a change. Its type stays what it was once it started or ended (consumers read the type as the live's
     * state): only a live that has not started becomes {@code UPDATED}.
     */
    public Scheduled update(Live current, LiveSpec spec) {
        Live live = Live.newBuilder(current)
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(lifecycle(current))
                .setTitle(spec.title())
                .setDescription(spec.description())
                .setScheduledStart(spec.scheduledStart())
                .setCurrency(spec.currency())
                .setTiers(spec.tiers())
                .setReplayWindowDays(spec.replayWindowDays())
                .setScreensPerTicket(spec.screensPerTicket())
                .setDvrWindowMinutes(spec.dvrWindowMinutes())
                .setLowRendition(spec.lowRendition())
                .build();
        return new Scheduled(live, null, write(Topic.LIVES, live.getLiveId(), live));
    }

    /** A new stream key for a live; ingest refuses the previous one as soon as it reads this fact. */
    public Scheduled rotateStreamKey(Live current) {
        String streamKey = StreamKeys.newKey();
        Live live = Live.newBuilder(current)
                .setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(lifecycle(current))
                .setStreamKeySha256(StreamKeys.sha256(streamKey))
                .setStreamKeyRevoked(false)
                .build();
        return new Scheduled(live, streamKey, write(Topic.LIVES, live.getLiveId(), live));
    }

    private static LiveEventType lifecycle(Live current) {
        return current.getType() == LiveEventType.STARTED || current.getType() == LiveEventType.ENDED
                ? current.getType()
                : LiveEventType.UPDATED;
    }

    /**
     * The creator's Stripe Connect account as the replay API just made it ({@code CREATED}, its state read back from
     * Stripe); ingest writes what Stripe says of it afterwards ({@code UPDATED}).
     */
    public RecordMetadata payoutAccountCreated(io.stagepass.events.PayoutAccount.Builder account) {
        io.stagepass.events.PayoutAccount fact = account.setEventId(Ids.newEventId())
                .setOccurredAt(now())
                .setType(io.stagepass.events.PayoutAccountEventType.CREATED)
                .build();
        return write(Topic.PAYOUT_ACCOUNTS, fact.getCreatorId(), fact);
    }

    /** A creator's clip fact: a request the jobs worker cuts, or its deletion. */
    public RecordMetadata clip(io.stagepass.events.Clip clip) {
        return write(Topic.CLIPS, clip.getClipId(), clip);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private RecordMetadata write(Topic topic, String key, SpecificRecord fact) {
        try {
            return publisher.publish(topic, key, fact).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotDurableException("interrupted while waiting for Kafka's acknowledgement", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new NotDurableException(
                    "the " + topic.topicName() + " fact was not acknowledged by Kafka within " + ACK_TIMEOUT.toSeconds()
                            + " s: " + (e.getCause() != null ? e.getCause() : e),
                    e);
        }
    }
}
