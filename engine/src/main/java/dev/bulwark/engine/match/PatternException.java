package dev.bulwark.engine.match;

/** A body pattern that cannot be compiled; the message says why in ClamAV's terms. */
public final class PatternException extends Exception {
    public PatternException(String message) {
        super(message, null, false, false);
    }
}
