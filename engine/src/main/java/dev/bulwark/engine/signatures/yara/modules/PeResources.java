package dev.bulwark.engine.signatures.yara.modules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resources (with version info), the Rich header and the PDB path of a PE file. */
final class PeResources {
    private static final int MAX_RESOURCES = 65536; // YARA's MAX_RESOURCES
    private static final int MAX_ENTRIES = 4096; // entries read per resource directory
    private static final int MAX_VERSION_DEPTH = 6; // VS_VERSIONINFO nesting we walk
    private static final int MAX_RICH_SCAN = 0x400; // the Rich header sits in the DOS stub area

    final List<Object> resources = new ArrayList<>();
    final Map<String, Object> versionInfo = new LinkedHashMap<>();
    final List<Object> versionInfoList = new ArrayList<>();
    long resourceTimestamp = -1;
    /** (yara17) The root directory's MajorVersion/MinorVersion, as yara 4.2.3 sets resource_version; null if absent. */
    Map<String, Object> resourceVersion;

    PeResources(PeFile pe) {
        long[] dir = pe.directory(2);
        if (dir == null) return;
        long root = pe.rvaToOffset(dir[0]);
        if (root < 0) return;
        resourceTimestamp = Bytes.u32(pe.in, root + 4);
        if (pe.in.has(root, 16)) resourceVersion = Map.of("major", (long) Bytes.u16(pe.in, root + 8), "minor", (long) Bytes.u16(pe.in, root + 10));
        walk(pe, root, root, 0, new long[3], new byte[3][]);
    }

    private void walk(PeFile pe, long root, long dirOff, int level, long[] ids, byte[][] names) {
        int named = Bytes.u16(pe.in, dirOff + 12), idd = Bytes.u16(pe.in, dirOff + 14);
        if (named < 0 || idd < 0) return;
        int n = Math.min(named + idd, MAX_ENTRIES);
        for (int i = 0; i < n && resources.size() < MAX_RESOURCES; i++) {
            long e = dirOff + 16 + 8L * i;
            long name = Bytes.u32(pe.in, e), target = Bytes.u32(pe.in, e + 4);
            if (name < 0 || target < 0) return;
            if ((name & 0x80000000L) != 0) {
                long so = root + (name & 0x7FFFFFFFL);
                int len = Bytes.u16(pe.in, so);
                // (yara17) the name's UTF-16LE bytes as stored, as yara 4.2.3 sets type/name/language_string
                names[level] = len < 0 ? null : Bytes.slice(pe.in, so + 2, 2L * len);
                ids[level] = -1;
            } else {
                names[level] = null;
                ids[level] = name;
            }
            if ((target & 0x80000000L) != 0) {
                if (level < 2) walk(pe, root, root + (target & 0x7FFFFFFFL), level + 1, ids, names);
            } else if (level == 2) {
                leaf(pe, root + target, ids, names);
            }
        }
    }

    private void leaf(PeFile pe, long dataEntry, long[] ids, byte[][] names) {
        long rva = Bytes.u32(pe.in, dataEntry), size = Bytes.u32(pe.in, dataEntry + 4);
        if (rva < 0 || size < 0) return;
        Map<String, Object> r = new HashMap<>();
        r.put("rva", rva);
        r.put("length", size);
        long off = pe.rvaToOffset(rva);
        if (off >= 0) r.put("offset", off);
        if (ids[0] >= 0) r.put("type", ids[0]);
        else if (names[0] != null) r.put("type_string", names[0]);
        if (ids[1] >= 0) r.put("id", ids[1]);
        else if (names[1] != null) r.put("name_string", names[1]);
        if (ids[2] >= 0) r.put("language", ids[2]);
        else if (names[2] != null) r.put("language_string", names[2]);
        resources.add(r);
        if (ids[0] == 16 && off >= 0) versionInfo(pe.in, off, Math.min(size, pe.in.len() - off), 0);
    }

    /** Walks VS_VERSIONINFO / StringFileInfo / StringTable / String blocks collecting key/value pairs. */
    private void versionInfo(ScanInput in, long off, long size, int depth) {
        long end = off + size;
        while (off + 6 <= end && depth <= MAX_VERSION_DEPTH) {
            int len = Bytes.u16(in, off), valueLen = Bytes.u16(in, off + 2), type = Bytes.u16(in, off + 4);
            if (len < 6 || off + len > end || len < 0) return;
            long keyOff = off + 6;
            int units = 0;
            while (keyOff + 2L * units + 2 <= off + len && Bytes.u16(in, keyOff + 2L * units) > 0) units++;
            byte[] key = Bytes.utf16(in, keyOff, units);
            long valueOff = (keyOff + 2L * (units + 1) + 3) & ~3L;
            String k = key == null ? "" : new String(key, java.nio.charset.StandardCharsets.UTF_8);
            if (depth == 0 || k.equals("StringFileInfo") || depth == 2 && k.length() == 8) {
                long child = depth == 0 ? (valueOff + valueLen + 3) & ~3L : valueOff;
                versionInfo(in, child, off + len - child, depth + 1);
            } else if (depth == 3 && type == 1) {
                int vu = 0;
                while (vu < valueLen && valueOff + 2L * vu + 2 <= off + len && Bytes.u16(in, valueOff + 2L * vu) > 0) vu++;
                byte[] value = Bytes.utf16(in, valueOff, vu);
                if (value != null) {
                    versionInfo.put(k, value);
                    Map<String, Object> kv = new HashMap<>();
                    kv.put("key", key);
                    kv.put("value", value);
                    versionInfoList.add(kv);
                }
            }
            off = (off + len + 3) & ~3L;
        }
    }

