package io.stagepass.platform.lake;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.MinioException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.Util;

/**
 * What a Parquet file's footer says, read from the object store without reading the file: the last 64 KB (one ranged
 * GET), and the rest of the footer only when it is longer than that. A file ends with its Thrift-encoded
 * {@code FileMetaData}, the footer's length (4 bytes, little-endian) and the magic {@code PAR1}.
 */
public final class ParquetFooters {
    static final int TAIL = 64 * 1024;
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENCRYPTED_MAGIC = "PARE".getBytes(StandardCharsets.US_ASCII);

    private ParquetFooters() {}

    /** The number of rows of the Parquet file {@code key} of {@code size} bytes in {@code bucket}. */
    public static long rows(MinioClient client, String bucket, String key, long size) throws IOException {
        if (size < 12) {
            throw new IOException(key + " is not a Parquet file: " + size + " bytes");
        }
        long tailLength = Math.min(size, TAIL);
        byte[] tail = read(client, bucket, key, size - tailLength, tailLength);
        int footerLength = footerLength(key, tail);
        byte[] footer;
        if (footerLength + 8L <= tail.length) {
            footer = Arrays.copyOfRange(tail, tail.length - 8 - footerLength, tail.length - 8);
        } else if (footerLength + 12L <= size) {
            footer = read(client, bucket, key, size - 8 - footerLength, footerLength);
        } else {
            throw new IOException(key + " is not a Parquet file: its footer length " + footerLength
                    + " does not fit in " + size + " bytes");
        }
        return rows(key, footer);
    }

    /** The footer's length, from the last 8 bytes of a file. */
    static int footerLength(String key, byte[] tail) throws IOException {
        byte[] magic = Arrays.copyOfRange(tail, tail.length - 4, tail.length);
        if (Arrays.equals(magic, ENCRYPTED_MAGIC)) {
            throw new IOException(key + " has an encrypted footer: its row count cannot be read without its key");
        }
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(key + " is not a Parquet file: it does not end with PAR1");
        }
        int length = ByteBuffer.wrap(tail, tail.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
        if (length <= 0) {
            throw new IOException(key + " is not a Parquet file: footer length " + length);
        }
        return length;
    }

    static long rows(String key, byte[] footer) throws IOException {
        try {
            FileMetaData metadata = Util.readFileMetaData(new ByteArrayInputStream(footer));
            return metadata.getNum_rows();
        } catch (IOException | RuntimeException e) {
            throw new IOException(key + " has a footer that does not decode: " + e.getMessage(), e);
        }
    }

    private static byte[] read(MinioClient client, String bucket, String key, long offset, long length)
            throws IOException {
        try (InputStream in = client.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .offset(offset)
                .length(length)
                .build())) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != length) {
                throw new IOException(key + ": asked for " + length + " bytes at " + offset + ", got " + bytes.length);
            }
            return bytes;
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("cannot read the footer of " + key + ": " + e.getMessage(), e);
        }
    }
}
