package io.stagepass.sandbox.stripe;

import java.util.Currency;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox's Stripe account: the currency it settles in, Stripe's fee on a card payment (1.5 % + 25 minor units of
 * the settlement currency, as on a European card), and fixed exchange rates for charges in another currency. Integer
 * arithmetic only: rates are in millionths.
 */
record Account(String currency) {
    /** Settlement-currency units per charge-currency unit, in millionths (fixed: a sandbox has no market). */
    private static final Map<String, Long> RATES_TO_EUR = Map.of(
            "EUR", 1_000_000L, "USD", 920_000L, "GBP", 1_170_000L, "CHF", 1_050_000L, "JPY", 6_100L, "SEK", 88_000L);

    Account {
        currency = currency.toUpperCase(Locale.ROOT);
    }

    /** A charge settled into the account: its amount, fee and net in the account's currency, and the rate used. */
    record Settlement(long amount, long fee, long net, String currency, Long rateMillionths) {}

    Settlement settle(long amountMinor, String chargeCurrency) {
        String from = chargeCurrency.toUpperCase(Locale.ROOT);
        long settled = from.equals(currency) ? amountMinor : convert(amountMinor, from, currency);
        long fee = (settled * 15 + 500) / 1000 + 25;
        return new Settlement(
                settled, fee, settled - fee, currency, from.equals(currency) ? null : rate(from, currency));
    }

    /** Minor units of {@code from} in minor units of {@code to}, rounded half up. */
    static long convert(long amountMinor, String from, String to) {
        long rate = rate(from, to);
        int shift = digits(to) - digits(from);
        long numerator = amountMinor * rate;
        long denominator = 1_000_000L;
        if (shift > 0) {
            numerator *= (long) Math.pow(10, shift);
        } else if (shift < 0) {
            denominator *= (long) Math.pow(10, -shift);
        }
        return (numerator + denominator / 2) / denominator;
    }

    /** Millionths of {@code to} per unit of {@code from}. */
    static long rate(String from, String to) {
        Long fromRate = RATES_TO_EUR.get(from);
        Long toRate = RATES_TO_EUR.get(to);
        if (fromRate == null || toRate == null) {
            throw new IllegalArgumentException("the sandbox has no exchange rate for " + from + " to " + to);
        }
        return fromRate * 1_000_000L / toRate;
    }

    private static int digits(String currency) {
        return Currency.getInstance(currency).getDefaultFractionDigits();
    }
}
