package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Executable headers as ClamAV 1.4 sees them: the entry point's file offset and the section table used by
 * the {@code EP+n}, {@code Sx+n}, {@code SL+n}, {@code SEx} and {@code VI} offsets, the logical-signature
 * attributes {@code EntryPoint} and {@code NumberOfSections}, {@code .mdb} section hashes, {@code .imp}
 * import hashes and {@code Heuristics.Broken.Executable}.
 *
 * <p>Values follow ClamAV's arithmetic, including its 32-bit wrap-around and its quirks (documented on each
 * parser). All numbers are unsigned 32-bit quantities held in longs.
 *
 * <p>How the scanner uses one instance:
 * <ul>
 *   <li>{@link #entryPoint()} is -1 ({@link #hasTargetInfo()} false) when ClamAV's target-info parse failed;
 *       then every EP/Sx/SL/SE/EOF-n offset of a target 1/6/9 signature fails for the layer and the
 *       {@code EntryPoint} / {@code NumberOfSections} attributes never match, whatever the section table
 *       holds (for a PE it may still list the sections .mdb hashes).</li>
 *   <li>{@code .mdb}: when {@link #sectionHashesApply()} (and not {@code --alert-broken} with
 *       {@link #broken()}), hash the raw bytes {@code [sectionRawOffset(i), +sectionRawSize(i))} of every
 *       section whose raw size is non-zero.</li>
 *   <li>{@code .imp}: {@link #imphash()} / {@link #imphashSize()} when non-null, with the same proviso.</li>
 *   <li>{@code Heuristics.Broken.Executable} under {@code --alert-broken} when {@link #broken()}; ClamAV
 *       then skips {@code .mdb} and {@code .imp} for a PE.</li>
 * </ul>
 */
public final class ExeInfo {
    public enum Kind { PE, ELF, MACHO }

    private static final long[] NONE = new long[0];

    private final Kind kind;
    private final boolean is64;
    private final long entryPoint;
    private final long[] raw;
    private final long[] rawSize;
    private final long[] va;
    private final long[] vsize;
    private final boolean broken;
    private final boolean sectionHashes;
    private final String imphash;
    private final long imphashSize;
    private final long[] viOffsets;
    private final List<byte[]> viRecords;

    ExeInfo(Kind kind, boolean is64, long entryPoint, long[] raw, long[] rawSize, long[] va, long[] vsize,
            boolean broken, boolean sectionHashes, String imphash, long imphashSize,
            long[] viOffsets, List<byte[]> viRecords) {
        this.kind = kind;
        this.is64 = is64;
        this.entryPoint = entryPoint;
        this.raw = raw == null ? NONE : raw;
        this.rawSize = rawSize == null ? NONE : rawSize;
        this.va = va == null ? NONE : va;
        this.vsize = vsize == null ? NONE : vsize;
        this.broken = broken;
        this.sectionHashes = sectionHashes;
        this.imphash = imphash;
        this.imphashSize = imphashSize;
        this.viOffsets = viOffsets == null ? NONE : viOffsets;
        this.viRecords = viRecords == null ? List.of() : List.copyOf(viRecords);
    }

    /** Parses PE headers; returns null when the data is not a PE ClamAV would look at. Never throws. */
    public static ExeInfo parsePe(ByteBuffer data) {
        try {
            return PeParser.parse(data);
        } catch (RuntimeException e) { // a parser bug must not take the scan down; tests assert it never happens
            return null;
        }
    }

    /** Parses ELF headers; returns null when the data is not ELF. Never throws. */
    public static ExeInfo parseElf(ByteBuffer data) {
        try {
            return ElfParser.parse(data);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Parses (thin) Mach-O headers; returns null when the data is not Mach-O. Never throws. */
    public static ExeInfo parseMacho(ByteBuffer data) {
        try {
            return MachoParser.parse(data);
        } catch (RuntimeException e) {
            return null;
        }
    }

    public Kind kind() { return kind; }

    public boolean is64() { return is64; }

    /** File offset of the entry point as ClamAV computes it, or -1 when ClamAV's header parse failed. */
    public long entryPoint() { return entryPoint; }

    /** True when EP/section-relative offsets and the EntryPoint/NumberOfSections attributes can be evaluated. */
    public boolean hasTargetInfo() { return entryPoint >= 0; }

    public int sectionCount() { return raw.length; }

    /** Raw (file) offset of section i as ClamAV uses it for {@code Sx+n}, {@code SL+n}, {@code SEx} and .mdb. */
    public long sectionRawOffset(int i) { return raw[i]; }

    /**
     * Raw size of section i (PE: aligned and cut at end of file; 0 for sections outside the file). For a PE
     * {@code SEx} the window is {@code [offset, offset + size]}, except for plain-hex {@code .ndb} signatures in
     * layers of 256 KiB or more, which ClamAV's Boyer-Moore offset mode tries only at the section start
     * ({@code OffsetSpec.Kind.SECTION_WHOLE_PE_BM}).
     */
    public long sectionRawSize(int i) { return rawSize[i]; }

    public long sectionVirtualAddress(int i) { return va[i]; }

    public long sectionVirtualSize(int i) { return vsize[i]; }

    /** Header inconsistencies ClamAV reports as {@code Heuristics.Broken.Executable} under --alert-broken. */
    public boolean broken() { return broken; }

    /** PE only: ClamAV's cli_scanpe would evaluate .mdb section hashes (lenient header parse succeeded). */
    public boolean sectionHashesApply() { return sectionHashes; }

    /** PE32 only: lower-case MD5 hex of ClamAV's import list string, or null when ClamAV computes none. */
    public String imphash() { return imphash; }

    /** The SIZE field of {@code .imp} signatures: length of the hashed import string. */
    public long imphashSize() { return imphashSize; }

    /**
     * The version-information string records ClamAV registers for {@code VI} offsets: each buffer is the
     * UTF-16LE key (with its terminator and padding) followed by the value, as {@code sigtool}/debug
     * output prints them. A {@code VI} signature matches when its pattern matches the file at one of
     * {@link #versionInfoOffsets()} (equivalently, a pattern no longer than the record matches at index 0).
     */
    public List<byte[]> versionInfoRecords() { return viRecords; }

    /** File offsets at which the {@link #versionInfoRecords()} start (same order). */
    public long[] versionInfoOffsets() { return viOffsets.clone(); }
}
