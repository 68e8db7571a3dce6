package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void addsAndSubtractsMinorUnitsOfOneCurrency() {
        Money total = Money.of(1500, "eur").plus(Money.of(1500, "EUR")).minus(Money.of(47, "EUR"));

        assertThat(total).isEqualTo(Money.of(2953, "EUR"));
    }

    @Test
    void neverAddsAcrossCurrencies() {
        assertThatThrownBy(() -> Money.of(1500, "EUR").plus(Money.of(1500, "USD")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EUR")
                .hasMessageContaining("USD");
    }

    @Test
    void refusesCodesThatAreNotIso4217() {
        assertThatThrownBy(() -> Money.of(1, "EURO")).hasMessageContaining("not an ISO 4217 code");
        assertThatThrownBy(() -> Money.of(1, " ")).hasMessageContaining("missing");
    }

    @Test
    void refusesOverflowInsteadOfWrapping() {
        assertThatThrownBy(() -> Money.of(Long.MAX_VALUE, "JPY").plus(Money.of(1, "JPY")))
                .isInstanceOf(ArithmeticException.class);
    }

    @Test
    void derivedIdsAreStablePerExternalId() {
        assertThat(Ids.derivedEventId("stripe", "evt_1"))
                .isEqualTo(Ids.derivedEventId("stripe", "evt_1"))
                .isNotEqualTo(Ids.derivedEventId("stripe", "evt_2"));
    }

    @Test
    void convertsBetweenCurrenciesWithDifferentMinorUnitsExactly() {
        assertThat(Money.convert(2000, "USD", "EUR", new BigDecimal("0.92"))).isEqualTo(1840);
        assertThat(Money.convert(1500, "JPY", "EUR", new BigDecimal("0.0061"))).isEqualTo(915);
        assertThat(Money.convert(915, "EUR", "JPY", new BigDecimal("163.934426")))
                .isEqualTo(1500);
        assertThat(Money.convert(5, "USD", "EUR", new BigDecimal("0.9")))
                .as("4.5 rounds to even")
                .isEqualTo(4);
        assertThat(Money.digits("JPY")).isZero();
        assertThat(Money.digits("KWD")).isEqualTo(3);
    }
}
