package io.stagepass.launcher.stack;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.Secret;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The embedded stack's secrets: one per {@link Secret}, made at random the first time a data directory is used and
 * kept in its {@code secrets.properties} (readable by its owner only), so tokens, links and sessions survive a
 * restart. There is no published default anyone could sign with; a variable set in the environment wins.
 */
public final class EmbeddedSecrets {
    public static final String FILE = "secrets.properties";

    private EmbeddedSecrets() {}

    /** The variables to add to the services' environment: each secret the user did not set. */
    static Map<String, String> missingFrom(Env user, Path dataDir) {
        Properties stored = load(dataDir.resolve(FILE));
        boolean changed = false;
        Map<String, String> values = new LinkedHashMap<>();
        for (Secret secret : Secret.values()) {
            String value = stored.getProperty(secret.variable());
            if (value == null) {
                value = secret.random();
                stored.setProperty(secret.variable(), value);
                changed = true;
            }
            if (user.string(secret.variable(), null) == null) {
                values.put(secret.variable(), value);
            }
        }
        if (changed) {
            save(dataDir.resolve(FILE), stored);
        }
        return values;
    }

    /** The secret a data directory's stack runs with, when one was made there. */
    public static java.util.Optional<String> stored(Path dataDir, Secret secret) {
        return java.util.Optional.ofNullable(load(dataDir.resolve(FILE)).getProperty(secret.variable()));
    }

    private static Properties load(Path file) {
        Properties properties = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the embedded stack's secrets from " + file, e);
            }
        }
        return properties;
    }

    private static void save(Path file, Properties properties) {
        Path temporary = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(temporary);
            try {
                Files.createFile(
                        temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) { // a file system without POSIX permissions
                Files.createFile(temporary);
            }
            try (Writer writer = Files.newBufferedWriter(temporary, StandardOpenOption.TRUNCATE_EXISTING)) {
                properties.store(writer, "made by stagepass up for this data directory only; never publish them");
            }
            Files.move(
                    temporary,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded stack's secrets to " + file, e);
        }
    }
}
