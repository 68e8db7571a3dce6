package io.stagepass.replay.creators;

import io.stagepass.events.Money;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Ticket prices as Stripe takes them: the currencies we sell in, each with Stripe's minimum charge (in minor units),
 * and at most eight digits. Stripe's minimums are about 0.50 USD in each currency; those below are its published
 * table for card payments.
 */
public final class Prices {
    /** Stripe's largest amount: eight digits of minor units. */
    public static final long MAX_MINOR = 99_999_999L;

    private static final Map<String, Long> MINIMUM_MINOR = new TreeMap<>(Map.ofEntries(
            Map.entry("AUD", 50L),
            Map.entry("BRL", 50L),
            Map.entry("CAD", 50L),
            Map.entry("CHF", 50L),
            Map.entry("CZK", 1_500L),
            Map.entry("DKK", 250L),
            Map.entry("EUR", 50L),
            Map.entry("GBP", 30L),
            Map.entry("HKD", 400L),
            Map.entry("HUF", 17_500L),
            Map.entry("INR", 50L),
            Map.entry("JPY", 50L),
            Map.entry("MXN", 1_000L),
            Map.entry("NOK", 300L),
            Map.entry("NZD", 50L),
            Map.entry("PLN", 200L),
            Map.entry("RON", 200L),
            Map.entry("SEK", 300L),
            Map.entry("SGD", 50L),
            Map.entry("USD", 50L)));

    private Prices() {}

    /** The supported currencies, as ISO codes. */
    public static Set<String> currencies() {
        return MINIMUM_MINOR.keySet();
    }

    /** The smallest price Stripe charges in {@code currency}; empty when we do not sell in it. */
    public static Optional<Long> minimumMinor(String currency) {
        return Optional.ofNullable(MINIMUM_MINOR.get(currency));
    }

    /** What is wrong with {@code minor} as a price in {@code currency}, if anything. */
    public static Optional<String> problem(long minor, String currency) {
        Long minimum = MINIMUM_MINOR.get(currency);
        if (minimum == null) {
            return Optional.of(
                    "currency " + currency + " is not sold in (one of " + String.join(", ", currencies()) + ")");
        }
        if (minor < minimum) {
            return Optional.of("at least " + minimum + " minor units (" + format(minimum, currency)
                    + ", Stripe's minimum charge in " + currency + "), got " + minor);
        }
        if (minor > MAX_MINOR) {
            return Optional.of("at most " + MAX_MINOR + " minor units, got " + minor);
        }
        return Optional.empty();
    }

    /**
     * A price as a buyer reads it: {@code €15.00}, {@code ¥1,500}, {@code CHF 15.00}. Exact: the minor units are moved
     * by the currency's decimals, never through a double.
     */
    public static String format(long minor, String currency) {
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        Currency code = Currency.getInstance(currency);
        format.setCurrency(code);
        int digits = Money.digits(currency);
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format.format(BigDecimal.valueOf(minor).movePointLeft(digits));
    }
}
