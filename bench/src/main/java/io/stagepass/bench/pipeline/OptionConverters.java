package io.stagepass.bench.pipeline;

import io.stagepass.platform.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The values bench/pipeline's options take besides plain numbers: counts with a suffix, durations, paths. */
final class OptionConverters {
    private OptionConverters() {}

    /** 5000000, 5_000_000, 2M, 2.5m, 500k: rounded to a whole number. */
    static long count(String value) {
        String v = value.replace("_", "").trim().toLowerCase(Locale.ROOT);
        long factor = 1;
        if (v.endsWith("k")) {
            factor = 1_000;
        } else if (v.endsWith("m")) {
            factor = 1_000_000;
        }
        if (factor > 1) {
            v = v.substring(0, v.length() - 1);
        }
        try {
            return Math.round(Double.parseDouble(v) * factor);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a count like 200000, 2M or 500k");
        }
    }

    static Duration interval(String value) {
        try {
            return Durations.parse(value);
        } catch (ConfigException | IllegalArgumentException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration of at least 100ms like 500ms, 1s or 1m");
        }
    }

    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return count(value);
        }
    }

    /** A count for an int option: narrowed as the cast does. */
    static final class IntCount implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) count(value);
        }
    }

    static final class Interval implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return interval(value);
        }
    }

    static final class AbsolutePath implements ITypeConverter<Path> {
        @Override
        public Path convert(String value) {
            return Path.of(value).toAbsolutePath();
        }
    }
}
