package io.stagepass.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.http.BadRequestResponse;
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
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("json"));
        assertThat(response.body()).contains("\"error\":\"Bad Request\"").contains("field 'type' must be one of");
    }

    @Test
    void hidesUnexpectedErrorsBehindA500() throws Exception {
        HttpResponse<String> response = get("/boom");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("\"error\":\"Internal Server Error\"").doesNotContain("secret internals");
    }

    @Test
    void unknownRoutesAreA404InJson() throws Exception {
        HttpResponse<String> response = get("/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"Not Found\"").contains("GET /nope");
    }

    @Test
    void stopsAndFreesItsPort() throws Exception {
        int port = service.port();
        service.close();

        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
