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
 * fit in it, nesting deeper than {@link #MAX_DEPTH} and types RTMP publishers never send, with a {@link ProtocolException}.
 * Objects decode to {@code Map<String, Object>} in their order, strict arrays to {@code List<Object>}, null and
 * undefined to {@code null}.
 */
public final class Amf0 {
    static final int MAX_DEPTH = 16;
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
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        List<Object> values = new ArrayList<>();
        while (in.hasRemaining()) {
            values.add(value(in, 0));
        }
        return values;
    }

    private static Object value(ByteBuffer in, int depth) throws ProtocolException {
        if (depth > MAX_DEPTH) {
            throw new ProtocolException("AMF0 nests deeper than " + MAX_DEPTH + " levels");
        }
        int type = u8(in);
        return switch (type) {
            case NUMBER -> need(in, 8).getDouble();
            case BOOLEAN -> u8(in) != 0;
            case STRING -> string(in, u16(in));
            case LONG_STRING -> string(in, u32Length(in));
            case OBJECT -> properties(in, depth);
            case ECMA_ARRAY -> {
                need(in, 4).getInt(); // a hint only: the properties end with the object-end marker
                yield properties(in, depth);
            }
            case STRICT_ARRAY -> {
                long count = u32Length(in); // each item takes a byte at least: no more items than bytes left
                List<Object> items = new ArrayList<>();
                for (long i = 0; i < count; i++) {
                    items.add(value(in, depth + 1));
                }
                yield items;
            }
            case DATE -> {
                double millis = need(in, 10).getDouble();
                in.getShort(); // time zone, unused
                yield millis;
            }
            case NULL, UNDEFINED -> null;
            default -> throw new ProtocolException("AMF0 type " + type + " is not one RTMP publishers send");
        };
    }

    private static Map<String, Object> properties(ByteBuffer in, int depth) throws ProtocolException {
        Map<String, Object> object = new LinkedHashMap<>();
        while (true) {
            String name = string(in, u16(in));
            if (name.isEmpty() && in.hasRemaining() && in.get(in.position()) == OBJECT_END) {
                in.get();
                return object;
            }
            object.put(name, value(in, depth + 1));
        }
    }

    private static String string(ByteBuffer in, long length) throws ProtocolException {
        byte[] bytes = new byte[(int) length];
        need(in, bytes.length).get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int u8(ByteBuffer in) throws ProtocolException {
        return need(in, 1).get() & 0xff;
    }

    private static int u16(ByteBuffer in) throws ProtocolException {
        return need(in, 2).getShort() & 0xffff;
    }

    private static long u32Length(ByteBuffer in) throws ProtocolException {
        long length = need(in, 4).getInt() & 0xffffffffL;
        if (length > in.remaining()) {
            throw new ProtocolException(
                    "AMF0 length " + length + " runs past the end of the message (" + in.remaining() + " bytes left)");
        }
        return length;
    }

    private static ByteBuffer need(ByteBuffer in, int bytes) throws ProtocolException {
        if (in.remaining() < bytes) {
            throw new ProtocolException(
                    "AMF0 value cut short: " + bytes + " bytes needed, " + in.remaining() + " left");
        }
        return in;
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
