package dev.bulwark.engine.signatures.yara.modules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * YARA's pe module: headers, sections, imports, exports, imphash, resources, version info, Rich header, PDB path,
 * overlay, checksum and Authenticode signatures (read and verified: see {@link PeSignatures}).
 */
final class PeModule implements YaraModule {
    @Override
    public String name() {
        return "pe";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        Map<String, Object> m = new HashMap<>();
        PeConstants.add(m);
        PeFile pe = PeFile.parse(in);
        m.put("is_pe", pe == null ? 0L : 1L);
        if (pe == null) return m;
        m.put("machine", (long) pe.machine);
        m.put("number_of_sections", (long) pe.numberOfSections);
        m.put("timestamp", pe.timestamp);
        m.put("pointer_to_symbol_table", pe.pointerToSymbolTable);
        m.put("number_of_symbols", pe.numberOfSymbols);
        m.put("size_of_optional_header", (long) pe.sizeOfOptionalHeader);
        m.put("characteristics", (long) pe.characteristics);
        long ep = pe.rvaToOffset(pe.entryPointRva);
        m.put("entry_point", ep); // (yara17) yara 4.2.3 sets -1 when the entry point maps to no file offset
        m.put("entry_point_raw", pe.entryPointRva);
        m.put("opthdr_magic", (long) pe.magic);
        m.put("image_base", pe.imageBase);
        m.put("linker_version", Map.of("major", (long) Bytes.u8(in, pe.opt + 2), "minor", (long) Bytes.u8(in, pe.opt + 3)));
        m.put("size_of_code", pe.optU32(4));
        m.put("size_of_initialized_data", pe.optU32(8));
        m.put("size_of_uninitialized_data", pe.optU32(12));
        m.put("base_of_code", pe.optU32(20));
        if (!pe.is64) m.put("base_of_data", pe.optU32(24));
        m.put("section_alignment", pe.optU32(32));
        m.put("file_alignment", pe.optU32(36));
        m.put("os_version", Map.of("major", (long) pe.optU16(40), "minor", (long) pe.optU16(42)));
        m.put("image_version", Map.of("major", (long) pe.optU16(44), "minor", (long) pe.optU16(46)));
        m.put("subsystem_version", Map.of("major", (long) pe.optU16(48), "minor", (long) pe.optU16(50)));
        m.put("win32_version_value", pe.optU32(52));
        m.put("size_of_image", pe.optU32(56));
        m.put("size_of_headers", pe.optU32(60));
        m.put("checksum", pe.optU32(64));
        m.put("subsystem", (long) pe.optU16(68));
        m.put("dll_characteristics", (long) pe.optU16(70));
        // (yara17) declared and set by yara 4.2.3, were missing: 64-bit in PE32+
        int word = pe.is64 ? 8 : 4;
        String[] sizes = {"size_of_stack_reserve", "size_of_stack_commit", "size_of_heap_reserve", "size_of_heap_commit"};
        for (int i = 0; i < 4; i++) {
            long v = pe.is64 ? Bytes.u64(in, pe.opt + 72 + 8L * i) : pe.optU32(72 + 4 * i);
            if (pe.is64 ? in.has(pe.opt + 72 + 8L * i, 8) : v >= 0) m.put(sizes[i], v);
        }
        long lf = pe.optU32(72 + 4 * word);
        if (lf >= 0) m.put("loader_flags", lf);
        m.put("number_of_rva_and_sizes", pe.numberOfRvaAndSizes);
        List<Object> dirs = new ArrayList<>();
        for (int i = 0; i < Math.min(16, Math.max(0, pe.numberOfRvaAndSizes)); i++) {
            dirs.add(Map.of("virtual_address", Bytes.u32(in, pe.dataDirectories + 8L * i), "size", Bytes.u32(in, pe.dataDirectories + 8L * i + 4)));
        }
        m.put("data_directories", dirs);
        sections(pe, m);
        PeImports imp = new PeImports(pe);
        imports(imp, m);
        PeResources res = new PeResources(pe);
        m.put("resources", res.resources);
        m.put("number_of_resources", (long) res.resources.size());
        if (res.resourceTimestamp >= 0) m.put("resource_timestamp", res.resourceTimestamp);
        if (res.resourceVersion != null) m.put("resource_version", res.resourceVersion);
        m.put("version_info", res.versionInfo);
        m.put("version_info_list", res.versionInfoList);
        m.put("number_of_version_infos", (long) res.versionInfoList.size());
        m.put("language", (YaraFunction) (x, a) -> lang(res.resources, a, 0xFF));
        m.put("locale", (YaraFunction) (x, a) -> lang(res.resources, a, 0xFFFF));
        Map<String, Object> rich = PeResources.rich(pe);
        if (rich != null) m.put("rich_signature", rich);
        byte[] pdb = PeResources.pdbPath(pe);
        if (pdb != null) m.put("pdb_path", pdb);
        List<Object> signatures = PeSignatures.parse(pe);
        if (signatures != null) {
            m.put("signatures", signatures);
            m.put("number_of_signatures", (long) signatures.size());
        }
        long signed = 0; // YARA 4.5: 0 by default, 1 when some signature is verified
        for (Object s : signatures == null ? List.of() : signatures) if (Long.valueOf(1).equals(((Map<?, ?>) s).get("verified"))) signed = 1;
        m.put("is_signed", signed);
        // (yara17) yara 4.2.3 returns characteristics & IMAGE_FILE_DLL (0x2000), not 0/1
        m.put("is_dll", (YaraFunction) (x, a) -> (long) (pe.characteristics & 0x2000));
        m.put("is_32bit", (YaraFunction) (x, a) -> pe.magic == 0x10b ? 1L : 0L);
        m.put("is_64bit", (YaraFunction) (x, a) -> pe.magic == 0x20b ? 1L : 0L);
        m.put("rva_to_offset", (YaraFunction) (x, a) -> {
            long o = pe.rvaToOffset((Long) a[0]);
            return o < 0 ? null : (Object) o;
        });
        m.put("calculate_checksum", (YaraFunction) (x, a) -> checksum(pe));
        return m;
    }

