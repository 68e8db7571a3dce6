package io.stagepass.platform.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.http.BadRequestResponse;
import io.stagepass.platform.kafka.NotDurableException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpServicesTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServices.Running service;

    @BeforeEach
    void start() {
        service = HttpServices.start("test", "127.0.0.1", 0, config -> {
            config.routes.get("/bad", ctx -> {
                throw new BadRequestResponse("field 'type' must be one of HEARTBEAT, VIEW_END");
            });
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("secret internals");
            });
            config.routes.get("/away", ctx -> {
                throw new ServiceUnavailableException("Stripe's API could not be reached", 5, null);
            });
            config.routes.get("/not-durable", ctx -> {
                throw new NotDurableException("3 record(s) not acknowledged", null);
            });
        });
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void servesHealth() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"ok\"").contains("\"service\":\"test\"");
    }

    @Test
    void mapsTypedErrorsToJsonWithTheirStatus() throws Exception {
        HttpResponse<String> response = get("/bad");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).contains("json"));
        assertThat(response.body()).contains("\"error\":\"Bad Request\"").contains("field 'type' must be one of");
    }

    @Test
    void hidesUnexpectedErrorsBehindA500() throws Exception {
        HttpResponse<String> response = get("/boom");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body())
                .contains("\"error\":\"Internal Server Error\"")
                .doesNotContain("secret internals");
    }

    @Test
    void unknownRoutesAreA404InJson() throws Exception {
        HttpResponse<String> response = get("/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"Not Found\"").contains("GET /nope");
    }

    @Test
    void aServiceThatCannotStoreNowSays503WithRetryAfter() throws Exception {
        HttpResponse<String> away = get("/away");
        assertThat(away.statusCode()).isEqualTo(503);
        assertThat(away.headers().firstValue("Retry-After")).contains("5");
        assertThat(away.body())
                .contains("\"error\":\"Service Unavailable\"")
                .contains("Stripe's API could not be reached");

        HttpResponse<String> notDurable = get("/not-durable");
        assertThat(notDurable.statusCode()).isEqualTo(503);
        assertThat(notDurable.headers().firstValue("Retry-After")).isPresent();
        assertThat(notDurable.body()).contains("send the request again").doesNotContain("3 record(s)");
    }

    @Test
    void stopsAndFreesItsPort() throws Exception {
        int port = service.port();
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        service.close();

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .as("nothing listens on %d after close", port)
                .isInstanceOf(ConnectException.class);
        new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close(); // and the port can be bound again
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
