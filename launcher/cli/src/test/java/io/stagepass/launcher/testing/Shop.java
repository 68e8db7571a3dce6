package io.stagepass.launcher.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.launcher.Stack;
import io.stagepass.launcher.demo.DemoTraffic;
import io.stagepass.launcher.demo.LiveScheduler;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.replay.creators.Catalog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;

/**
 * A creator and buyers on a running stack, through the same doors people use: the account as {@code stagepass
 * creators add} makes it, the live through the creators' API, tickets through the checkout route and the Stripe
 * sandbox's hosted page, and the dashboard's events stream.
 */
public final class Shop {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private final Stack stack;
    public final Catalog.Account creator;

    public Shop(Stack stack, String name, String currency) {
        this.stack = stack;
        try (EventPublisher publisher = new EventPublisher(stack.kafka(), "shop")) {
            this.creator = new Catalog(publisher, Clock.systemUTC()).register(name, null, currency);
        }
    }

    public String api() {
        return "http://127.0.0.1:" + stack.apiPort();
    }

    public String ingest() {
        return "http://127.0.0.1:" + stack.ingestPort();
    }

    /** {@code POST /v1/lives} with the creator's key; the answer, stream key included. Waits until ingest knows it. */
    public JsonNode live(String title, String currency, long price) throws Exception {
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create(api() + "/v1/lives"))
                        .header("Authorization", "Bearer " + creator.apiKey())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"" + title + "\", \"currency\": \""
                                + currency + "\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": " + price + "}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /v1/lives: " + created.statusCode() + " " + created.body());
        }
        JsonNode live = JSON.readTree(created.body());
        LiveScheduler.awaitIngestKnows(ingest(), live.get("streamKey").asText(), Duration.ofSeconds(30));
        return live;
    }

    /** The checkout route's answer to a buyer's form: 303 to the hosted page. */
    public HttpResponse<String> checkout(String liveId, String email) throws Exception {
        return DemoTraffic.checkout(HTTP, api(), liveId, email);
    }

    /** Pays on the sandbox's hosted page, as the buyer's browser would; returns where Stripe sends them back. */
    public String pay(HttpResponse<String> checkout, String email) throws Exception {
        return DemoTraffic.payOnHostedPage(HTTP, checkout, email);
    }

    /** Buys a ticket; its id (the Checkout Session's). */
    public String buy(String liveId, String email) throws Exception {
        HttpResponse<String> checkout = checkout(liveId, email);
        pay(checkout, email);
        return JSON.readTree(checkout.body()).get("sessionId").asText();
    }

    public JsonNode get(String path) throws Exception {
        return JSON.readTree(HTTP.send(
                        HttpRequest.newBuilder(URI.create(api() + path))
                                .header("Authorization", "Bearer " + creator.apiKey())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
    }

    /** One server-sent event, and when it arrived ({@link System#nanoTime()}). */
    public record Event(String name, JsonNode data, long receivedNanos) {}

    /** The live's events stream, as the dashboard opens it; events queue up until taken. */
    public BlockingQueue<Event> events(String liveId) {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(api() + "/v1/lives/" + liveId + "/events"))
                .header("Authorization", "Bearer " + creator.apiKey())
                .header("Accept", "text/event-stream")
                .build();
        HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
            String[] name = {null};
            try (Stream<String> lines = response.body()) {
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).strip();
                    } else if (line.startsWith("data:") && name[0] != null) {
                        try {
                            events.add(new Event(
                                    name[0], JSON.readTree(line.substring(5).strip()), System.nanoTime()));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
            }
        });
        return events;
    }

    /** The net revenue of the live's first currency in an event or route answer, and its tickets sold. */
    public static long ticketsSold(JsonNode revenue) {
        JsonNode currencies = revenue.path("currencies");
        return currencies.isEmpty()
                ? 0
                : currencies.get(0).path("totals").path("ticketsSold").asLong();
    }

    public static List<Long> sorted(List<Long> values) {
        return values.stream().sorted().toList();
    }
}
