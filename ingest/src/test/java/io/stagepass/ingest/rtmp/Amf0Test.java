package io.stagepass.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0Test {

    @Test
    void aConnectCommandRoundTrips() throws Exception {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("app", "live");
        command.put("tcUrl", "rtmp://127.0.0.1:1935/live");
        command.put("fpad", false);
        command.put("audioCodecs", 3191.0);
        byte[] bytes = Amf0.encode("connect", 1.0, command, null);

        List<Object> values = Amf0.decodeAll(bytes, 0);

        assertThat(values).containsExactly("connect", 1.0, command, null);
    }

    @Test
    void ecmaArraysAndStrictArraysDecode() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(8); // ECMA array, count 1 (a hint)
        out.writeBytes(new byte[] {0, 0, 0, 1});
        out.writeBytes(new byte[] {0, 5});
        out.writeBytes("width".getBytes());
        out.writeBytes(Amf0.encode(1280.0));
        out.writeBytes(new byte[] {0, 0, 9});
        out.write(10); // strict array of 2
        out.writeBytes(new byte[] {0, 0, 0, 2});
        out.writeBytes(Amf0.encode("a", true));

        List<Object> values = Amf0.decodeAll(out.toByteArray(), 0);

        assertThat(values).containsExactly(Map.of("width", 1280.0), List.of("a", true));
    }

    @Test
    void aStringLongerThanTheMessageIsRefused() {
        byte[] truncated = {2, 0x10, 0, 'l', 'i', 'v', 'e'}; // claims 4096 bytes

        assertThatThrownBy(() -> Amf0.decodeAll(truncated, 0))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("cut short");
    }

    @Test
    void anArrayCountBeyondTheMessageIsRefusedBeforeAnyAllocation() {
        byte[] hostile = {10, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};

        assertThatThrownBy(() -> Amf0.decodeAll(hostile, 0))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("AMF0 length 2147483647 runs past the end");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i <= Amf0.MAX_DEPTH + 1; i++) {
            out.write(3); // object
            out.writeBytes(new byte[] {0, 1, 'x'});
        }

        assertThatThrownBy(() -> Amf0.decodeAll(out.toByteArray(), 0))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("deeper than");
    }

    @Test
    void aMessageOfManyTinyPropertiesIsRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(3); // one object of 5000 properties of 4 bytes: small bytes, a large map
        for (int i = 0; i < 5000; i++) {
            out.writeBytes(new byte[] {0, 2, (byte) ('a' + i % 26), (byte) ('a' + i / 26 % 26), 5});
        }
        out.writeBytes(new byte[] {0, 0, 9});

        assertThatThrownBy(() -> Amf0.decodeAll(out.toByteArray(), 0))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("more than 4096 AMF0 values");
    }

    @Test
    void anEmptyAmf3MarkedMessageIsAProtocolError() {
        assertThatThrownBy(() -> Amf0.decodeAll(new byte[0], 1)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void anUnknownTypeIsRefused() {
        assertThatThrownBy(() -> Amf0.decodeAll(new byte[] {0x11}, 0))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("AMF0 type 17");
    }
}
