package dev.bulwark.engine.signatures.yara.modules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * YARA's macho module: Mach-O header, segments with their sections, entry point (LC_MAIN or the program counter of
 * LC_UNIXTHREAD mapped to a file offset), stack size, fat (universal) headers with each embedded file, and the
 * {@code file_index_for_arch} / {@code entry_point_for_arch} helpers. Field semantics follow yara 4.x: {@code magic}
 * is the first four bytes read big-endian, other fields are read in the file's byte order.
 */
final class MachoModule implements YaraModule {
    private static final long MH_MAGIC = 0xfeedfaceL, MH_CIGAM = 0xcefaedfeL, MH_MAGIC_64 = 0xfeedfacfL, MH_CIGAM_64 = 0xcffaedfeL;
    private static final long FAT_MAGIC = 0xcafebabeL, FAT_CIGAM = 0xbebafecaL, FAT_MAGIC_64 = 0xcafebabfL, FAT_CIGAM_64 = 0xbfbafecaL;
    private static final int LC_SEGMENT = 0x1, LC_UNIXTHREAD = 0x5, LC_SEGMENT_64 = 0x19, LC_MAIN = 0x80000028;
    private static final int MACH_HEADER_64 = 32; // yara needs this many bytes even for a 32-bit header
    private static final int MAX_COMMANDS = 4096; // load commands walked per file; real binaries have a few hundred
    private static final int MAX_FAT_ARCHS = 256; // embedded files of a universal binary; real ones have fewer than 10
    private static final int MAX_ENTRIES = 65_536; // segments + sections per input, across all embedded files

    @Override
    public String name() {
        return "macho";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        Map<String, Object> m = new HashMap<>();
        MachoConstants.add(m);
        int[] budget = {MAX_ENTRIES};
        long magic = Bytes.u32be(in, 0);
        if (magic == MH_MAGIC || magic == MH_CIGAM || magic == MH_MAGIC_64 || magic == MH_CIGAM_64) {
            parseFile(in, 0, in.len(), m, budget);
        } else if (magic == FAT_MAGIC || magic == FAT_CIGAM || magic == FAT_MAGIC_64 || magic == FAT_CIGAM_64) {
            parseFat(in, m, budget);
        }
        m.put("file_index_for_arch", (YaraFunction) (x, a) -> forArch(m, a, false));
        m.put("entry_point_for_arch", (YaraFunction) (x, a) -> forArch(m, a, true));
        return m;
    }

    /** Reads the file's fields at base + off in its byte order; -1 / Long.MIN_VALUE when out of range. */
    private record View(ScanInput in, long base, long size, boolean bigEndian) {
        boolean has(long off, long n) {
            return off >= 0 && n >= 0 && off + n <= size;
        }

        long u32(long off) {
            if (!has(off, 4)) return -1;
            return bigEndian ? Bytes.u32be(in, base + off) : Bytes.u32(in, base + off);
        }

        long u64(long off) {
            if (!has(off, 8)) return Long.MIN_VALUE;
            long a = u32(off), b = u32(off + 4);
            return bigEndian ? a << 32 | b : b << 32 | a;
        }

        byte[] name16(long off) {
            int n = 0;
            while (n < 16 && Bytes.u8(in, base + off + n) > 0) n++;
            byte[] s = Bytes.slice(in, base + off, n);
            return s == null ? new byte[0] : s;
        }
    }

