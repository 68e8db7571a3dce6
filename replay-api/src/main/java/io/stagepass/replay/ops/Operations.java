package io.stagepass.replay.ops;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stagepass.platform.http.LogRedaction;
import io.stagepass.platform.http.RefusalLog;
import io.stagepass.platform.views.TopicView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What operators look at: {@code /health} (the process answers), {@code /ready} (the views caught up with the topics:
 * 503 until then), {@code /metrics} (Prometheus: requests by route and status with latencies, the views' lag) and
 * {@code /openapi.json}. Every request is logged with its route, never its query string: tokens and link signatures
 * travel there. Requests refused for their key, token, origin or rate (401, 403, 429) are summarised every
 * {@link #REFUSALS_WINDOW} ({@link RefusalLog}): a flood of forged keys must not become a flood of log writes.
 */
public final class Operations {
    private static final Logger REQUESTS = LoggerFactory.getLogger("io.stagepass.replay.requests");

    static final Duration REFUSALS_WINDOW = Duration.ofSeconds(10);

    private final TopicView views;
    private final RefusalLog refusals = new RefusalLog(REFUSALS_WINDOW, System::nanoTime, REQUESTS::info);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final String openApi = resource("/openapi.json");

    public Operations(TopicView views) {
        this.views = views;
        Gauge.builder("stagepass_view_lag_records", views, TopicView::lag)
                .description(
                        "Records on the topics the views follow (catalog, segments, replays, payments, audience) not"
                                + " applied yet")
                .register(registry);
        Gauge.builder("stagepass_view_ready", views, v -> v.ready() ? 1 : 0)
                .description("1 once the views hold what the topics held at start")
                .register(registry);
    }

    public void register(JavalinConfig config) {
        config.requestLogger.http(this::log);
        config.routes.get("/health", ctx -> ctx.json(Map.of("status", "ok")));
        config.routes.get("/ready", this::ready);
        config.routes.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(registry.scrape()));
        config.routes.get(
                "/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    }

    private void ready(Context ctx) {
        Map<String, Object> body =
                Map.of("ready", views.ready(), "lagRecords", views.lag(), "applied", views.appliedCount());
        ctx.status(views.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .json(body);
    }

    private void log(Context ctx, Float millis) {
        String route;
        try {
            route = ctx.endpoint().path;
        } catch (RuntimeException e) {
            route = "unmatched";
        }
        if (route == null || route.isEmpty()) {
            route = "unmatched";
        }
        Timer.builder("http_server_requests")
                .tag("method", ctx.method().name())
                .tag("route", route)
                .tag("status", Integer.toString(ctx.statusCode()))
                .publishPercentileHistogram()
                .register(registry)
                .record(Duration.ofNanos((long) (millis * 1_000_000)));
        int status = ctx.statusCode();
        if (status == 401 || status == 403 || status == 429) {
            refusals.refused(ctx.method().name(), route, status, LogRedaction.path(ctx.path()));
            return;
        }
        // Object fetches are most of the traffic (every segment of every viewer): logged at DEBUG, counted always.
        if (route.contains("/objects/")) {
            if (REQUESTS.isDebugEnabled()) {
                REQUESTS.debug(
                        "{} {} {} {} ms",
                        ctx.method(),
                        LogRedaction.path(ctx.path()),
                        ctx.statusCode(),
                        Math.round(millis));
            }
        } else if (!route.equals("/metrics") && !route.equals("/health") && !route.equals("/ready")) {
            REQUESTS.info(
                    "{} {} {} {} ms",
                    ctx.method(),
                    LogRedaction.path(ctx.path()),
                    ctx.statusCode(),
                    Math.round(millis));
        }
    }

    private static String resource(String name) {
        try (InputStream in = Operations.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
