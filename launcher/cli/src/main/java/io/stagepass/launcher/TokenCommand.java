package io.stagepass.launcher;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.launcher.stack.EmbeddedSecrets;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.Secret;
import io.stagepass.replay.Links;
import java.nio.file.Path;
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
            "Print a playback token for a live and a ticket, signed with STAGEPASS_PLAYBACK_TOKEN_SECRET (when unset, "
                    + "the secret `stagepass up` made for --data-dir), and (on standard error) the player page URL it "
                    + "opens. The ticket must be paid for the page to play. With --beacon, a beacon token instead."
        })
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--live", required = true, paramLabel = "LIVE_ID", description = "The live the token is for.")
    String liveId;

    @Option(
            names = "--ticket",
            paramLabel = "TICKET_ID",
            description = "The viewer's ticket (its Checkout Session id, cs_...); required for a playback token.")
    String ticketId;

    @Option(
            names = "--beacon",
            description = "Print a beacon token instead (STAGEPASS_BEACON_SECRET): what a player reports to ingest "
                    + "with; it plays nothing. Without --ticket it is an anonymous page visitor's.")
    boolean beacon;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "6h",
            description = "Validity, e.g. 30m, 6h (default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            defaultValue = "data",
            description = "The embedded stack's data directory, whose secret signs when the variable is unset "
                    + "(default ${DEFAULT-VALUE}).")
    Path dataDir;

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
        if (!beacon && ticketId == null) {
            throw new ConfigException("--ticket is required for a playback token (or use --beacon)");
        }
        Secret kind = beacon ? Secret.BEACONS : Secret.PLAYBACK_TOKENS;
        String secret = env.string(kind.variable(), null) != null
                ? env.secret(kind)
                : EmbeddedSecrets.stored(dataDir, kind)
                        .orElseThrow(() -> new ConfigException(kind.variable() + " is not set and "
                                + dataDir.resolve(EmbeddedSecrets.FILE)
                                + " does not exist: set the variable to the deployment's secret, or start "
                                + "`stagepass up` with this --data-dir first"));
        PlaybackTokens tokens = beacon ? PlaybackTokens.forBeacons(secret) : new PlaybackTokens(secret);
        String token = tokens.issue(liveId, ticketId, Instant.now().plus(validity));
        System.out.println(token); // alone on standard output, for TOKEN=$(stagepass token ...)
        if (!beacon) {
            System.err.println("watch URL: " + Links.ofApi(apiUrl).watch(liveId, token));
        }
        return 0;
    }
}