    private static void sections(PeFile pe, Map<String, Object> m) {
        List<Object> sections = new ArrayList<>();
        long overlay = 0;
        long stringTable = pe.pointerToSymbolTable + pe.numberOfSymbols * 18;
        for (int i = 0; i < pe.sections; i++) {
            Map<String, Object> s = new HashMap<>();
            byte[] name = pe.sectionName(i);
            s.put("name", name);
            byte[] full = name;
            if (name.length > 1 && name[0] == '/' && pe.pointerToSymbolTable > 0) {
                try {
                    long idx = Long.parseLong(new String(name, 1, name.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1));
                    byte[] f = Bytes.cstr(pe.in, stringTable + idx, 256);
                    if (f != null) full = f;
                } catch (NumberFormatException e) {
                    // not a string-table reference: keep the short name
                }
            }
            s.put("full_name", full);
            s.put("virtual_address", pe.sectionVa(i));
            s.put("virtual_size", pe.sectionVirtualSize(i));
            s.put("raw_data_size", pe.sectionRawSize(i));
            s.put("raw_data_offset", pe.sectionRawOffset(i));
            s.put("pointer_to_relocations", pe.section(i, 24));
            s.put("pointer_to_line_numbers", pe.section(i, 28));
            s.put("number_of_relocations", (long) Bytes.u16(pe.in, pe.sectionTable + 40L * i + 32));
            s.put("number_of_line_numbers", (long) Bytes.u16(pe.in, pe.sectionTable + 40L * i + 34));
            s.put("characteristics", pe.section(i, 36));
            sections.add(s);
            if (pe.sectionRawSize(i) > 0) overlay = Math.max(overlay, pe.sectionRawOffset(i) + pe.sectionRawSize(i));
        }
        m.put("sections", sections);
        long size = pe.in.len() - overlay;
        m.put("overlay", overlay > 0 && size > 0 ? Map.of("offset", overlay, "size", size) : Map.of("offset", 0L, "size", 0L));
        m.put("section_index", (YaraFunction) (x, a) -> {
            for (int i = 0; i < pe.sections; i++) {
                if (a[0] instanceof byte[] n ? java.util.Arrays.equals(n, pe.sectionName(i))
                        : (Long) a[0] >= pe.sectionRawOffset(i) && (Long) a[0] < pe.sectionRawOffset(i) + pe.sectionRawSize(i)) {
                    return (long) i;
                }
            }
            return null;
        });
    }

