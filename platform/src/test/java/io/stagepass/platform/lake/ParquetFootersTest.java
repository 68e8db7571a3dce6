package io.stagepass.platform.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ParquetFootersTest {
    @Test
    void readsTheFooterLengthBeforeTheMagic() throws Exception {
        assertThat(ParquetFooters.footerLength("f", tail(70_000, "PAR1"))).isEqualTo(70_000);
    }

    @Test
    void refusesWhatIsNotAPlainParquetFileWithTheReason() {
        assertThatThrownBy(() -> ParquetFooters.footerLength("a.csv", "x,y\n1,2\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("a.csv is not a Parquet file");
        assertThatThrownBy(() -> ParquetFooters.footerLength("e.parquet", tail(100, "PARE")))
                .hasMessageContaining("encrypted footer");
        assertThatThrownBy(() -> ParquetFooters.footerLength("z.parquet", tail(0, "PAR1")))
                .hasMessageContaining("footer length 0");
        assertThatThrownBy(() -> ParquetFooters.rows("t.parquet", new byte[] {1, 2, 3}))
                .hasMessageContaining("t.parquet has a footer that does not decode");
    }

    private static byte[] tail(int footerLength, String magic) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(footerLength)
                .put(magic.getBytes(StandardCharsets.US_ASCII))
                .array();
    }
}
