package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Thin Mach-O headers with ClamAV 1.4's rules (libclamav/macho.c cli_scanmacho). Quirks kept on purpose:
 * <ul>
 *   <li>the entry point comes only from an LC_THREAD/LC_UNIXTHREAD of a PowerPC (32/64) binary; i386
 *       thread states are read but their eip is ignored, and x86_64/ARM (LC_MAIN) give entry point 0;</li>
 *   <li>a non-zero entry point is mapped through the sections (not segments); when no section holds it the
 *       parse fails (not "broken"); with no sections at all the virtual address is kept as is;</li>
 *   <li>the cursor after a segment or thread command advances by the structures read, not by cmdsize;</li>
 *   <li>a section's raw size is its size rounded up to 2^align; the installed ClamAV 1.4.6 (Debian
 *       1.4.6+dfsg) reports an alignment exponent of 32 or more, or a rounded size beyond 32 bits, as broken
 *       (verified with clamscan --debug: "Section alignment or size is malformed");</li>
 *   <li>the section count is stored in 16 bits.</li>
 * </ul>
 */
final class MachoParser {
    private MachoParser() {}

    private static final int HDR = 28;
    private static final int MAX_CMDS = 1024;          // ClamAV: more is broken
    private static final int MAX_SECTS_PER_SEG = 255;  // ClamAV: more is broken
    private static final int SEG32 = 48, SEG64 = 64;
    private static final int SECT32 = 68, SECT64 = 80;
    private static final int THREAD_X86 = 64, THREAD_PPC = 160, THREAD_PPC64 = 312;
    private static final long M32 = 0xffffffffL;

    static ExeInfo parse(ByteBuffer b) {
        if (!Bytes.has(b, 0, HDR)) return null;
        long magic = Bytes.u32le(b, 0);
        boolean be, m64;
        if (magic == 0xfeedfaceL) { be = false; m64 = false; }
        else if (magic == 0xcefaedfeL) { be = true; m64 = false; }
        else if (magic == 0xfeedfacfL) { be = false; m64 = true; }
        else if (magic == 0xcffaedfeL) { be = true; m64 = true; }
        else return null;

        long cpu = Bytes.u32(b, 4, be);
        int arch = cpu == 7 ? 1 : cpu == 18 ? 2 : cpu == (18 | 0x1000000) ? 3 : 0;
        long ncmds = Bytes.u32(b, 16, be);
        if (ncmds == 0 || ncmds > MAX_CMDS) return broken(m64);

        long at = HDR + (m64 ? 4 : 0);
        long ep = 0;
        int sect = 0;
        long[] rva = new long[16], vsz = new long[16], raw = new long[16], rsz = new long[16];
        for (int i = 0; i < ncmds; i++) {
            if (!Bytes.has(b, at, 8)) return broken(m64);
            long cmd = Bytes.u32(b, at, be);
            long cmdsize = Bytes.u32(b, at + 4, be);
            at += 8;
            if ((m64 && cmd == 0x19) || (!m64 && cmd == 0x01)) {
                int segSize = m64 ? SEG64 : SEG32;
                if (!Bytes.has(b, at, segSize)) return broken(m64);
                long nsects = Bytes.u32(b, at + (m64 ? 56 : 40), be);
                at += segSize;
                if (nsects > MAX_SECTS_PER_SEG) return broken(m64);
                if (sect + (int) nsects > rva.length) {
                    int n = Math.max(sect + (int) nsects, rva.length * 2);
                    rva = Arrays.copyOf(rva, n);
                    vsz = Arrays.copyOf(vsz, n);
                    raw = Arrays.copyOf(raw, n);
                    rsz = Arrays.copyOf(rsz, n);
                }
                for (int j = 0; j < nsects; j++) {
                    if (!Bytes.has(b, at, sectSize(m64))) return broken(m64);
                    long size, alignExp;
                    if (m64) {
                        rva[sect] = Bytes.u64(b, at + 32, be) & M32;
                        size = Bytes.u64(b, at + 40, be);
                        raw[sect] = Bytes.u32(b, at + 48, be);
                        alignExp = Bytes.u32(b, at + 52, be);
                    } else {
                        rva[sect] = Bytes.u32(b, at + 32, be);
                        size = Bytes.u32(b, at + 36, be);
                        raw[sect] = Bytes.u32(b, at + 40, be);
                        alignExp = Bytes.u32(b, at + 44, be);
                    }
                    at += sectSize(m64);
                    // ClamAV 1.4.6: an alignment of 2^32 or more, or a rounded-up size past 32 bits, is broken
                    if (alignExp >= 32 || Long.compareUnsigned(size, M32) > 0) return broken(m64);
                    long align = 1L << alignExp;
                    long rounded = size + (align - size % align) % align;
                    if (rounded > M32) return broken(m64);
                    vsz[sect] = size;
                    rsz[sect] = rounded;
                    sect++;
                }
            } else if (arch != 0 && (cmd == 0x4 || cmd == 0x5)) {
                at += 8;
                int size = arch == 1 ? THREAD_X86 : arch == 2 ? THREAD_PPC : THREAD_PPC64;
                if (!Bytes.has(b, at, size)) return broken(m64);
                if (arch == 2) ep = Bytes.u32(b, at, be);
                else if (arch == 3) ep = Bytes.u64(b, at, be) & M32;
                at += size;
            } else if (cmdsize > 8) {
                at += cmdsize - 8;
            }
        }
        if (ep != 0 && sect > 0) {
            long mapped = -1;
            for (int i = 0; i < sect; i++) {
                if (rva[i] <= ep && ((rva[i] + vsz[i]) & M32) > ep) {
                    mapped = (ep - rva[i] + raw[i]) & M32;
                    break;
                }
            }
            if (mapped < 0) {
                return new ExeInfo(ExeInfo.Kind.MACHO, m64, -1, null, null, null, null, false, false, null, 0, null, null);
            }
            ep = mapped;
        }
        int n = sect & 0xffff; // ClamAV keeps the count in 16 bits
        return new ExeInfo(ExeInfo.Kind.MACHO, m64, ep, Arrays.copyOf(raw, n), Arrays.copyOf(rsz, n),
                Arrays.copyOf(rva, n), Arrays.copyOf(vsz, n), false, false, null, 0, null, null);
    }

    private static int sectSize(boolean m64) {
        return m64 ? SECT64 : SECT32;
    }

    private static ExeInfo broken(boolean m64) {
        return new ExeInfo(ExeInfo.Kind.MACHO, m64, -1, null, null, null, null, true, false, null, 0, null, null);
    }
}
