package io.stagepass.ingest.rtmp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMF0, the encoding of RTMP's commands and metadata: numbers (IEEE doubles), booleans, strings, objects, ECMA and
 * strict arrays, null and undefined. Decoding reads from a message already bounded in size and refuses what does not
 * fit in it, nesting deeper than {@link #MAX_DEPTH}, more than {@link #MAX_VALUES} values (a small message of many tiny
 * properties would otherwise become a large map) and types RTMP publishers never send, with a {@link ProtocolException}.
 * Objects decode to {@code Map<String, Object>} in their order, strict arrays to {@code List<Object>}, null and
 * undefined to {@code null}.
 */
public final class Amf0 {
    static final int MAX_DEPTH = 16;
    /** Values (properties and items included) one message may hold: a command or metadata needs a few dozen. */
    static final int MAX_VALUES = 4096;

    private static final int NUMBER = 0;
    private static final int BOOLEAN = 1;
    private static final int STRING = 2;
    private static final int OBJECT = 3;
    private static final int NULL = 5;
    private static final int UNDEFINED = 6;
    private static final int ECMA_ARRAY = 8;
    private static final int OBJECT_END = 9;
    private static final int STRICT_ARRAY = 10;
    private static final int DATE = 11;
    private static final int LONG_STRING = 12;

    private Amf0() {}

    /** Every value in {@code bytes}, in order. */
    public static List<Object> decodeAll(byte[] bytes, int offset) throws ProtocolException {
        if (offset > bytes.length) {
            throw new ProtocolException("an empty AMF3-marked message");
        }
        Decoder decoder = new Decoder(ByteBuffer.wrap(bytes, offset, bytes.length - offset));
        List<Object> values = new ArrayList<>();
        while (decoder.in.hasRemaining()) {
            values.add(decoder.value(0));
        }
        return values;
    }

    /** One message's decoding, with what is left of its value budget. */
    private static final class Decoder {
        final ByteBuffer in;
        int budget = MAX_VALUES;

        Decoder(ByteBuffer in) {
            this.in = in;
        }

        Object value(int depth) throws ProtocolException {
            if (depth > MAX_DEPTH) {
                throw new ProtocolException("AMF0 nests deeper than " + MAX_DEPTH + " levels");
            }
            if (--budget < 0) {
                throw new ProtocolException("more than " + MAX_VALUES + " AMF0 values in one message");
            }
            int type = u8();
            return switch (type) {
                case NUMBER -> need(8).getDouble();
                case BOOLEAN -> u8() != 0;
                case STRING -> string(u16());
                case LONG_STRING -> string(u32Length());
                case OBJECT -> properties(depth);
                case ECMA_ARRAY -> {
                    need(4).getInt(); // a hint only: the properties end with the object-end marker
                    yield properties(depth);
                }
                case STRICT_ARRAY -> {
                    long count = u32Length(); // each item takes a byte at least: no more items than bytes left
                    List<Object> items = new ArrayList<>();
                    for (long i = 0; i < count; i++) {
                        items.add(value(depth + 1));
                    }
                    yield items;
                }
                case DATE -> {
                    double millis = need(10).getDouble();
                    in.getShort(); // time zone, unused
                    yield millis;
                }
                case NULL, UNDEFINED -> null;
                default -> throw new ProtocolException("AMF0 type " + type + " is not one RTMP publishers send");
            };
        }

        private Map<String, Object> properties(int depth) throws ProtocolException {
            Map<String, Object> object = new LinkedHashMap<>();
            while (true) {
                String name = string(u16());
                if (name.isEmpty() && in.hasRemaining() && in.get(in.position()) == OBJECT_END) {
                    in.get();
                    return object;
                }
                object.put(name, value(depth + 1));
            }
        }

        private String string(long length) throws ProtocolException {
            byte[] bytes = new byte[(int) length];
            need(bytes.length).get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private int u8() throws ProtocolException {
            return need(1).get() & 0xff;
        }

        private int u16() throws ProtocolException {
            return need(2).getShort() & 0xffff;
        }

        private long u32Length() throws ProtocolException {
            long length = need(4).getInt() & 0xffffffffL;
            if (length > in.remaining()) {
                throw new ProtocolException("AMF0 length " + length + " runs past the end of the message ("
                        + in.remaining() + " bytes left)");
            }
            return length;
        }

        private ByteBuffer need(int bytes) throws ProtocolException {
            if (in.remaining() < bytes) {
                throw new ProtocolException(
                        "AMF0 value cut short: " + bytes + " bytes needed, " + in.remaining() + " left");
            }
            return in;
        }
    }

    /** Encodes values: {@code Number}, {@code Boolean}, {@code String}, {@code Map<String, ?>} (an object), null. */
    public static byte[] encode(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object value : values) {
            write(out, value);
        }
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        if (value == null) {
            out.write(NULL);
        } else if (value instanceof Number number) {
            out.write(NUMBER);
            out.writeBytes(
                    ByteBuffer.allocate(8).putDouble(number.doubleValue()).array());
        } else if (value instanceof Boolean bool) {
            out.write(BOOLEAN);
            out.write(bool ? 1 : 0);
        } else if (value instanceof String text) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xffff) {
                out.write(LONG_STRING);
                out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
            } else {
                out.write(STRING);
                writeU16(out, bytes.length);
            }
            out.writeBytes(bytes);
        } else if (value instanceof Map<?, ?> map) {
            out.write(OBJECT);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                byte[] name = entry.getKey().toString().getBytes(StandardCharsets.UTF_8);
                writeU16(out, name.length);
                out.writeBytes(name);
                write(out, entry.getValue());
            }
            writeU16(out, 0);
            out.write(OBJECT_END);
        } else {
            throw new IllegalArgumentException(
                    "no AMF0 encoding for " + value.getClass().getName());
        }
    }

    private static void writeU16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value & 0xff);
    }
}
