package io.stagepass.replay.payouts;

import io.stagepass.events.Money;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The platform's fee on each ticket: a share of the price plus a fixed amount per currency, in integers (the share in
 * basis points, rounded half up; never more than the price). Stripe collects it from the creator's account as the
 * destination charge's application fee; Stripe's own processing fee is paid out of it.
 *
 * @param basisPoints {@code STAGEPASS_PLATFORM_FEE_PERCENT}, default 10 (0 to 50, two decimals at most)
 * @param fixedMinor  {@code STAGEPASS_PLATFORM_FEE_FIXED}, default {@code EUR:30,USD:30,GBP:25,CHF:30}: minor units per
 *                    ticket, by currency (none for others)
 */
public record PlatformFee(int basisPoints, Map<String, Long> fixedMinor) {
    public static final String PERCENT = "STAGEPASS_PLATFORM_FEE_PERCENT";
    public static final String FIXED = "STAGEPASS_PLATFORM_FEE_FIXED";
    static final String DEFAULT_FIXED = "EUR:30,USD:30,GBP:25,CHF:30";

    public PlatformFee {
        fixedMinor = Map.copyOf(fixedMinor);
    }

    /** The fee for a creator: the operator's for them when set, else this, the deployment's. */
    public PlatformFee forCreator(io.stagepass.events.Creator creator) {
        io.stagepass.events.PlatformFeeOverride own = creator == null ? null : creator.getPlatformFee();
        return own == null ? this : new PlatformFee(own.getBasisPoints(), Map.copyOf(own.getFixedMinor()));
    }

    /** The operator's fee for one creator, as the contract stores it. */
    public io.stagepass.events.PlatformFeeOverride asOverride() {
        return new io.stagepass.events.PlatformFeeOverride(basisPoints, new TreeMap<>(fixedMinor));
    }

    /**
     * A fee as the operator's route takes it: {@code percent} as a string ("7.5") and {@code fixed} as currency to
     * minor units; the same rules as the environment's.
     */
    public static PlatformFee parse(String percent, Map<String, Long> fixed) {
        StringBuilder pairs = new StringBuilder();
        fixed.forEach((currency, minor) ->
                pairs.append(currency).append(':').append(minor).append(','));
        return fromEnv(Env.of(Map.of(PERCENT, percent == null ? "" : percent, FIXED, pairs.toString())));
    }

    /** The fee on one ticket of {@code priceMinor} in {@code currency}. */
    public long feeMinor(long priceMinor, String currency) {
        long share = (priceMinor * basisPoints * 2 + 10_000) / 20_000;
        long fee = Math.addExact(share, fixedMinor.getOrDefault(currency.toUpperCase(Locale.ROOT), 0L));
        return Math.min(priceMinor, fee);
    }

    /** As a person reads it: "10% + 0.30 EUR". */
    public String describe(String currency) {
        String percent = BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + "%";
        long fixed = fixedMinor.getOrDefault(currency.toUpperCase(Locale.ROOT), 0L);
        String code = currency.toUpperCase(Locale.ROOT);
        return fixed == 0
                ? percent
                : percent + " + "
                        + BigDecimal.valueOf(fixed, Money.digits(code)).toPlainString() + " " + code;
    }

    public static PlatformFee fromEnv(Env env) {
        String percent = env.string(PERCENT, "10").strip();
        int basisPoints;
        try {
            BigDecimal value = new BigDecimal(percent);
            if (value.scale() > 2 || value.signum() < 0 || value.compareTo(BigDecimal.valueOf(50)) > 0) {
                throw new NumberFormatException();
            }
            basisPoints = value.movePointRight(2).intValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(PERCENT
                    + " must be a percentage from 0 to 50 with at most two decimals (7.5), got '" + percent + "'");
        }
        Map<String, Long> fixed = new TreeMap<>();
        for (String part : env.string(FIXED, DEFAULT_FIXED).split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] pair = part.strip().split(":");
            try {
                long amount = Long.parseLong(pair[1].strip());
                if (pair.length != 2 || amount < 0) {
                    throw new NumberFormatException();
                }
                fixed.put(Money.requireCurrency(pair[0].strip()), amount);
            } catch (RuntimeException e) {
                throw new ConfigException(
                        FIXED + " lists CURRENCY:MINOR_UNITS pairs (EUR:30,USD:30), got '" + part.strip() + "'");
            }
        }
        return new PlatformFee(basisPoints, fixed);
    }
}
