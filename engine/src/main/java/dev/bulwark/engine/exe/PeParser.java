package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;

/**
 * PE header parsing with ClamAV 1.4's rules (libclamav/pe.c, cli_peheader). ClamAV parses a PE in three
 * modes and each mode answers a different question, so this parser runs the header walk three times
 * (it is cheap: at most 65535 section headers):
 * <ol>
 *   <li>target info (matcher offsets, VI): lenient, sections lying outside the file keep their slot with
 *       raw size 0;</li>
 *   <li>cli_scanpe without --alert-broken (.mdb, .imp): lenient, such sections are dropped and a PE whose
 *       every raw section lies outside the file fails;</li>
 *   <li>cli_scanpe with --alert-broken: additionally strict about alignments and section layout; a format
 *       failure here is {@code Heuristics.Broken.Executable}.</li>
 * </ol>
 * Alignment quirks kept on purpose: RVAs and raw offsets are rounded down and sizes rounded up to the
 * section/file alignment, SizeOfHeaders is rounded up to the section alignment, a file alignment that
 * contradicts the raw pointers falls back to 0x200, and all sums wrap at 32 bits.
 */
final class PeParser {
    private PeParser() {}

    static final int OK = 0;
    static final int EFORMAT = 1; // ClamAV CL_EFORMAT: "broken" when strict
    static final int ERROR = 2;   // ClamAV CL_ERROR: not a PE, silently skipped

    private static final int FILE_HDR = 24;        // "PE\0\0" + IMAGE_FILE_HEADER
    private static final int OPT32 = 96;           // optional header without data directories
    private static final int OPT64 = 112;
    private static final int SECTION_HDR = 40;
    private static final int MAX_DATA_DIRS = 16;   // ClamAV keeps at most 16 directories
    private static final int NATIVE_SUBSYSTEM = 1; // alignment checks are skipped for drivers
    private static final long M32 = 0xffffffffL;

    /** Everything one header walk produces. Section arrays hold unsigned 32-bit values. */
    static final class Header {
        int status = ERROR;
        boolean is64;
        long vep;
        long hdrSize;
        long[] dirVa = new long[MAX_DATA_DIRS];
        long[] dirSize = new long[MAX_DATA_DIRS];
        int ndatadirs;
        int nsections;
        long[] rva, vsz, raw, rsz, urva;
        long ep = -1;

        long rawaddr(long rvaIn, long fsize) {
            return PeParser.rawaddr(rvaIn, this, fsize);
        }
    }

    static ExeInfo parse(ByteBuffer b) {
        Header target = header(b, false, false);
        Header scan = header(b, false, true);
        Header strict = header(b, true, true);
        boolean broken = strict.status == EFORMAT;
        if (target.status != OK && scan.status != OK && !broken) return null;

        long ep = target.status == OK ? target.ep : -1;
        // sections: the target-info table when it parsed (offsets, attributes, .mdb); otherwise cli_scanpe's
        // table, which .mdb still uses when only the target-info walk failed (e.g. a dropped section there
        // had sign bits set)
        Header sec = target.status == OK ? target : scan.status == OK ? scan : null;
        long[] raw = null, rsz = null, rva = null, vsz = null;
        long[] viOffsets = null;
        java.util.List<byte[]> viRecords = null;
        if (sec != null) {
            int n = sec.nsections;
            raw = java.util.Arrays.copyOf(sec.raw, n);
            rsz = java.util.Arrays.copyOf(sec.rsz, n);
            rva = java.util.Arrays.copyOf(sec.rva, n);
            vsz = java.util.Arrays.copyOf(sec.vsz, n);
        }
        if (target.status == OK) {
            PeVersionInfo.Result vi = PeVersionInfo.read(b, target);
            viOffsets = vi.offsets();
            viRecords = vi.records();
        }
        String imphash = null;
        long impSize = 0;
        if (scan.status == OK && !scan.is64) {
            PeImports.Result r = PeImports.hash(b, scan);
            if (r != null) {
                imphash = r.md5Hex();
                impSize = r.size();
            }
        }
        boolean is64 = target.status == OK ? target.is64 : scan.is64;
        return new ExeInfo(ExeInfo.Kind.PE, is64, ep, raw, rsz, rva, vsz, broken, scan.status == OK,
                imphash, impSize, viOffsets, viRecords);
    }

    /** ClamAV cli_rawaddr: RVA to file offset, or -1 where ClamAV sets its error flag. */
    static long rawaddr(long rvaIn, Header h, long fsize) {
        long r = rvaIn & M32;
        if (r < h.hdrSize) return r >= fsize ? -1 : r;
        for (int i = h.nsections - 1; i >= 0; i--) {
            if (h.rsz[i] != 0 && h.rva[i] <= r && h.rsz[i] > r - h.rva[i]) {
                return (r - h.rva[i] + h.raw[i]) & M32;
            }
        }
        return -1;
    }

    static long alignDown(long v, long a) {
        return a == 0 ? v : (v / a) * a;
    }

    static long alignUp(long v, long a) {
        return a == 0 ? v : ((v / a + (v % a != 0 ? 1 : 0)) * a) & M32;
    }

