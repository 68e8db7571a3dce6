package io.stagepass.launcher;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagepass token}: a playback token, as the replay API will issue them, for trying the beacon endpoint. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = {
            "Print a playback token for a live, signed with STAGEPASS_PLAYBACK_TOKEN_SECRET (the embedded default "
                    + "when unset). Players send it with their beacons; the replay API will issue these to ticket holders."
        })
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--live", required = true, paramLabel = "LIVE_ID", description = "The live the token is for.")
    String liveId;

    @Option(
            names = "--ticket",
            paramLabel = "TICKET_ID",
            description = "The viewer's ticket; omit for an anonymous page visitor.")
    String ticketId;

    @Option(
            names = "--ttl",
            paramLabel = "DURATION",
            defaultValue = "6h",
            description = "Validity, e.g. 30m, 6h (default ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() {
        Env env = Env.system().with(Map.of("TTL", ttl));
        Duration validity = env.duration("TTL", Duration.ofHours(6));
        PlaybackTokens tokens =
                new PlaybackTokens(env.string(PlaybackTokens.SECRET_VARIABLE, PlaybackTokens.EMBEDDED_SECRET));
        System.out.println(tokens.issue(liveId, ticketId, Instant.now().plus(validity)));
        return 0;
    }
}
