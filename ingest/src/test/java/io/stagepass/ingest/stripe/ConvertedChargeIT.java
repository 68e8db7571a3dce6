package io.stagepass.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.checkout.Session;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import io.stagepass.embedded.Ports;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.TicketOffers;
import io.stagepass.events.Topic;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.sandbox.stripe.StripeSandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A USD ticket sold on a EUR Stripe account: Stripe converts, so the balance transaction's amount, fee and net are in
 * EUR. The payment fact keeps the charge in USD and carries the settlement in EUR, with the rate; a refund is
 * converted at the charge's rate.
 */
class ConvertedChargeIT {
    @TempDir
    Path dir;

    @Test
    void feesAndNetAreInTheSettlementCurrencyAndTheChargeStaysInItsOwn() throws Exception {
        int stripePort = Ports.free();
        try (IngestFixture fixture =
                        new IngestFixture(dir, Duration.ofSeconds(60), 1L << 30, "http://127.0.0.1:" + stripePort);
                StripeSandbox sandbox = StripeSandbox.start(
                        stripePort,
                        "http://127.0.0.1:" + fixture.ingest.port() + "/v1/stripe/webhook",
                        IngestFixture.WEBHOOK_SECRET,
                        "EUR")) {
            StripeClient stripe = StripeClient.builder()
                    .setApiKey("sk_test_converted")
                    .setApiBase(sandbox.apiBase())
                    .build();
            Map<String, String> offer = TicketOffers.metadata("live_usd", "creator_usd", "viewer", 2000, "USD");
            Session session = stripe.checkout()
                    .sessions()
                    .create(SessionCreateParams.builder()
                            .setMode(SessionCreateParams.Mode.PAYMENT)
                            .setSuccessUrl("https://tickets.example/ok")
                            .putAllMetadata(offer)
                            .setClientReferenceId(IngestFixture.OFFERS.reference(offer))
                            .addLineItem(SessionCreateParams.LineItem.builder()
                                    .setQuantity(1L)
                                    .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                            .setCurrency("usd")
                                            .setUnitAmount(2000L)
                                            .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                                    .setName("USD live")
                                                    .build())
                                            .build())
                                    .build())
                            .build());
            sandbox.pay(session.getId(), "buyer@example.com");
            Session paid = stripe.checkout().sessions().retrieve(session.getId());
            stripe.refunds()
                    .create(RefundCreateParams.builder()
                            .setPaymentIntent(paid.getPaymentIntent())
                            .setAmount(500L)
                            .build());

            List<PaymentFact> facts = Await.until(
                            IngestFixture.DEADLINE, Duration.ofMillis(200), () -> payments(fixture), f -> f.size() >= 2)
                    .value();
            PaymentFact sale = facts.stream()
                    .filter(f -> f.getType() == PaymentEventType.CHECKOUT_COMPLETED)
                    .findFirst()
                    .orElseThrow();
            // The sandbox's account: 0.92 EUR per USD; fee 1.5 % + 0.25 of the settled amount.
            assertThat(sale.getCurrency()).isEqualTo("USD");
            assertThat(sale.getAmountMinor()).isEqualTo(2000);
            assertThat(sale.getSettlementCurrency()).isEqualTo("EUR");
            assertThat(sale.getSettlementAmountMinor()).isEqualTo(1840);
            assertThat(sale.getFeeMinor()).isEqualTo((1840 * 15 + 500) / 1000 + 25);
            assertThat(sale.getNetMinor()).isEqualTo(1840 - sale.getFeeMinor());
            assertThat(sale.getExchangeRate()).isEqualTo("0.92");

            PaymentFact refund = facts.stream()
                    .filter(f -> f.getType() == PaymentEventType.CHARGE_REFUNDED)
                    .findFirst()
                    .orElseThrow();
            assertThat(refund.getCurrency()).isEqualTo("USD");
            assertThat(refund.getAmountMinor()).isEqualTo(500);
            assertThat(refund.getSettlementCurrency()).isEqualTo("EUR");
            assertThat(refund.getSettlementAmountMinor())
                    .as("500 USD cents at 0.92")
                    .isEqualTo(460);
        }
    }

    private static List<PaymentFact> payments(IngestFixture fixture) {
        EventCodec<PaymentFact> codec = EventCodec.of(PaymentFact.class);
        try (TopicReader reader = new TopicReader(fixture.kafka.settings())) {
            return reader.readFrom(Topic.PAYMENTS, Map.of(), Duration.ofSeconds(5)).stream()
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }
}
