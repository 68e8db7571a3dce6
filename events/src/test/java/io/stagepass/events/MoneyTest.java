package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
