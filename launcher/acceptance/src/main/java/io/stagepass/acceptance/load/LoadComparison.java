package io.stagepass.acceptance.load;

import com.stripe.model.checkout.Session;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.facts.LiveOutputs;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.acceptance.facts.RevenueTotals;
import io.stagepass.events.Bucket;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentStored;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.s3.ObjectStore;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the deployment made of the load, compared with its ground truth once it is over: the revenue job's total equal
 * to what Stripe says was paid and refunded (its fees from the balance transactions) to the cent, each paid ticket's
 * entitlement right, every acknowledged beacon and segment on its topic (and every segment in the object store with
 * its size), and the ended live's replay READY. Waits until all of it holds or time is up, then answers one result
 * per part.
 */
record LoadComparison(
        KafkaSettings kafka, S3Settings s3, StripeSandboxClient stripe, String liveId, Marks marks, GroundTruth truth) {
    private static final Duration POLL = Duration.ofSeconds(2);

    /** The expected money and verdicts: Stripe's record of what was paid is the ground truth for money. */
    private record Expected(RevenueTotals revenue, Map<String, EntitlementEventType> verdicts) {}

    /** What the deployment's topics said at the last look. */
    private record Seen(
            Optional<RevenueTotals> revenue,
            Map<String, EntitlementEventType> verdicts,
            Set<String> beacons,
            int beaconDuplicates,
            Map<Long, SegmentStored> segments,
            List<ReplayStatus> replay,
            Optional<java.time.Instant> readyAt) {}

    List<CheckResult> compare(Duration wait) throws Exception {
        Expected expected = expected();
        Set<String> beacons = truth.beacons();
        Map<Long, Long> segments = truth.segments();
        Seen seen = LiveOutputs.await(
                        kafka,
                        liveId,
                        marks,
                        wait,
                        POLL,
                        LoadComparison::seen,
                        now -> now.revenue().equals(Optional.of(expected.revenue()))
                                && now.verdicts().equals(expected.verdicts())
                                && now.beacons().containsAll(beacons)
                                && now.segments().keySet().containsAll(segments.keySet())
                                && now.readyAt().isPresent())
                .value();
        return List.of(
                revenue(expected, seen),
                entitlements(expected, seen),
                beacons(beacons, seen),
                segments(segments, seen),
                replay(seen));
    }

    private Expected expected() throws Exception {
        long fees = 0;
        Map<String, EntitlementEventType> verdicts = new TreeMap<>();
        for (String ticket : truth.tickets()) {
            Session checkout = stripe.session(ticket);
            if ("paid".equals(checkout.getPaymentStatus())) {
                fees += stripe.fee(checkout);
                verdicts.put(
                        ticket, truth.refunded(ticket) ? EntitlementEventType.REVOKED : EntitlementEventType.GRANTED);
            }
        }
        return new Expected(
                RevenueTotals.ofTickets(LoadRun.TICKET_PRICE_MINOR, verdicts.size(), fees, truth.refundedCount()),
                verdicts);
    }

    private static Seen seen(LiveOutputs outputs) {
        return new Seen(
                outputs.revenueTotal(LoadRun.CURRENCY).map(RevenueTotals::of),
                outputs.entitlements(),
                outputs.beaconIds(),
                outputs.beaconDuplicates(),
                outputs.segments(),
                outputs.replayStatuses(),
                outputs.replayReadyAt());
    }

    private static CheckResult revenue(Expected expected, Seen seen) {
        boolean equal = seen.revenue().equals(Optional.of(expected.revenue()));
        return CheckResult.of(
                "revenue",
                equal,
                List.of(String.format(
                        "  revenue (gross fees refunds net sold refunded, %s cents): pipeline %s, ground truth %s: %s",
                        LoadRun.CURRENCY,
                        seen.revenue().map(Object::toString).orElse("none"),
                        expected.revenue(),
                        equal ? "EQUAL to the cent" : "DIFFERENT")));
    }

    private static CheckResult entitlements(Expected expected, Seen seen) {
        boolean equal = seen.verdicts().equals(expected.verdicts());
        long granted = expected.verdicts().values().stream()
                .filter(EntitlementEventType.GRANTED::equals)
                .count();
        return CheckResult.of(
                "entitlements",
                equal,
                List.of(String.format(
                        "  entitlements: %d granted and %d revoked expected, %d verdicts seen: %s",
                        granted,
                        expected.verdicts().size() - granted,
                        seen.verdicts().size(),
                        equal ? "EQUAL" : "DIFFERENT " + difference(expected.verdicts(), seen.verdicts()))));
    }

    private static CheckResult beacons(Set<String> acknowledged, Seen seen) {
        Set<String> lost = new HashSet<>(acknowledged);
        lost.removeAll(seen.beacons());
        return CheckResult.of(
                "beacons",
                lost.isEmpty(),
                List.of(String.format(
                        "  beacons: %d acknowledged with 202, %d on the topic (%d resent duplicates, deduplicated"
                                + " downstream): %d lost",
                        acknowledged.size(), seen.beacons().size(), seen.beaconDuplicates(), lost.size())));
    }

    private CheckResult segments(Map<Long, Long> acknowledged, Seen seen) throws Exception {
        List<String> problems = new ArrayList<>();
        try (MinioClient client = ObjectStore.client(s3)) {
            for (Map.Entry<Long, Long> acked : acknowledged.entrySet()) {
                SegmentStored fact = seen.segments().get(acked.getKey());
                if (fact == null) {
                    problems.add("segment " + acked.getKey() + " has no stored fact");
                    continue;
                }
                long stored = client.statObject(StatObjectArgs.builder()
                                .bucket(Bucket.SEGMENTS.bucketName())
                                .object(fact.getObjectKey())
                                .build())
                        .size();
                if (stored != acked.getValue() || fact.getByteSize() != acked.getValue()) {
                    problems.add("segment " + acked.getKey() + ": " + stored + " bytes stored, " + acked.getValue()
                            + " pushed");
                }
            }
        }
        return CheckResult.of(
                "segments",
                problems.isEmpty(),
                List.of(String.format(
                        "  segments: %d acknowledged with 201, %d stored facts, every one in the object store with its"
                                + " size: %s",
                        acknowledged.size(), seen.segments().size(), problems.isEmpty() ? "0 lost" : problems)));
    }

    private static CheckResult replay(Seen seen) {
        List<String> types = new ArrayList<>();
        for (ReplayStatus status : seen.replay()) {
            String type = status.getType().name();
            if (types.isEmpty() || !types.get(types.size() - 1).equals(type)) {
                types.add(type);
            }
        }
        boolean ready = seen.readyAt().isPresent()
                && seen.replay().stream().anyMatch(s -> s.getType() == ReplayEventType.READY);
        return CheckResult.of(
                "replay",
                ready,
                List.of("  replay: "
                        + (ready
                                ? "READY at " + seen.readyAt().get().truncatedTo(ChronoUnit.MILLIS) + " (" + types + ")"
                                : "NOT READY (statuses " + types + ")")));
    }

    private static String difference(
            Map<String, EntitlementEventType> expected, Map<String, EntitlementEventType> seen) {
        Map<String, String> diff = new TreeMap<>();
        expected.forEach((ticket, verdict) -> {
            if (verdict != seen.get(ticket)) {
                diff.put(ticket, verdict + " expected, " + seen.get(ticket) + " seen");
            }
        });
        seen.keySet().stream().filter(ticket -> !expected.containsKey(ticket)).forEach(t -> diff.put(t, "unexpected"));
        return diff.toString();
    }
}