    private static void imports(PeImports imp, Map<String, Object> m) {
        long std = 0, stdFns = 0, del = 0, delFns = 0;
        List<Object> details = new ArrayList<>(), delayedDetails = new ArrayList<>();
        for (PeImports.Dll d : imp.dlls) {
            List<Object> fns = new ArrayList<>();
            for (PeImports.Fn f : d.functions()) {
                Map<String, Object> fm = new HashMap<>();
                if (f.name() != null) fm.put("name", f.name());
                if (f.ordinal() >= 0) fm.put("ordinal", f.ordinal());
                fm.put("rva", f.rva());
                fns.add(fm);
            }
            Map<String, Object> dm = Map.of("library_name", d.name(), "number_of_functions", (long) fns.size(), "functions", fns);
            if (d.delayed()) {
                del++;
                delFns += fns.size();
                delayedDetails.add(dm);
            } else {
                std++;
                stdFns += fns.size();
                details.add(dm);
            }
        }
        m.put("number_of_imports", std);
        m.put("number_of_imported_functions", stdFns);
        m.put("number_of_delayed_imports", del);
        m.put("number_of_delayed_imported_functions", delFns);
        m.put("import_details", details);
        m.put("delayed_import_details", delayedDetails);
        m.put("imports", (YaraFunction) (x, a) -> a.length >= 1 && a.length <= 3 ? imp.imports(a) : null);
        m.put("imphash", (YaraFunction) (x, a) -> imp.imphash());
        m.put("number_of_exports", (long) imp.exports.size());
        List<Object> ex = new ArrayList<>();
        for (PeImports.Export e : imp.exports) {
            Map<String, Object> em = new HashMap<>();
            if (e.name() != null) em.put("name", e.name());
            em.put("ordinal", e.ordinal());
            em.put("rva", e.rva());
            if (e.offset() >= 0) em.put("offset", e.offset());
            if (e.forward() != null) em.put("forward_name", e.forward());
            ex.add(em);
        }
        m.put("export_details", ex);
        if (imp.exportDllName != null) m.put("dll_name", imp.exportDllName);
        if (imp.exportTimestamp >= 0) m.put("export_timestamp", imp.exportTimestamp);
        m.put("exports", (YaraFunction) (x, a) -> imp.exportsFn(a));
        m.put("exports_index", (YaraFunction) (x, a) -> imp.exportsIndex(a));
    }

    private static Object lang(List<Object> resources, Object[] a, long mask) {
        if (a.length != 1 || !(a[0] instanceof Long want)) return null;
        for (Object r : resources) {
            Object l = ((Map<?, ?>) r).get("language");
            if (l instanceof Long v && (v & mask) == want) return 1L;
        }
        return 0L;
    }

    /** The PE checksum: 16-bit one's-complement-style sum of the file (checksum field skipped) plus its length. */
    private static long checksum(PeFile pe) {
        ScanInput in = pe.in;
        long csumOff = pe.opt + 64, sum = 0;
        int len = in.len();
        for (long i = 0; i + 1 < len; i += 2) {
            if (i == csumOff || i == csumOff + 2) continue;
            sum += Bytes.u16(in, i);
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        if ((len & 1) != 0) {
            sum += in.u8(len - 1);
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (sum & 0xFFFF) + len;
    }
}
