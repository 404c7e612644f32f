package dev.bulwark.engine.signatures.yara.modules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** YARA's elf module: header, sections, segments, dynamic section and symbol tables. */
final class ElfModule implements YaraModule {
    private static final int MAX_SYMBOLS = 1 << 20; // bounds the symbol lists of hostile files
    private static final int MAX_NAME = 1024; // longest section/symbol name read

    @Override
    public String name() {
        return "elf";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        Map<String, Object> m = new HashMap<>();
        ElfConstants.add(m);
        ElfFile e = ElfFile.parse(in);
        if (e == null) return m;
        m.put("type", (long) e.type);
        m.put("machine", (long) e.machine);
        long ep = e.moduleEntryOffset();
        if (ep >= 0) m.put("entry_point", ep);
        m.put("sh_offset", e.shoff);
        m.put("sh_entry_size", (long) e.shentsize);
        m.put("ph_offset", e.phoff);
        m.put("ph_entry_size", (long) e.phentsize);
        m.put("number_of_sections", (long) e.shnum);
        m.put("number_of_segments", (long) e.phnum);
        long strtab = e.hasSection(e.shstrndx) ? e.shOffset(e.shstrndx) : -1;
        List<Object> sections = new ArrayList<>();
        for (int i = 0; e.hasSection(i); i++) {
            Map<String, Object> s = new HashMap<>();
            s.put("type", e.shType(i));
            s.put("flags", e.shFlags(i));
            s.put("address", e.shAddr(i));
            s.put("size", e.shSize(i));
            s.put("offset", e.shOffset(i));
            if (strtab >= 0) {
                byte[] n = Bytes.cstr(in, strtab + e.u32(e.sh(i)), MAX_NAME);
                if (n != null) s.put("name", n);
            }
            sections.add(s);
        }
        m.put("sections", sections);
        List<Object> segments = new ArrayList<>(), dynamic = new ArrayList<>();
        boolean sawDynamic = false;
        for (int i = 0; e.hasSegment(i); i++) {
            long p = e.ph(i);
            Map<String, Object> s = new HashMap<>();
            s.put("type", e.phType(i));
            s.put("flags", e.is64 ? e.u32(p + 4) : e.u32(p + 24));
            s.put("offset", e.phOffset(i));
            s.put("virtual_address", e.phVaddr(i));
            s.put("physical_address", e.is64 ? e.u64(p + 24) : e.u32(p + 12));
            s.put("file_size", e.phFilesz(i));
            s.put("memory_size", e.is64 ? e.u64(p + 40) : e.u32(p + 20));
            s.put("alignment", e.is64 ? e.u64(p + 48) : e.u32(p + 28));
            segments.add(s);
            if (e.phType(i) == 2) sawDynamic = true;
            if (e.phType(i) == 2 && dynamic.isEmpty()) dynamic(e, e.phOffset(i), e.phFilesz(i), dynamic);
        }
        m.put("segments", segments);
        m.put("dynamic", dynamic);
        // (yara17) as in yara 4.2.3, only a file with a PT_DYNAMIC segment has a count (a static executable: undefined)
        if (sawDynamic) m.put("dynamic_section_entries", (long) dynamic.size());
        for (int i = 0; e.hasSection(i); i++) {
            long t = e.shType(i);
            if (t != 2 && t != 11) continue; // SHT_SYMTAB, SHT_DYNSYM
            String key = t == 2 ? "symtab" : "dynsym";
            if (m.containsKey(key)) continue;
            List<Object> syms = symbols(e, i);
            m.put(key, syms);
            m.put(key + "_entries", (long) syms.size());
        }
        return m;
    }

    private static void dynamic(ElfFile e, long off, long size, List<Object> out) {
        int ent = e.is64 ? 16 : 8;
        for (long p = off; p + ent <= off + size && e.in.has(p, ent) && out.size() < MAX_SYMBOLS; p += ent) {
            long tag = e.word(p), val = e.word(p + ent / 2);
            out.add(Map.of("type", tag, "val", val));
            if (tag == 0) break;
        }
    }

    private static List<Object> symbols(ElfFile e, int sec) {
        List<Object> out = new ArrayList<>();
        long off = e.shOffset(sec), size = e.shSize(sec);
        long link = e.shLink(sec);
        long strtab = link >= 0 && e.hasSection((int) Math.min(link, Integer.MAX_VALUE)) ? e.shOffset((int) link) : -1;
        int ent = e.is64 ? 24 : 16;
        for (long p = off; p + ent <= off + size && e.in.has(p, ent) && out.size() < MAX_SYMBOLS; p += ent) {
            Map<String, Object> s = new HashMap<>();
            long nameIdx = e.u32(p);
            int info = Bytes.u8(e.in, p + (e.is64 ? 4 : 12));
            s.put("value", e.is64 ? e.u64(p + 8) : e.u32(p + 4));
            s.put("size", e.is64 ? e.u64(p + 16) : e.u32(p + 8));
            s.put("type", (long) (info & 0xF));
            s.put("bind", (long) (info >> 4));
            s.put("shndx", (long) e.u16(p + (e.is64 ? 6 : 14)));
            if (strtab >= 0) {
                byte[] n = Bytes.cstr(e.in, strtab + nameIdx, MAX_NAME);
                if (n != null) s.put("name", n);
            }
            out.add(s);
        }
        return out;
    }
}
