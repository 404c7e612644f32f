package dev.bulwark.engine.match;

/**
 * Where a pattern may start (clamav-notes §1.3): anywhere, at an absolute offset, relative to the end
 * of the data, to the entry point or to a section, optionally with a shift window.
 */
public record OffsetSpec(Kind kind, long value, int section, long shift) {

    /**
     * {@code SECTION_WHOLE_PE_BM}: {@code SEx} of a PE (target 1) {@code .ndb} signature that ClamAV 1.4 gives to
     * its Boyer-Moore matcher (plain hex, no shift). In layers of at least {@link #PE_BM_OFFSET_MODE_MIN_SIZE}
     * bytes that matcher runs in "offset mode" and tries each pattern only at its computed start offset, so
     * such a signature then matches only at the section's first byte; in smaller layers anywhere in the section.
     */
    public enum Kind { ANY, ABSOLUTE, EOF, EP, SECTION_START, LAST_SECTION, SECTION_WHOLE, VERSION_INFO, MACRO,
        SECTION_WHOLE_PE_BM }

    public static final OffsetSpec ANY = new OffsetSpec(Kind.ANY, 0, 0, 0);

    /** Layer size from which ClamAV's PE-target Boyer-Moore matcher runs in offset mode (CLI_DEFAULT_BM_OFFMODE_FSIZE). */
    public static final long PE_BM_OFFSET_MODE_MIN_SIZE = 256 * 1024;

    /** True for forms that need executable headers (EP, sections, VI). */
    public boolean needsExecutable() {
        return kind == Kind.EP || kind == Kind.SECTION_START || kind == Kind.LAST_SECTION
                || kind == Kind.SECTION_WHOLE || kind == Kind.SECTION_WHOLE_PE_BM || kind == Kind.VERSION_INFO;
    }

    /** Executable facts an offset may refer to; implemented by the scanner over the layer's headers. */
    public interface ExeFacts {
        long entryPoint();
        int sectionCount();
        long sectionOffset(int i);
        long sectionSize(int i);

        /** An executable whose headers ClamAV could not parse: then even EOF-n offsets fail. */
        default boolean headersFailed() { return false; }

        /** File offsets of the PE VersionInfo records that {@code VI} patterns are anchored at. */
        default long[] versionInfoOffsets() { return new long[0]; }
    }

    /** ClamAV computes executable-relative offsets in unsigned 32-bit arithmetic. */
    private static long u32(long v) {
        return v & 0xFFFFFFFFL;
    }

    /**
     * Resolves to the inclusive range [lo, hi] of allowed start offsets in a layer of {@code size}
     * bytes, written into {@code out}; false when the offset cannot apply to this layer.
     */
    public boolean resolve(long size, ExeFacts exe, long[] out) {
        long lo;
        long extra = shift;
        switch (kind) {
            case ANY -> { out[0] = 0; out[1] = Long.MAX_VALUE; return true; }
            case ABSOLUTE -> lo = value;
            case EOF -> {
                if (exe != null && exe.headersFailed()) return false;
                lo = size - value;
            }
            case EP -> {
                if (exe == null || exe.entryPoint() < 0) return false;
                lo = u32(exe.entryPoint() + value);
            }
            case SECTION_START -> {
                if (exe == null || section >= exe.sectionCount()) return false;
                lo = u32(exe.sectionOffset(section) + value);
            }
            case LAST_SECTION -> {
                if (exe == null || exe.sectionCount() == 0) return false;
                lo = u32(exe.sectionOffset(exe.sectionCount() - 1) + value);
            }
            case SECTION_WHOLE -> {
                if (exe == null || section >= exe.sectionCount()) return false;
                lo = exe.sectionOffset(section);
                extra = exe.sectionSize(section) + shift;
            }
            case SECTION_WHOLE_PE_BM -> {
                if (exe == null || section >= exe.sectionCount()) return false;
                lo = exe.sectionOffset(section);
                extra = size >= PE_BM_OFFSET_MODE_MIN_SIZE ? 0 : exe.sectionSize(section);
            }
            default -> { return false; }
        }
        if (lo < 0 || lo > size) return false;
        out[0] = lo;
        out[1] = lo + extra;
        return true;
    }
}
