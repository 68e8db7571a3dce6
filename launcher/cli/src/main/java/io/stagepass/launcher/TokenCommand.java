package io.stagepass.launcher;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.replay.Links;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagepass token}: a playback token and the watch URL it opens, for trying playback by hand. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Print a playback token for a live and a ticket, signed with STAGEPASS_PLAYBACK_TOKEN_SECRET (the embedded "
                    + "default when unset), and (on standard error) the player page URL it opens. The ticket must be paid for the page to "
                    + "play; without --ticket the token is an anonymous page visitor's (beacons only)."
        })
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--live", required = true, paramLabel = "LIVE_ID", description = "The live the token is for.")
    String liveId;

    @Option(
            names = "--ticket",
            paramLabel = "TICKET_ID",
            description = "The viewer's ticket (its Checkout Session id, cs_...); omit for an anonymous page visitor.")
    String ticketId;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "6h",
            description = "Validity, e.g. 30m, 6h (default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(
            names = "--api-url",
            paramLabel = "URL",
            defaultValue = "http://127.0.0.1:8080",
            description = "Where viewers reach the replay API (default ${DEFAULT-VALUE}).")
    String apiUrl;

    @Override
    public Integer call() {
        Env env = Env.system().with(Map.of("TTL", ttl));
        Duration validity = env.duration("TTL", Duration.ofHours(6));
        if (validity.isNegative() || validity.isZero()) {
            throw new ConfigException("--ttl must be positive, got " + ttl);
        }
        PlaybackTokens tokens =
                new PlaybackTokens(env.string(PlaybackTokens.SECRET_VARIABLE, PlaybackTokens.EMBEDDED_SECRET));
        String token = tokens.issue(liveId, ticketId, Instant.now().plus(validity));
        System.out.println(token); // alone on standard output, for TOKEN=$(stagepass token ...)
        if (ticketId != null) {
            System.err.println("watch URL: " + Links.ofApi(apiUrl).watch(liveId, token));
        }
        return 0;
    }
}