    /** One header walk (cli_peheader). {@code strict}: --alert-broken; {@code removeMissing}: cli_scanpe. */
    static Header header(ByteBuffer b, boolean strict, boolean removeMissing) {
        Header h = new Header();
        long fsize = b.limit();
        if (!Bytes.has(b, 0, 2)) return h;
        int magic = Bytes.u16le(b, 0);
        if (magic != 0x5a4d && magic != 0x4d5a) return h;
        if (!Bytes.has(b, 60, 4)) { h.status = EFORMAT; return h; }
        long lfanew = Bytes.u32le(b, 60);
        if (lfanew == 0) return h;
        if (!Bytes.has(b, lfanew, FILE_HDR)) return h;
        if (Bytes.u32le(b, lfanew) != 0x00004550L) return h;
        int nsections = Bytes.u16le(b, lfanew + 6);
        if (nsections == 0) { h.status = EFORMAT; return h; }
        int optSize = Bytes.u16le(b, lfanew + 20);
        if (optSize < OPT32) { h.status = EFORMAT; return h; }
        long opt = lfanew + FILE_HDR;
        if (!Bytes.has(b, opt, OPT32)) { h.status = EFORMAT; return h; }
        long at = opt + OPT32;
        int stored = OPT32;
        long salign, falign, ndirs;
        int subsystem;
        if (Bytes.u16le(b, opt) == 0x020b) {
            if (optSize < OPT64 || !Bytes.has(b, at, OPT64 - OPT32)) { h.status = EFORMAT; return h; }
            stored = OPT64;
            at = opt + OPT64;
            h.is64 = true;
            ndirs = Bytes.u32le(b, opt + 108);
        } else {
            ndirs = Bytes.u32le(b, opt + 92);
        }
        h.vep = Bytes.u32le(b, opt + 16);
        h.hdrSize = Bytes.u32le(b, opt + 60);
        salign = Bytes.u32le(b, opt + 32);
        falign = Bytes.u32le(b, opt + 36);
        subsystem = Bytes.u16le(b, opt + 68);
        boolean nativeSub = subsystem == NATIVE_SUBSYSTEM;
        if (strict && !nativeSub && (salign == 0 || salign % 0x1000 != 0)) { h.status = EFORMAT; return h; }
        if (strict && !nativeSub && (falign == 0 || falign % 0x200 != 0)) { h.status = EFORMAT; return h; }

        h.ndatadirs = (int) Math.min(ndirs, MAX_DATA_DIRS);
        int dirBytes = 8 * h.ndatadirs;
        if (optSize < stored + dirBytes) { h.status = EFORMAT; return h; }
        if (dirBytes > 0 && !Bytes.has(b, at, dirBytes)) { h.status = ERROR; return h; }
        for (int i = 0; i < h.ndatadirs; i++) {
            h.dirVa[i] = Bytes.u32le(b, at + 8L * i);
            h.dirSize[i] = Bytes.u32le(b, at + 8L * i + 4);
        }
        at += optSize - stored; // data directories plus whatever SizeOfOptionalHeader adds
        h.hdrSize = alignUp(h.hdrSize, salign);

        if (!Bytes.has(b, at, (long) nsections * SECTION_HDR)) { h.status = EFORMAT; return h; }
        // file alignment fallback: a raw pointer that contradicts FileAlignment but is 0x200-aligned
        for (int i = 0; falign != 0x200 && i < nsections; i++) {
            long p = at + (long) i * SECTION_HDR;
            long ptr = Bytes.u32le(b, p + 20);
            if (falign != 0 && Bytes.u32le(b, p + 16) != 0 && ptr % falign != 0 && ptr % 0x200 == 0) falign = 0x200;
        }
        return sections(b, h, at, nsections, salign, falign, fsize, strict, removeMissing);
    }

    private static Header sections(ByteBuffer b, Header h, long at, int nsections, long salign, long falign,
                                   long fsize, boolean strict, boolean removeMissing) {
        h.rva = new long[nsections];
        h.vsz = new long[nsections];
        h.raw = new long[nsections];
        h.rsz = new long[nsections];
        h.urva = new long[nsections];
        int n = 0;
        int remaining = nsections; // ClamAV's nsections while it removes sections
        for (int k = 0; k < nsections; k++) {
            long p = at + (long) k * SECTION_HDR;
            long uvsz = Bytes.u32le(b, p + 8);
            long urva = Bytes.u32le(b, p + 12);
            long ursz = Bytes.u32le(b, p + 16);
            long uraw = Bytes.u32le(b, p + 20);
            long rva = alignDown(urva, salign);
            long vsz = alignUp(uvsz, salign);
            long raw = alignDown(uraw, falign);
            long rsz = alignUp(ursz, falign);
            if (rsz != 0) {
                if (raw >= fsize || uraw >= fsize) {
                    if (removeMissing) {
                        if (remaining == 1) { h.status = EFORMAT; return h; }
                        remaining--;
                        continue;
                    }
                    rsz = 0;
                    ursz = 0;
                } else {
                    if (raw + rsz > fsize) rsz = fsize - raw;
                    if (!(ursz > 0 && uraw + ursz <= fsize)) ursz = fsize - uraw;
                }
            }
            if (vsz == 0 && rsz != 0) vsz = alignUp(ursz, salign);
            if (strict && (salign == 0 || urva % salign != 0)) { h.status = EFORMAT; return h; }
            if ((urva >>> 31) != 0 || (uvsz >>> 31) != 0 || (rsz != 0 && (uraw >>> 31) != 0) || (ursz >>> 31) != 0) {
                h.status = EFORMAT;
                return h;
            }
            if (n == 0) {
                if (strict && urva != h.hdrSize) { h.status = EFORMAT; return h; }
            } else if (strict && ((urva - h.urva[n - 1]) & M32) != h.vsz[n - 1]) {
                h.status = EFORMAT;
                return h;
            }
            h.rva[n] = rva;
            h.vsz[n] = vsz;
            h.raw[n] = raw;
            h.rsz[n] = rsz;
            h.urva[n] = urva;
            n++;
        }
        h.nsections = n;
        long ep = rawaddr(h.vep, h, fsize);
        if (ep < 0) { h.status = EFORMAT; return h; }
        h.ep = ep;
        h.status = OK;
        return h;
    }
}
