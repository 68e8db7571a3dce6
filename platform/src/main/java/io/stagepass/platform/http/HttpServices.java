package io.stagepass.platform.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Stagepass HTTP service shares: one exception-to-JSON mapping ({@code {"error": ..., "detail": ...}}
 * with the right status), a health route, and a bind to the configured host and port.
 */
public final class HttpServices {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServices.class);

    private HttpServices() {
    }

    /** Creates (not starts) a Javalin app with the shared error mapping and {@code GET /healthz}. */
    public static Javalin create(String serviceName, Consumer<JavalinConfig> routes) {
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            routes.accept(config);
            config.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "service", serviceName)));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> writeError(ctx, e.getStatus(),
                    HttpStatus.forStatus(e.getStatus()).getMessage(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{}: unhandled error on {} {}", serviceName, ctx.method(), ctx.path(), e);
                writeError(ctx, 500, "Internal Server Error", "unexpected error; see the service log");
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    writeError(ctx, 404, "Not Found", "no route for " + ctx.method() + " " + ctx.path());
                }
            });
        });
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

    public static void writeError(Context ctx, int status, String error, String detail) {
        // A refusal can come before the request's body was read, and then the server closes the connection after
        // answering. Say so in the answer, or a client that reuses the connection finds it closed under its next
        // request (an encoder retrying a segment, say).
        if (ctx.req().getContentLengthLong() > 0 || "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"))) {
            ctx.header("Connection", "close");
        }
        ctx.status(status).json(Map.of("error", error, "detail", detail == null ? "" : detail));
    }
}
