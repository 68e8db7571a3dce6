package io.stagepass.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectMoneyTest {
    @Test
    void aShareOfATransferIsRoundedHalfUpInIntegers() {
        // A 5.00 refund of a 15.00 charge whose transfer was 15.00: a third.
        assertThat(ConnectMoney.proportion(1500, 500, 1500)).isEqualTo(500);
        // A 7.00 USD refund of a 20.00 USD charge settled as 18.40 EUR: 6.44 EUR.
        assertThat(ConnectMoney.proportion(1840, 700, 2000)).isEqualTo(644);
        // 13.00 of 20.00 of 18.40: 11.96.
        assertThat(ConnectMoney.proportion(1840, 1300, 2000)).isEqualTo(1196);
        // Half a cent goes up: 1 of 3 of 1.00 is 0.333..., 1 of 2 of 0.01 is 0.005.
        assertThat(ConnectMoney.proportion(100, 1, 3)).isEqualTo(33);
        assertThat(ConnectMoney.proportion(1, 1, 2)).isEqualTo(1);
        assertThat(ConnectMoney.proportion(1500, 500, 0)).isZero();
    }
}
