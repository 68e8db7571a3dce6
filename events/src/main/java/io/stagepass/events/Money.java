package io.stagepass.events;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;

/**
 * An amount of money: integer minor units (cents for EUR and USD, yen for JPY) of one ISO 4217 currency.
 * Never a floating-point number, and never added across currencies.
 */
public record Money(long minor, String currency) {

    public Money {
        currency = requireCurrency(currency);
    }

    public static Money of(long minor, String currency) {
        return new Money(minor, currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minor, other.minor), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(minor, other.minor), currency);
    }

    /** Validates and normalizes an ISO 4217 code ("eur" from Stripe becomes "EUR"). */
    public static String requireCurrency(String code) {
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("currency is missing");
        }
        String upper = code.trim().toUpperCase(Locale.ROOT);
        try {
            return Currency.getInstance(upper).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("currency '" + code + "' is not an ISO 4217 code");
        }
    }

    /** How many decimals a currency's minor unit has: 2 for EUR (cents), 0 for JPY, 3 for KWD. */
    public static int digits(String currency) {
        return Math.max(0, Currency.getInstance(requireCurrency(currency)).getDefaultFractionDigits());
    }

    /**
     * {@code minor} units of {@code from} in minor units of {@code to} at {@code rate} (units of {@code to} per unit of
     * {@code from}, as Stripe's {@code exchange_rate}), rounded half to even. Exact decimal arithmetic throughout.
     */
    public static long convert(long minor, String from, String to, BigDecimal rate) {
        return BigDecimal.valueOf(minor)
                .multiply(rate)
                .movePointRight(digits(to) - digits(from))
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " with " + other.currency);
        }
    }

    @Override
    public String toString() {
        return minor + " " + currency + " (minor units)";
    }
}
