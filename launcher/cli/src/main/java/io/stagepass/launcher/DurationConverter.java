package io.stagepass.launcher;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration option written as the variables are ({@code 90s}, {@code 6m}, {@code PT1M}): parsed by {@link Env}. */
final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Env.of(Map.of("value", value)).duration("value", null);
        } catch (ConfigException e) {
            throw new TypeConversionException("'" + value + "' is not a duration like 60s, 500ms, 5m or PT1M");
        }
    }
}
