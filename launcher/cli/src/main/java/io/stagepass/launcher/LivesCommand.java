package io.stagepass.launcher;

import io.stagepass.events.TicketTier;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.NotDurableException;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.LiveSpec;
import io.stagepass.replay.creators.StreamSetup;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
                description = "The 'viewer' ticket's price in minor units of the currency, e.g. 1500 for 15.00 EUR.")
        long price;

        @Option(names = "--currency", required = true, paramLabel = "ISO", description = "ISO 4217 currency, e.g. EUR.")
        String currency;

        @Option(
                names = "--guest-price",
                paramLabel = "MINOR",
                description =
                        "Also sell a 'guest' tier (a paying viewer brought on stage) at this price in minor units.")
        Long guestPrice;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the live is about.")
        String description;

        @Option(
                names = "--start",
                paramLabel = "INSTANT",
                description = "Scheduled start, ISO-8601 (e.g. 2026-12-24T18:00:00Z); default: not announced.")
        Instant start;

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
                description = "Where encoders reach ingest over HTTP (default: ${DEFAULT-VALUE}).")
        String ingestUrl;

        @Option(
                names = "--rtmp-url",
                paramLabel = "URL",
                defaultValue = "rtmp://127.0.0.1:1935/live",
                description = "The RTMP server encoders stream to (default: ${DEFAULT-VALUE}).")
        String rtmpUrl;

        @Override
        public Integer call() {
            List<TicketTier> tiers = new ArrayList<>(List.of(new TicketTier(LiveSpec.VIEWER, price)));
            if (guestPrice != null) {
                tiers.add(new TicketTier(LiveSpec.GUEST, guestPrice));
            }
            LiveSpec spec;
            try {
                spec = LiveSpec.of(title, description, start, currency, tiers, replayDays, Clock.systemUTC());
            } catch (InvalidFieldsException e) {
                e.fields()
                        .forEach(
                                (field, problem) -> System.err.println("stagepass: " + option(field) + ": " + problem));
                return 2;
            }
            KafkaSettings kafka = KafkaSettings.fromEnv(Env.system());
            Catalog.Account account = null;
            Catalog.Scheduled live;
            try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-cli")) {
                Catalog catalog = new Catalog(publisher, Clock.systemUTC());
                String creator = creatorId;
                if (creator == null) {
                    account = catalog.register(creatorName, null, spec.currency());
                    creator = account.creator().getCreatorId();
                }
                live = catalog.schedule(creator, spec);
            } catch (NotDurableException e) {
                System.err.println("stagepass: cannot write to Kafka at " + kafka.bootstrapServers() + " ("
                        + KafkaSettings.BOOTSTRAP + "); is `stagepass up` running?");
                return 1;
            }
            StreamSetup stream = StreamSetup.of(rtmpUrl, ingestUrl, live.streamKey());
            System.out.println("live:       " + live.live().getLiveId());
            System.out.println("creator:    " + live.live().getCreatorId());
            if (account != null) {
                System.out.println("API key:    " + account.apiKey()
                        + "   (a new creator; shown once, only its SHA-256 is stored)");
            }
            System.out.println("stream key: " + live.streamKey() + "   (shown once; only its SHA-256 is stored)");
            System.out.println();
            System.out.println(
                    "Stream from OBS: Settings → Stream → Service \"Custom...\", Server " + stream.rtmpServer()
                            + ", Stream Key the key above; H.264 (x264 or hardware), keyframe interval 2 s, AAC audio.");
            System.out.println("or with ffmpeg over RTMP:");
            System.out.println("  " + stream.ffmpegRtmp());
            System.out.println("or push HLS over HTTP PUT (MPEG-TS segments):");
            System.out.println("  " + stream.ffmpeg());
            System.out.println("or fragmented MP4 segments:");
            System.out.println("  " + stream.ffmpegFmp4());
            System.out.println(
                    "End it explicitly (Stop Streaming, an #EXT-X-ENDLIST or 60 s of silence also ends it):");
            System.out.println("  " + stream.end());
            return 0;
        }

        private static String option(String field) {
            return switch (field) {
                case "tiers[0].priceMinor" -> "--price";
                case "tiers[1].priceMinor" -> "--guest-price";
                case "scheduledStart" -> "--start";
                case "replayWindowDays" -> "--replay-days";
                default -> "--" + field;
            };
        }
    }
}
