package dev.bulwark.engine.signatures.yara;

/** Limits of the YARA compiler and scanner, with YARA's own values where it has one. */
final class YaraLimits {
    private YaraLimits() {}

    static final int MAX_INCLUDE_DEPTH = 16; // YR_MAX_INCLUDE_DEPTH
    static final int MAX_STRINGS_PER_RULE = 10_000; // DEFAULT_MAX_STRINGS_PER_RULE
    static final int MAX_LOOP_NESTING = 4; // YR_MAX_LOOP_NESTING
    static final int MAX_LOOP_VARS = 2; // a for..in binds at most key and value
    static final int REGEX_SCAN_LIMIT = 4096; // YR_RE_SCAN_LIMIT: longest regex match verified
    static final int HEX_SCAN_LIMIT = 1 << 20; // hex strings with unbounded jumps: YARA chains them, we cap the span
    static final int MAX_XOR_VARIANTS = 256 * 2; // every key, ascii and wide
    static final long MAX_RANGE_ITERATIONS = 100_000_000L; // a for..in over (0..filesize) is fine; (0..2^62) is not
}
