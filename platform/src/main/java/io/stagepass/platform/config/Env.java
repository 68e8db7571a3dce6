package io.stagepass.platform.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads configuration from environment variables. Every accessor takes the variable name and a documented
 * default; a malformed value is a {@link ConfigException} that names the variable and what was expected.
 */
public final class Env {
    private final Map<String, String> values;

    private Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public static Env of(Map<String, String> values) {
        return new Env(values);
    }

    /** This environment with some values replaced (command-line options win over the environment). */
    public Env with(Map<String, String> overrides) {
        HashMap<String, String> merged = new HashMap<>(values);
        merged.putAll(overrides);
        return new Env(merged);
    }

    public String string(String name, String defaultValue) {
        String value = values.get(name);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public String required(String name) {
        String value = string(name, null);
        if (value == null) {
            throw new ConfigException(name + " is required but not set");
        }
        return value;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigException(name + " must be between " + min + " and " + max + ", got '" + raw + "'");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number, got '" + raw + "'");
        }
    }

    /** {@code true}/{@code false} (also yes/no, 1/0). */
    public boolean bool(String name, boolean defaultValue) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on":
                return true;
            case "false", "no", "0", "off":
                return false;
            default:
                throw new ConfigException(name + " must be true or false, got '" + raw + "'");
        }
    }

    /** A TCP port, 1-65535 (0 = any free port, allowed only where {@code allowEphemeral}). */
    public int port(String name, int defaultValue) {
        return integer(name, defaultValue, 0, 65535);
    }

    /** A size such as {@code 64MB}, {@code 512KB}, {@code 1GB} or plain bytes. */
    public long bytes(String name, long defaultValue) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        String upper = raw.toUpperCase(Locale.ROOT).replace(" ", "");
        long factor = 1;
        for (String[] unit : new String[][] {{"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (upper.endsWith(unit[0])) {
                factor = Long.parseLong(unit[1]);
                upper = upper.substring(0, upper.length() - unit[0].length());
                break;
            }
        }
        try {
            long value = Math.multiplyExact(Long.parseLong(upper), factor);
            if (value <= 0) {
                throw new ConfigException(name + " must be positive, got '" + raw + "'");
            }
            return value;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ConfigException(name + " must be a size like 64MB, 512KB or 1048576, got '" + raw + "'");
        }
    }

    /** A duration such as {@code 60s}, {@code 500ms}, {@code 5m}, {@code 2h} or ISO-8601 {@code PT60S}. */
    public Duration duration(String name, Duration defaultValue) {
        String raw = string(name, null);
        if (raw == null) {
            return defaultValue;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("p")) {
                return Duration.parse(raw.toUpperCase(Locale.ROOT));
            }
            if (lower.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
            }
            long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
            switch (lower.charAt(lower.length() - 1)) {
                case 's':
                    return Duration.ofSeconds(amount);
                case 'm':
                    return Duration.ofMinutes(amount);
                case 'h':
                    return Duration.ofHours(amount);
                default:
                    break;
            }
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            // fall through to the error below
        }
        throw new ConfigException(name + " must be a duration like 60s, 500ms, 5m or PT1M, got '" + raw + "'");
    }

    /** An http(s) URL such as {@code http://127.0.0.1:9000}. */
    public URI httpUrl(String name, String defaultValue) {
        String raw = string(name, defaultValue);
        try {
            URI uri = new URI(raw);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(name + " must be an http:// or https:// URL with a host, got '" + raw + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(name + " must be a URL, got '" + raw + "': " + e.getReason());
        }
    }

    /** Comma-separated host:port pairs, e.g. Kafka bootstrap servers. */
    public String hostPorts(String name, String defaultValue) {
        String raw = string(name, defaultValue);
        for (String part : raw.split(",")) {
            String hostPort = part.trim();
            int colon = hostPort.lastIndexOf(':');
            boolean valid = colon > 0 && colon < hostPort.length() - 1;
            if (valid) {
                try {
                    int port = Integer.parseInt(hostPort.substring(colon + 1));
                    valid = port > 0 && port <= 65535;
                } catch (NumberFormatException e) {
                    valid = false;
                }
            }
            if (!valid) {
                throw new ConfigException(name + " must be host:port[,host:port...], got '" + raw + "'");
            }
        }
        return raw;
    }

    public Path path(String name, String defaultValue) {
        String raw = string(name, defaultValue);
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            throw new ConfigException(name + " is not a valid path: '" + raw + "'");
        }
    }

    /**
     * A secret, required: at least 32 characters, not a published placeholder, random-looking ({@link Secret}). There
     * is no default; the embedded stack passes its own.
     */
    public String secret(Secret secret) {
        String value = values.get(secret.variable());
        if (value == null || value.isBlank()) {
            throw new ConfigException(secret.variable() + " is required (it " + secret.purpose() + "): "
                    + secret.howToMake() + "; each secret has one purpose, so use a different value for each");
        }
        String problem = secret.problem(value.trim());
        if (problem != null) {
            throw new ConfigException(secret.variable() + " " + problem);
        }
        return value.trim();
    }

    /**
     * The secrets one service holds, each checked as {@link #secret(Secret)}, and all different: a value reused for
     * two purposes would let whoever holds one forge the other.
     */
    public Map<Secret, String> secrets(Secret... wanted) {
        java.util.EnumMap<Secret, String> found = new java.util.EnumMap<>(Secret.class);
        Map<String, Secret> byValue = new HashMap<>();
        for (Secret secret : wanted) {
            String value = secret(secret);
            Secret other = byValue.putIfAbsent(value, secret);
            if (other != null) {
                throw new ConfigException(secret.variable() + " equals " + other.variable()
                        + ": each secret has one purpose; make a different one for each");
            }
            found.put(secret, value);
        }
        return found;
    }
}