    static void parseFile(ScanInput in, long base, long size, Map<String, Object> m, int[] budget) {
        if (size < MACH_HEADER_64 || !in.has(base, MACH_HEADER_64)) return;
        long magic = Bytes.u32be(in, base);
        View v = new View(in, base, size, magic == MH_MAGIC || magic == MH_MAGIC_64);
        boolean is64 = magic == MH_MAGIC_64 || magic == MH_CIGAM_64;
        m.put("magic", magic);
        long cputype = v.u32(4);
        m.put("cputype", cputype);
        m.put("cpusubtype", v.u32(8));
        m.put("filetype", v.u32(12));
        long ncmds = v.u32(16);
        m.put("ncmds", ncmds);
        m.put("sizeofcmds", v.u32(20));
        m.put("flags", v.u32(24));
        if (is64) m.put("reserved", v.u32(28));
        int headerSize = is64 ? 32 : 28;
        List<Object> segments = new ArrayList<>();
        long pos = headerSize;
        for (long i = 0; i < Math.min(ncmds, MAX_COMMANDS); i++) {
            long cmd = v.u32(pos), cmdsize = v.u32(pos + 4);
            if (cmd < 0 || cmdsize < 8 || size - pos < cmdsize) break;
            if (cmd == LC_SEGMENT || cmd == LC_SEGMENT_64) {
                if (budget[0]-- <= 0) break; // the input's segment/section budget is spent
                Map<String, Object> seg = new HashMap<>();
                segments.add(seg);
                segment(v, pos, size - pos, cmd == LC_SEGMENT_64, seg, budget);
            }
            pos += cmdsize;
        }
        m.put("segments", segments);
        m.put("number_of_segments", (long) segments.size());
        pos = headerSize;
        for (long i = 0; i < Math.min(ncmds, MAX_COMMANDS); i++) {
            long cmd = v.u32(pos), cmdsize = v.u32(pos + 4);
            if (cmd < 0 || cmdsize < 8 || size - pos < cmdsize) break;
            if (cmd == LC_UNIXTHREAD) unixThread(v, pos, size - pos, cputype, segments, m);
            else if (cmd == (LC_MAIN & 0xFFFFFFFFL) && size - pos >= 24) {
                m.put("entry_point", v.u64(pos + 8));
                m.put("stack_size", v.u64(pos + 16));
            }
            pos += cmdsize;
        }
    }

    private static void segment(View v, long pos, long avail, boolean is64, Map<String, Object> seg, int[] budget) {
        int headerSize = is64 ? 72 : 56, sectionSize = is64 ? 80 : 68;
        if (avail < headerSize) return;
        seg.put("segname", v.name16(pos + 8));
        long p = pos + 24;
        seg.put("vmaddr", is64 ? v.u64(p) : v.u32(p));
        seg.put("vmsize", is64 ? v.u64(p + 8) : v.u32(p + 4));
        seg.put("fileoff", is64 ? v.u64(p + 16) : v.u32(p + 8));
        seg.put("fsize", is64 ? v.u64(p + 24) : v.u32(p + 12));
        p += is64 ? 32 : 16;
        seg.put("maxprot", v.u32(p));
        seg.put("initprot", v.u32(p + 4));
        long nsects = v.u32(p + 8);
        seg.put("nsects", nsects);
        seg.put("flags", v.u32(p + 12));
        long cmdsize = v.u32(pos + 4);
        List<Object> sections = new ArrayList<>();
        long parsed = headerSize;
        for (long j = 0; j < nsects && budget[0] > 0; j++) {
            parsed += sectionSize;
            if (cmdsize < parsed) break;
            budget[0]--;
            long s = pos + parsed - sectionSize;
            Map<String, Object> sec = new HashMap<>();
            sec.put("sectname", v.name16(s));
            sec.put("segname", v.name16(s + 16));
            long q = s + 32;
            sec.put("addr", is64 ? v.u64(q) : v.u32(q));
            sec.put("size", is64 ? v.u64(q + 8) : v.u32(q + 4));
            q += is64 ? 16 : 8;
            String[] names = {"offset", "align", "reloff", "nreloc", "flags", "reserved1", "reserved2", "reserved3"};
            for (int k = 0; k < (is64 ? 8 : 7); k++) sec.put(names[k], v.u32(q + 4L * k));
            sections.add(sec);
        }
        seg.put("sections", sections);
    }

    /** Program counter offset and state size of each CPU's thread state, as {cputype, pcOffset, stateSize, pcBytes}. */
    private static final long[][] THREAD_STATES = {
            {0x6, 68, 72, 4}, {0xd, 124, 136, 4}, {0xe, 4, 76, 4}, {0x12, 0, 160, 4}, {0x7, 40, 64, 4},
            {0xc, 60, 68, 4}, {0x01000007, 128, 168, 8}, {0x0100000c, 256, 268, 8}, {0x01000012, 0, 304, 8}};

