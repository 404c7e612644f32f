package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.match.OffsetSpec;
import java.util.regex.Pattern;

/**
 * A logical signature ({@code .ldb}): a target description block, an expression, and subsignatures.
 * Body subsignatures live in the shared pattern set; the others are evaluated after body matching.
 */
public record LogicalSig(String name, boolean weak, int target, long[] fileSize, long[] entryPoint,
                         long[] sections, FileType container, FileType[] intermediates,
                         Logic logic, int subCount, Sub[] subs, boolean needsOffsets) {

    /** A subsignature that is not a body pattern (body patterns are only counted). */
    public sealed interface Sub {}

    public record BodySub() implements Sub {}

    public record Pcre(Logic trigger, Pattern regex, OffsetSpec offset, boolean global, boolean rolling,
                       boolean encompass, boolean anchored) implements Sub {}

    /** Reads a number near the start of subsignature {@code ref}'s matches and compares it. */
    public record ByteCompare(int ref, boolean backwards, int offset, char base, boolean little, boolean exact,
                              int length, char[] ops, long[] values) implements Sub {}

    /** True when a macro-group member matches min..max bytes after the previous subsignature's start. */
    public record Macro(int min, int max, int group) implements Sub {}

    /** Never matches (features we parse but do not evaluate, e.g. fuzzy image hashes). */
    public record Unsupported(String what) implements Sub {}

    public boolean hasRange(long[] r, long v) {
        return r == null || (v >= r[0] && v <= r[1]);
    }
}
