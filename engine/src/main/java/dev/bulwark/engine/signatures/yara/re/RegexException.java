package dev.bulwark.engine.signatures.yara.re;

/** A regular expression or hex string is malformed or exceeds a limit. */
public final class RegexException extends Exception {
    public RegexException(String message) {
        super(message);
    }
}
