package io.stagepass.replay.playback;

import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The objects viewers get, read from the object store through the MinIO SDK. Every object served is immutable
 * (segments are written once, replays under a new version), so small ones are kept in memory, least recently used
 * out first: a segment watched by a thousand viewers is read from the store once.
 */
public final class MediaObjects {
    /** Objects up to this size are cached (a 6 s segment at 8 Mb/s is 6 MB). */
    static final long CACHEABLE_BYTES = 16L * 1024 * 1024;

    private final MinioClient s3;
    private final MinioClient presigner;
    private final long cacheBytes;
    // Direct buffers: the server writes them to the socket without first copying them out of the heap.
    private final LinkedHashMap<String, ByteBuffer> cache = new LinkedHashMap<>(256, 0.75f, true);
    private long cached;

    /** {@code presigner} signs for the endpoint browsers reach (it makes no request). */
    public MediaObjects(MinioClient s3, MinioClient presigner, long cacheBytes) {
        this.s3 = s3;
        this.presigner = presigner;
        this.cacheBytes = cacheBytes;
    }

    /**
     * The bytes of an object, or empty when it does not exist: a read-only view of the cached copy (position 0, limit
     * the size), so concurrent readers never disturb each other.
     */
    public Optional<ByteBuffer> buffer(String bucket, String key) throws Exception {
        String id = bucket + "/" + key;
        synchronized (this) {
            ByteBuffer hit = cache.get(id);
            if (hit != null) {
                return Optional.of(hit.asReadOnlyBuffer());
            }
        }
        byte[] bytes;
        try (InputStream in =
                s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            bytes = in.readAllBytes();
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
        if (bytes.length > CACHEABLE_BYTES) {
            return Optional.of(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        }
        ByteBuffer copy = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        put(id, copy);
        return Optional.of(copy.asReadOnlyBuffer());
    }

    public Optional<String> text(String bucket, String key) throws Exception {
        return buffer(bucket, key).map(b -> StandardCharsets.UTF_8.decode(b).toString());
    }

    /** An object's size, or -1 when it does not exist: for ranges of objects too large to cache. */
    public long size(String bucket, String key) throws Exception {
        synchronized (this) {
            ByteBuffer hit = cache.get(bucket + "/" + key);
            if (hit != null) {
                return hit.limit();
            }
        }
        try {
            return s3.statObject(
                            StatObjectArgs.builder().bucket(bucket).object(key).build())
                    .size();
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return -1;
            }
            throw e;
        }
    }

    /** A stream of {@code length} bytes from {@code offset} of an object (the caller closes it). */
    public InputStream range(String bucket, String key, long offset, long length) throws Exception {
        return s3.getObject(GetObjectArgs.builder()
                .bucket(bucket)
                .object(key)
                .offset(offset)
                .length(length)
                .build());
    }

    /** A part's name: one plain path segment, beside the parts list (never another folder). */
    private static final java.util.regex.Pattern PART =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

    /** One object of a composite, and its size. */
    public record Part(String key, long size) {}

    /** Objects served one after another as one: a download made of its head and its fragments. */
    public record Composite(List<Part> parts, long size) {}

    /**
     * The composite a name stands for when no object has it: {@code NAME.mp4} is the parts {@code NAME.parts} lists
     * (one {@code file size} per line, files beside it). Empty when the name is an object of its own, or has no parts.
     */
    public Optional<Composite> composite(String bucket, String key) throws Exception {
        if (!key.endsWith(".mp4") || size(bucket, key) >= 0) {
            return Optional.empty();
        }
        String folder = key.substring(0, key.lastIndexOf('/') + 1);
        Optional<String> listing = text(bucket, key.substring(0, key.length() - 4) + ".parts");
        if (listing.isEmpty()) {
            return Optional.empty();
        }
        List<Part> parts = new ArrayList<>();
        long total = 0;
        for (String line : listing.get().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split(" ");
            if (fields.length != 2 || !PART.matcher(fields[0]).matches() || fields[0].matches("\\.+")) {
                throw new IllegalStateException("a parts list names something other than an object beside it: " + line);
            }
            long size = Long.parseLong(fields[1]);
            parts.add(new Part(folder + fields[0], size));
            total += size;
        }
        return Optional.of(new Composite(List.copyOf(parts), total));
    }

    /** A presigned GET of the object store itself, for the redirect delivery mode. */
    public String presigned(String bucket, String key, int seconds) throws Exception {
        return presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET)
                .bucket(bucket)
                .object(key)
                .expiry(seconds, TimeUnit.SECONDS)
                .build());
    }

    private synchronized void put(String id, ByteBuffer bytes) {
        if (cache.put(id, bytes) == null) {
            cached += bytes.limit();
        }
        var eldest = cache.entrySet().iterator();
        while (cached > cacheBytes && eldest.hasNext()) {
            Map.Entry<String, ByteBuffer> entry = eldest.next();
            cached -= entry.getValue().limit();
            eldest.remove();
        }
    }
}
