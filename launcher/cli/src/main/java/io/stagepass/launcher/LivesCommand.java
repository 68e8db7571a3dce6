package io.stagepass.launcher;

import io.stagepass.events.Money;
import io.stagepass.launcher.demo.LiveScheduler;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagepass lives create}: schedules a live and prints its stream key and the command to push with it. */
@Command(
        name = "lives",
        mixinStandardHelpOptions = true,
        description = "Manage lives.",
        subcommands = {LivesCommand.Create.class})
final class LivesCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Schedule a live: write the creator and the live to the catalog (Kafka at STAGEPASS_KAFKA_BOOTSTRAP) "
                        + "and print the live's stream key (shown once; only its hash is stored) with the ffmpeg command to push with it."
            })
    static final class Create implements Callable<Integer> {
        @Option(
                names = "--creator",
                paramLabel = "ID",
                description = "Creator id (default: a new creator is registered).")
        String creatorId;

        @Option(
                names = "--creator-name",
                paramLabel = "NAME",
                defaultValue = "Stagepass creator",
                description = "Display name when registering a new creator (default: ${DEFAULT-VALUE}).")
        String creatorName;

        @Option(names = "--title", required = true, paramLabel = "TITLE", description = "Title of the live.")
        String title;

        @Option(
                names = "--price",
                required = true,
                paramLabel = "MINOR",
                description = "Ticket price in minor units of the currency, e.g. 1500 for 15.00 EUR.")
        long price;

        @Option(names = "--currency", required = true, paramLabel = "ISO", description = "ISO 4217 currency, e.g. EUR.")
        String currency;

        @Option(
                names = "--tier",
                paramLabel = "NAME",
                defaultValue = "standard",
                description = "Ticket tier name (default: ${DEFAULT-VALUE}).")
        String tier;

        @Option(
                names = "--replay-days",
                paramLabel = "DAYS",
                defaultValue = "30",
                description = "How long ticket holders may watch the replay after the live ends; then it is deleted "
                        + "(default: ${DEFAULT-VALUE}).")
        int replayDays;

        @Option(
                names = "--ingest-url",
                paramLabel = "URL",
                defaultValue = "http://127.0.0.1:8090",
                description = "Where encoders reach ingest (default: ${DEFAULT-VALUE}).")
        String ingestUrl;

        @Override
        public Integer call() throws Exception {
            String code;
            try {
                code = Money.requireCurrency(currency);
            } catch (IllegalArgumentException e) {
                System.err.println("stagepass: --currency: " + e.getMessage());
                return 2;
            }
            if (replayDays < 1 || replayDays > 3650) {
                System.err.println("stagepass: --replay-days must be between 1 and 3650, got " + replayDays);
                return 2;
            }
            if (price <= 0) {
                System.err.println("stagepass: --price must be a positive number of minor units, got " + price);
                return 2;
            }
            KafkaSettings kafka = KafkaSettings.fromEnv(Env.system());
            LiveScheduler.Scheduled live;
            try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-cli")) {
                live = LiveScheduler.schedule(publisher, creatorId, creatorName, title, tier, price, code, replayDays);
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("stagepass: cannot write to Kafka at " + kafka.bootstrapServers() + " ("
                        + KafkaSettings.BOOTSTRAP + "); is `stagepass up` running?");
                return 1;
            }
            String liveId = live.liveId();
            String creator = live.creatorId();
            String streamKey = live.streamKey();
            String url = ingestUrl.replaceAll("/+$", "") + "/live/" + streamKey + "/index.m3u8";
            System.out.println("live:       " + liveId);
            System.out.println("creator:    " + creator);
            System.out.println("stream key: " + streamKey + "   (shown once; only its SHA-256 is stored)");
            System.out.println();
            System.out.println("Push with ffmpeg (MPEG-TS segments):");
            System.out.println(
                    "  ffmpeg -re -i INPUT -c:v libx264 -g 50 -c:a aac -f hls -hls_time 2 -method PUT " + url);
            System.out.println("or fragmented MP4 segments:");
            System.out.println(
                    "  ffmpeg -re -i INPUT -c:v libx264 -g 50 -c:a aac -f hls -hls_time 2 -hls_segment_type fmp4 -method PUT "
                            + url);
            System.out.println("End it explicitly (an #EXT-X-ENDLIST or 60 s of silence also ends it):");
            System.out.println("  curl -X POST " + ingestUrl.replaceAll("/+$", "") + "/live/" + streamKey + "/end");
            return 0;
        }
    }
}