    private static void unixThread(View v, long pos, long avail, long cputype, List<Object> segments, Map<String, Object> m) {
        if (avail < 16) return;
        long rawSize = Bytes.u32(v.in(), v.base() + pos + 4); // yara reads this field unswapped
        long stateSize = Math.min(avail, rawSize) - 16;
        if (stateSize < 0) return;
        for (long[] t : THREAD_STATES) {
            if (t[0] != cputype) continue;
            if (stateSize < t[2]) return;
            long pc = t[3] == 8 ? v.u64(pos + 16 + t[1]) : v.u32(pos + 16 + t[1]);
            for (Object o : segments) {
                Map<?, ?> s = (Map<?, ?>) o;
                if (!(s.get("vmaddr") instanceof Long start) || !(s.get("vmsize") instanceof Long len)) continue;
                if (Long.compareUnsigned(pc, start) >= 0 && Long.compareUnsigned(pc, start + len) < 0) {
                    m.put("entry_point", (Long) s.get("fileoff") + (pc - start));
                    return;
                }
            }
            return;
        }
    }

    private static void parseFat(ScanInput in, Map<String, Object> m, int[] budget) {
        if (in.len() < 8) return;
        long magic = Bytes.u32be(in, 0);
        boolean is32 = magic == FAT_MAGIC;
        int archSize = is32 ? 20 : 32;
        m.put("fat_magic", magic);
        long count = Bytes.u32be(in, 4);
        m.put("nfat_arch", count);
        if (count > (in.len() - 8L) / archSize) return;
        List<Object> archs = new ArrayList<>(), files = new ArrayList<>();
        for (int i = 0; i < Math.min(count, MAX_FAT_ARCHS); i++) {
            long p = 8L + (long) i * archSize;
            long offset = is32 ? Bytes.u32be(in, p + 8) : Bytes.u32be(in, p + 8) << 32 | Bytes.u32be(in, p + 12);
            long size = is32 ? Bytes.u32be(in, p + 12) : Bytes.u32be(in, p + 16) << 32 | Bytes.u32be(in, p + 20);
            Map<String, Object> a = new HashMap<>();
            a.put("cputype", Bytes.u32be(in, p));
            a.put("cpusubtype", Bytes.u32be(in, p + 4));
            a.put("offset", offset);
            a.put("size", size);
            a.put("align", Bytes.u32be(in, p + (is32 ? 16 : 24)));
            archs.add(a);
            Map<String, Object> f = new HashMap<>();
            files.add(f);
            long end = offset + size;
            if (Long.compareUnsigned(end, offset) < 0 || Long.compareUnsigned(in.len(), end) < 0) continue;
            parseFile(in, offset, size, f, budget);
        }
        m.put("fat_arch", archs);
        m.put("file", files);
    }

    /** file_index_for_arch(type[, subtype]) or entry_point_for_arch(type[, subtype]); undefined when not fat. */
    private static Object forArch(Map<String, Object> m, Object[] a, boolean entry) {
        if (!(m.get("nfat_arch") instanceof Long) || a.length < 1 || a.length > 2) return null;
        List<?> archs = m.get("fat_arch") instanceof List<?> l ? l : List.of();
        List<?> files = m.get("file") instanceof List<?> l ? l : List.of();
        for (int i = 0; i < archs.size(); i++) {
            Map<?, ?> desc = (Map<?, ?>) (entry ? archs.get(i) : files.get(i));
            if (!a[0].equals(desc.get("cputype")) || a.length == 2 && !a[1].equals(desc.get("cpusubtype"))) continue;
            if (!entry) return (long) i;
            Object ep = ((Map<?, ?>) files.get(i)).get("entry_point");
            return ep instanceof Long e ? (Object) ((Long) ((Map<?, ?>) archs.get(i)).get("offset") + e) : null;
        }
        return null;
    }
}
