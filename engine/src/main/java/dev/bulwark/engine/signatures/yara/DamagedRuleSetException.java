package dev.bulwark.engine.signatures.yara;

/**
 * A part of a cached rule set decoded on first use (rule cache format 4: a variant, a condition) turned out
 * malformed although the entry's checksum held (a crafted entry or a writer bug). {@link YaraRuleSet} then
 * answers from the rule set compiled again when it was given a way to compile it, and throws this otherwise.
 */
final class DamagedRuleSetException extends RuntimeException {
    DamagedRuleSetException(String message, Throwable cause) {
        super(message, cause);
    }
}
