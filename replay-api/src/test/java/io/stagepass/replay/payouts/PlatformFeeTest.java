package io.stagepass.replay.payouts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformFeeTest {
    @Test
    void theDefaultIsTenPercentPlusThirtyCentsRoundedHalfUpAndNeverMoreThanThePrice() {
        PlatformFee fee = PlatformFee.fromEnv(Env.of(Map.of()));
        assertThat(fee.feeMinor(1500, "EUR")).isEqualTo(150 + 30);
        assertThat(fee.feeMinor(1299, "GBP")).as("129.9 rounds to 130, plus 25").isEqualTo(155);
        assertThat(fee.feeMinor(1205, "EUR")).as("120.5 rounds half up").isEqualTo(121 + 30);
        assertThat(fee.feeMinor(500, "JPY"))
                .as("no fixed part for a currency not listed")
                .isEqualTo(50);
        assertThat(fee.feeMinor(20, "EUR")).as("at most the price").isEqualTo(20);
        assertThat(fee.describe("EUR")).isEqualTo("10% + 0.30 EUR");
        assertThat(fee.describe("JPY")).isEqualTo("10%");
    }

    @Test
    void aDeploymentSetsItsOwnAndMistakesAreNamed() {
        PlatformFee fee =
                PlatformFee.fromEnv(Env.of(Map.of(PlatformFee.PERCENT, "7.5", PlatformFee.FIXED, "eur:0, usd:25")));
        assertThat(fee.basisPoints()).isEqualTo(750);
        assertThat(fee.feeMinor(2000, "USD")).isEqualTo(150 + 25);
        assertThat(fee.feeMinor(2000, "EUR")).isEqualTo(150);

        assertThatThrownBy(() -> PlatformFee.fromEnv(Env.of(Map.of(PlatformFee.PERCENT, "60"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("from 0 to 50");
        assertThatThrownBy(() -> PlatformFee.fromEnv(Env.of(Map.of(PlatformFee.PERCENT, "0.125"))))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> PlatformFee.fromEnv(Env.of(Map.of(PlatformFee.FIXED, "EUR=30"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("CURRENCY:MINOR_UNITS");
    }
}
