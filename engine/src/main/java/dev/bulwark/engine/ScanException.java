package dev.bulwark.engine;

/** A scan could not be carried out: unreadable input, cancellation. Malformed content is not an exception. */
public final class ScanException extends BulwarkException {
    public ScanException(String message, Throwable cause) {
        super(message, cause);
    }

    public ScanException(String message) {
        super(message, null);
    }
}
