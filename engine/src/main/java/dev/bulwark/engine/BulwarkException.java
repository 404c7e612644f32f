package dev.bulwark.engine;

/** Root of every exception the engine API throws. Unchecked; the subclasses say what failed. */
public abstract sealed class BulwarkException extends RuntimeException
        permits DatabaseLoadException, ScanException, ConfigException {
    protected BulwarkException(String message, Throwable cause) {
        super(message, cause);
    }
}
