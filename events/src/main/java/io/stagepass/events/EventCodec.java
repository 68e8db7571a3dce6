package io.stagepass.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (marker {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer schema,
 * then the binary datum), the same bytes as {@code SpecificRecord.toByteBuffer()}, without a schema registry.
 *
 * <p>Decoding is strict: an unknown fingerprint, a datum that ends early or bytes left over after the datum are
 * a {@link MalformedEventException}, so a consumer never sees a half-built object. Older writer schemas can be
 * registered with {@link #withWriterSchema(Schema)} and are resolved against the current one.
 */
public final class EventCodec<T extends SpecificRecord> {
    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    private final Class<T> type;
    private final Schema schema;
    private final SpecificDatumWriter<T> writer;
    private final Map<Long, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private final byte[] header;

    private EventCodec(Class<T> type) {
        this.type = type;
        this.schema = SpecificData.get().getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema);
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        this.header = ByteBuffer.allocate(HEADER_LENGTH)
                .order(ByteOrder.LITTLE_ENDIAN)
                .put(MARKER_0)
                .put(MARKER_1)
                .putLong(fingerprint)
                .array();
        readers.put(fingerprint, new SpecificDatumReader<>(schema, schema));
        for (Schema older : history(type, schema)) {
            withWriterSchema(older);
        }
    }

    /**
     * The earlier versions of an event's schema, kept as {@code history/NAME.VERSION.avsc} next to this class: records
     * they wrote stay readable (a compacted topic keeps them for good, and a stack's data directory outlives an
     * upgrade). Version N of the current schema has N-1 of them.
     */
    static List<Schema> history(Class<?> type, Schema current) {
        int version = (Integer) current.getField("schemaVersion").defaultVal();
        List<Schema> older = new ArrayList<>();
        for (int v = 1; v < version; v++) {
            String resource = "history/" + type.getSimpleName() + "." + v + ".avsc";
            try (InputStream in = EventCodec.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(type.getSimpleName() + " is at schema version " + version + " but "
                            + resource + " is missing: keep every earlier version there");
                }
                older.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return older;
    }

    public static <T extends SpecificRecord> EventCodec<T> of(Class<T> type) {
        return new EventCodec<>(type);
    }

    /** Accepts records written with an older version of this event's schema. */
    public EventCodec<T> withWriterSchema(Schema writerSchema) {
        readers.put(
                SchemaNormalization.parsingFingerprint64(writerSchema),
                new SpecificDatumReader<>(writerSchema, schema));
        return this;
    }

    public Class<T> type() {
        return type;
    }

    public Schema schema() {
        return schema;
    }

    public byte[] encode(T event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(header);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writer.write(event, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            // Avro raises NullPointerException / AvroRuntimeException for a missing required field.
            throw new IllegalArgumentException("cannot encode " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            throw new MalformedEventException(type.getSimpleName() + ": record has no value (null)");
        }
        if (bytes.length < HEADER_LENGTH || bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new MalformedEventException(type.getSimpleName()
                    + ": not Avro single-object encoded (missing C3 01 marker or shorter than 10 bytes; length "
                    + bytes.length + ")");
        }
        long fingerprint =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<T> reader = readers.get(fingerprint);
        if (reader == null) {
            throw new MalformedEventException(String.format(
                    "%s: unknown schema fingerprint %016x (another event type, or a schema version this reader does not know)",
                    type.getSimpleName(), fingerprint));
        }
        BinaryDecoder decoder =
                DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        T event;
        try {
            event = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new MalformedEventException(type.getSimpleName() + ": bytes left over after the event");
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new MalformedEventException(type.getSimpleName() + ": corrupt datum: " + e, e);
        }
        return event;
    }

    /**
     * The {@code occurredAt} of an encoded event, read without decoding it: every contract record starts with
     * {@code eventId} (string) and {@code occurredAt} (timestamp-millis), which {@code EventCodecTest} checks for each
     * topic's type. {@link Long#MIN_VALUE} when the bytes are not such an event; a full decode will say why.
     */
    public static long occurredAtMillis(byte[] encoded) {
        if (encoded == null || encoded.length < HEADER_LENGTH + 2 || encoded[0] != MARKER_0 || encoded[1] != MARKER_1) {
            return Long.MIN_VALUE;
        }
        int[] position = {HEADER_LENGTH};
        long idLength = readVarLong(encoded, position);
        if (idLength < 0 || idLength > encoded.length - position[0]) {
            return Long.MIN_VALUE;
        }
        position[0] += (int) idLength;
        return readVarLong(encoded, position);
    }

    /** Avro's zig-zag variable-length long; {@link Long#MIN_VALUE} if the bytes run out or it is too long. */
    private static long readVarLong(byte[] bytes, int[] position) {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position[0] >= bytes.length) {
                return Long.MIN_VALUE;
            }
            byte b = bytes[position[0]++];
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        return Long.MIN_VALUE;
    }
}
