package io.stagepass.replay;

import io.minio.MinioClient;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.http.HttpServices;
import io.stagepass.platform.lifecycle.Resources;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.ops.Operations;
import io.stagepass.replay.playback.Access;
import io.stagepass.replay.playback.MediaObjects;
import io.stagepass.replay.playback.ObjectRoutes;
import io.stagepass.replay.playback.PlaybackRoutes;
import io.stagepass.replay.playback.PlayerPage;
import io.stagepass.replay.playback.SignedUrls;
import io.stagepass.replay.views.PlaybackViews;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay API: playback for ticket holders (live and replay playlists, signed object links, the player page) and
 * what operators need. Its views are rebuilt from the topics at start; it answers before they are complete
 * ({@code /ready} says when they are).
 */
public final class ReplayApiService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayApiService.class);
    private static final Duration VIEWS_WAIT = Duration.ofSeconds(30);

    private final Resources resources = new Resources();
    private HttpServices.Running http;
    private PlaybackViews views;

    private ReplayApiService() {}

    public static ReplayApiService start(ReplayApiConfig config) throws Exception {
        ReplayApiService service = new ReplayApiService();
        try {
            service.startAll(config);
            return service;
        } catch (Exception | Error e) {
            service.close();
            throw e;
        }
    }

    private void startAll(ReplayApiConfig config) throws Exception {
        Clock clock = Clock.systemUTC();
        views = resources.add(new PlaybackViews(config.kafka()).start());
        if (!views.awaitReady(VIEWS_WAIT)) {
            LOG.warn(
                    "the replay API's views did not load within {} s; /ready says when they have",
                    VIEWS_WAIT.toSeconds());
        }
        MinioClient s3 = resources.add(ObjectStore.client(config.s3()));
        MinioClient presigner = resources.add(ObjectStore.client(new S3Settings(
                config.s3PublicEndpoint(),
                config.s3().accessKey(),
                config.s3().secretKey(),
                config.s3().region())));
        MediaObjects objects = new MediaObjects(s3, presigner, config.cacheBytes());
        SignedUrls urls = new SignedUrls(config.tokenSecret(), config.linkTtl());
        Access access = new Access(new PlaybackTokens(config.tokenSecret()), views, clock);
        PlaybackRoutes playback = new PlaybackRoutes(access, views, objects, urls, clock);
        ObjectRoutes objectRoutes = new ObjectRoutes(urls, objects, config.delivery(), clock);
        PlayerPage player = new PlayerPage(access, config.ingestPublicUrl());
        Operations operations = new Operations(views);
        http = resources.add(HttpServices.start("replay-api", config.host(), config.port(), routes -> {
            operations.register(routes);
            playback.register(routes);
            objectRoutes.register(routes);
            player.register(routes);
        }));
    }

    public int port() {
        return http.port();
    }

    /** Every route the server answers, as {@code METHOD /path} with Javalin's path syntax. */
    public List<String> routes() {
        return http.app().unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path)
                .sorted()
                .toList();
    }

    public PlaybackViews views() {
        return views;
    }

    @Override
    public void close() {
        resources.close();
    }
}
