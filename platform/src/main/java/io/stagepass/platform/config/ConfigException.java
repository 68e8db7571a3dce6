package io.stagepass.platform.config;

/** A configuration value is missing or malformed; the message names the variable. Start-up stops. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
