package io.stagepass.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.stagepass.platform.kafka.NotDurableException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Stagepass HTTP service shares: one exception-to-JSON mapping ({@code {"error": ..., "detail": ...}}
 * with the right status: Javalin's typed responses, {@link ServiceUnavailableException} and
 * {@link NotDurableException} as 503 with Retry-After, anything else a 500 that reveals nothing), a health route,
 * and a bind to the configured host and port. A service registers handlers for its own typed exceptions once, in
 * the same way.
 */
public final class HttpServices {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServices.class);
    /** Kafka leader elections and short outages pass within seconds. */
    private static final int NOT_DURABLE_RETRY_SECONDS = 2;

    private HttpServices() {}

    /** Creates (not starts) a Javalin app with the shared error mapping and {@code GET /healthz}. */
    public static Javalin create(String serviceName, Consumer<JavalinConfig> routes) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(json(), false));
            routes.accept(config);
            config.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "service", serviceName)));
            config.routes.exception(
                    HttpResponseException.class,
                    (e, ctx) -> writeError(ctx, HttpStatus.forStatus(e.getStatus()), e.getMessage()));
            config.routes.exception(InvalidFieldsException.class, (e, ctx) -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("error", reasonPhrase(HttpStatus.BAD_REQUEST));
                body.put("detail", e.getMessage());
                body.put("fields", e.fields());
                closeIfUnread(ctx);
                ctx.status(HttpStatus.BAD_REQUEST).json(body);
            });
            config.routes.exception(
                    ServiceUnavailableException.class,
                    (e, ctx) -> unavailable(ctx, e.retryAfterSeconds(), e.getMessage()));
            config.routes.exception(NotDurableException.class, (e, ctx) -> {
                LOG.warn("{}: {} {}: {}", serviceName, ctx.method(), LogRedaction.path(ctx.path()), e.getMessage());
                unavailable(
                        ctx,
                        NOT_DURABLE_RETRY_SECONDS,
                        "the data is not durable yet (Kafka has not acknowledged it); "
                                + "nothing was accepted: send the request again");
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{}: unhandled error on {} {}", serviceName, ctx.method(), LogRedaction.path(ctx.path()), e);
                writeError(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error; see the service log");
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    writeError(ctx, HttpStatus.NOT_FOUND, "no route for " + ctx.method() + " " + ctx.path());
                }
            });
        });
    }

    /**
     * The JSON mapper of every service: Javalin's default, with {@code java.time} types written as ISO-8601 strings
     * ({@code "2026-12-02T04:10:00Z"}), not as seconds with a fraction.
     */
    public static ObjectMapper json() {
        return JavalinJackson.defaultMapper()
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** Creates and starts the app on host:port (port 0 = a free port). */
    public static Running start(String serviceName, String host, int port, Consumer<JavalinConfig> routes) {
        Javalin app = create(serviceName, routes);
        app.start(host, port);
        LOG.info("{} listening on http://{}:{}", serviceName, host, app.port());
        return new Running(app);
    }

    /** A started HTTP service; closing it stops the server. */
    public record Running(Javalin app) implements AutoCloseable {
        public int port() {
            return app.port();
        }

        @Override
        public void close() {
            app.stop();
        }
    }

    /** RFC 9110's reason phrase (Javalin says "Server Error" for 500). */
    private static String reasonPhrase(HttpStatus status) {
        return status == HttpStatus.INTERNAL_SERVER_ERROR ? "Internal Server Error" : status.getMessage();
    }

    private static void unavailable(Context ctx, int retryAfterSeconds, String detail) {
        ctx.header("Retry-After", Integer.toString(retryAfterSeconds));
        writeError(ctx, HttpStatus.SERVICE_UNAVAILABLE, detail);
    }

    /**
     * The one way an error is written: {@code {"error": REASON PHRASE, "detail": WHAT WAS WRONG}} with the status. Routes
     * throw typed exceptions, and the handler a service registers for each calls this.
     */
    public static void writeError(Context ctx, HttpStatus status, String detail) {
        closeIfUnread(ctx);
        ctx.status(status).json(Map.of("error", reasonPhrase(status), "detail", detail == null ? "" : detail));
    }

    /**
     * A refusal can come before the request's body was read, and then the server closes the connection after
     * answering. Say so in the answer, or a client that reuses the connection finds it closed under its next request
     * (an encoder retrying a segment, say).
     */
    private static void closeIfUnread(Context ctx) {
        if (ctx.req().getContentLengthLong() > 0 || "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"))) {
            ctx.header("Connection", "close");
        }
    }
}
