package io.stagepass.acceptance.demo;

import io.minio.MinioClient;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.facts.StripeEarnings;
import io.stagepass.launcher.lake.Lake;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The lake's curated {@code creator_earnings} and {@code platform_fees} hold what Stripe holds for the creator's
 * destination charges ({@link StripeEarnings}, read from Stripe, not from the facts): earnings, platform fees and
 * Stripe's fees, to the cent.
 */
public record LakeEarnings(
        S3Settings s3,
        Path lakeCopy,
        Duration lakeWait,
        String creatorId,
        StripeSandboxClient stripe,
        List<String> tickets)
        implements Check {
    @Override
    public String name() {
        return "lake earnings";
    }

    @Override
    public CheckResult run() throws Exception {
        StripeEarnings truth = StripeEarnings.of(stripe, tickets);
        List<Long> expected = List.of(truth.creatorMinor(), truth.platformFeesMinor(), truth.stripeFeesMinor());
        String where = " where creator_id = '" + creatorId + "'";
        Await.Outcome<List<List<Long>>> seen;
        try (MinioClient client = ObjectStore.client(s3)) {
            seen = Await.until(
                    lakeWait,
                    Waits.POLL,
                    () -> {
                        Lake.sync(client, lakeCopy);
                        try (Lake lake = Lake.open(lakeCopy)) {
                            if (!lake.curated().containsAll(List.of("creator_earnings", "platform_fees"))) {
                                return List.of();
                            }
                            return List.of(
                                    lake.numbers("select sum(earnings_minor), sum(platform_fees_minor),"
                                            + " sum(stripe_fees_minor) from creator_earnings" + where),
                                    lake.numbers("select sum(platform_fees_minor), sum(stripe_fees_minor),"
                                            + " sum(net_minor) from platform_fees" + where));
                        }
                    },
                    both -> both.size() == 2
                            && expected.equals(both.get(0))
                            && List.of(
                                            truth.platformFeesMinor(),
                                            truth.stripeFeesMinor(),
                                            truth.platformFeesMinor() - truth.stripeFeesMinor())
                                    .equals(both.get(1)));
        }
        return CheckResult.of(
                name(),
                seen.met(),
                List.of(String.format(
                        "Lake (curated creator_earnings, platform_fees): earnings %d, platform fees %d, Stripe's fees"
                                + " %d (%s cents): %s",
                        truth.creatorMinor(),
                        truth.platformFeesMinor(),
                        truth.stripeFeesMinor(),
                        DemoTraffic.CURRENCY,
                        seen.met() ? "the same as Stripe's" : "NOT Stripe's; the lake says " + seen.value())));
    }
}