    /** The decoded Rich header, or null. */
    static Map<String, Object> rich(PeFile pe) {
        ScanInput in = pe.in;
        // (yara17) as yara 4.2.3: the last "Rich" before the PE header (searched down from e_lfanew - 4 in steps of 4),
        // a non-zero key, and a "DanS" header whose three padding words all equal the key
        long richAt = -1;
        for (long o = pe.peOffset - 4, n = 0; o >= 0x40 && n < MAX_RICH_SCAN / 4; o -= 4, n++) {
            if (Bytes.u32(in, o) == 0x68636952L) { // "Rich"
                richAt = o;
                break;
            }
        }
        if (richAt < 0) return null;
        long key = Bytes.u32(in, richAt + 4);
        if (key <= 0) return null;
        long start = -1;
        for (long o = richAt - 4; o >= 0x40; o -= 4) {
            if ((Bytes.u32(in, o) ^ key) == 0x536E6144L) { // "DanS"
                start = o;
                break;
            }
        }
        if (start < 0) return null;
        if (Bytes.u32(in, start + 4) != key || Bytes.u32(in, start + 8) != key || Bytes.u32(in, start + 12) != key) return null;
        int len = (int) (richAt - start);
        byte[] raw = Bytes.slice(in, start, len), clear = raw.clone();
        for (int i = 0; i < len; i++) clear[i] ^= (byte) (key >>> (8 * (i % 4)));
        List<long[]> entries = new ArrayList<>();
        for (int i = 16; i + 8 <= len; i += 8) {
            long id = (clear[i] & 0xFF) | (clear[i + 1] & 0xFF) << 8 | (clear[i + 2] & 0xFF) << 16 | (long) (clear[i + 3] & 0xFF) << 24;
            long count = (clear[i + 4] & 0xFF) | (clear[i + 5] & 0xFF) << 8 | (clear[i + 6] & 0xFF) << 16 | (long) (clear[i + 7] & 0xFF) << 24;
            entries.add(new long[] {id >>> 16, id & 0xFFFF, count});
        }
        Map<String, Object> m = new HashMap<>();
        m.put("offset", start);
        m.put("length", (long) len);
        m.put("key", key);
        m.put("raw_data", raw);
        m.put("clear_data", clear);
        m.put("toolid", (YaraFunction) (x, a) -> richQuery(entries, a, 0));
        m.put("version", (YaraFunction) (x, a) -> richQuery(entries, a, 1));
        return m;
    }

    /** toolid(id[, version]) / version(v[, toolid]): sum of counts of matching entries. */
    private static Object richQuery(List<long[]> entries, Object[] a, int which) {
        if (a.length < 1 || a.length > 2) return null;
        long first = (Long) a[0];
        long sum = 0;
        for (long[] e : entries) {
            long tool = e[0], ver = e[1];
            boolean ok = which == 0 ? tool == first && (a.length == 1 || ver == (Long) a[1])
                    : ver == first && (a.length == 1 || tool == (Long) a[1]);
            if (ok) sum += e[2];
        }
        return sum;
    }

    /** The CodeView PDB path from the debug directory, or null. */
    static byte[] pdbPath(PeFile pe) {
        long[] dir = pe.directory(6);
        // (yara17) as yara 4.2.3: a debug directory of whole entries at a non-zero address; a path of 1..259 bytes
        // (an empty or longer one is skipped and the next CodeView entry tried)
        if (dir == null || dir[0] == 0 || dir[1] == 0 || dir[1] % 28 != 0) return null;
        long off = pe.rvaToOffset(dir[0]);
        if (off < 0) return null;
        for (long i = 0; i < Math.min(dir[1] / 28, 64); i++) {
            long e = off + 28 * i;
            if (!pe.in.has(e, 28)) break;
            if (Bytes.u32(pe.in, e + 12) != 2) continue; // IMAGE_DEBUG_TYPE_CODEVIEW
            long addr = Bytes.u32(pe.in, e + 20);
            long raw = addr > 0 && pe.rvaToOffset(addr) > 0 ? pe.rvaToOffset(addr) : Bytes.u32(pe.in, e + 24);
            if (raw <= 0) continue;
            long sig = Bytes.u32(pe.in, raw);
            long name = sig == 0x53445352L ? raw + 24 : sig == 0x3031424EL ? raw + 16 : sig == 0x434F544DL ? raw + 20 : -1; // RSDS, NB10, MTOC
            if (name < 0 || !pe.in.has(raw, name - raw + 1)) continue;
            byte[] p = Bytes.cstr(pe.in, name, 260);
            if (p != null && p.length > 0 && p.length < 260) return p;
        }
        return null;
    }
}
