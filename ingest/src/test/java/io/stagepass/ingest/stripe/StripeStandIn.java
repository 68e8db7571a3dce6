package io.stagepass.ingest.stripe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for the two Stripe API calls ingest makes, answering with Stripe's JSON shapes: list Checkout
 * Sessions by payment intent, and retrieve a payment intent with its charge's balance transaction expanded.
 */
final class StripeStandIn implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> sessionsByIntent = new ConcurrentHashMap<>();
    private final Map<String, long[]> feeAndNetByIntent = new ConcurrentHashMap<>();

    StripeStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/checkout/sessions", this::listSessions);
        server.createContext("/v1/payment_intents/", this::retrieveIntent);
        server.start();
    }

    String apiBase() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void session(String paymentIntentId, String sessionJson) {
        sessionsByIntent.put(paymentIntentId, sessionJson);
    }

    void balance(String paymentIntentId, long fee, long net) {
        feeAndNetByIntent.put(paymentIntentId, new long[] {fee, net});
    }

    private void listSessions(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery() == null
                ? ""
                : exchange.getRequestURI().getQuery();
        String intent = query.replaceAll(".*payment_intent=([^&]+).*", "$1");
        String session = sessionsByIntent.get(intent);
        respond(
                exchange,
                200,
                "{\"object\": \"list\", \"url\": \"/v1/checkout/sessions\", \"has_more\": false, \"data\": ["
                        + (session == null ? "" : session) + "]}");
    }

    private void retrieveIntent(HttpExchange exchange) throws IOException {
        String intent = exchange.getRequestURI().getPath().substring("/v1/payment_intents/".length());
        long[] feeAndNet = feeAndNetByIntent.get(intent);
        if (feeAndNet == null) {
            respond(
                    exchange,
                    404,
                    "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"No such payment_intent: '"
                            + intent + "'\"}}");
            return;
        }
        respond(exchange, 200, """
                {"id": "%s", "object": "payment_intent", "amount": %d, "currency": "eur", "status": "succeeded",
                 "latest_charge": {"id": "ch_%s", "object": "charge", "amount": %d, "currency": "eur", "paid": true,
                   "balance_transaction": {"id": "txn_%s", "object": "balance_transaction", "amount": %d,
                     "currency": "eur", "fee": %d, "net": %d, "type": "charge"}}}
                """.formatted(
                        intent,
                        feeAndNet[0] + feeAndNet[1],
                        intent,
                        feeAndNet[0] + feeAndNet[1],
                        intent,
                        feeAndNet[0] + feeAndNet[1],
                        feeAndNet[0],
                        feeAndNet[1]));
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Request-Id", "req_standin");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
