package dev.bulwark.engine;

/** An option or configuration value is invalid. */
public final class ConfigException extends BulwarkException {
    public ConfigException(String message) {
        super(message, null);
    }
}
