package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The VERSIONINFO string records ClamAV registers for {@code VI} offsets (pe.c findres + the version-info
 * walk of cli_peheader): resources of type 16, any name, any language (first 16 leaves), each parsed as
 * VS_VERSION_INFO → optional VarFileInfo → StringFileInfo → string tables → strings. A string whose value
 * is at most one UTF-16 character (terminator included) is not registered.
 */
final class PeVersionInfo {
    private PeVersionInfo() {}

    record Result(long[] offsets, List<byte[]> records) {}

    private static final long RT_VERSION = 0x10;
    private static final int MAX_LEAVES = 16;              // ClamAV's vinfo_list capacity
    private static final int MAX_DIR_ENTRIES_VISITED = 1 << 20; // ours: ClamAV's nested loops can reach 2^32
    private static final int MAX_RECORDS = 4096;           // ours: a 64 KiB table holds fewer anyway
    private static final int FIXED_PART = 6 + 0x20 + 2 + 0x34; // header, "VS_VERSION_INFO", pad, fixed info
    private static final long M32 = 0xffffffffL;

    private static final byte[] VS_VERSION_INFO = utf16z("VS_VERSION_INFO");
    private static final byte[] VAR_FILE_INFO = utf16z("VarFileInfo");
    private static final byte[] STRING_FILE_INFO = utf16z("StringFileInfo");

    private static byte[] utf16z(String s) {
        byte[] out = new byte[2 * s.length() + 2];
        for (int i = 0; i < s.length(); i++) out[2 * i] = (byte) s.charAt(i);
        return out;
    }

    static Result read(ByteBuffer b, PeParser.Header h) {
        long[] leaves = leaves(b, h);
        Map<Long, byte[]> found = new LinkedHashMap<>();
        long fsize = b.limit();
        for (long leafRva : leaves) {
            long off = h.rawaddr(leafRva, fsize);
            if (off < 0 || !Bytes.has(b, off, 16)) continue;
            long dataRva = Bytes.u32le(b, off);
            long resSz = Bytes.u32le(b, off + 4);
            long data = h.rawaddr(dataRva, fsize);
            if (data < 0 || resSz == 0 || !Bytes.has(b, data, resSz)) continue;
            versionInfo(b, data, resSz, found);
        }
        long[] offsets = new long[found.size()];
        List<byte[]> records = new ArrayList<>(found.size());
        int i = 0;
        for (Map.Entry<Long, byte[]> e : found.entrySet()) {
            offsets[i++] = e.getKey();
            records.add(e.getValue());
        }
        return new Result(offsets, records);
    }

    /** findres(0x10, any name): RVAs of the first 16 language leaves under the first RT_VERSION type entry. */
    private static long[] leaves(ByteBuffer b, PeParser.Header h) {
        if (h.ndatadirs < 3 || h.dirSize[2] == 0) return new long[0];
        long fsize = b.limit();
        long resRva = h.dirVa[2];
        long[] out = new long[MAX_LEAVES];
        int count = 0;
        long dir = h.rawaddr(resRva, fsize);
        if (dir < 0 || !Bytes.has(b, dir, 16)) return new long[0];
        int budget = MAX_DIR_ENTRIES_VISITED;
        long typeEntry = dir + 16 + 8L * Bytes.u16le(b, dir + 12); // skip named types
        int typeCnt = Bytes.u16le(b, dir + 14);
        for (; typeCnt > 0; typeCnt--, typeEntry += 8) {
            if (!Bytes.has(b, typeEntry, 8) || --budget < 0) return java.util.Arrays.copyOf(out, count);
            long type = Bytes.u32le(b, typeEntry), typeOffs = Bytes.u32le(b, typeEntry + 4);
            if (type != RT_VERSION || (typeOffs >>> 31) == 0) continue;
            long nameDir = h.rawaddr((resRva + (typeOffs & 0x7fffffff)) & M32, fsize);
            if (nameDir < 0 || !Bytes.has(b, nameDir, 16)) break;
            int nameCnt = (Bytes.u16le(b, nameDir + 12) + Bytes.u16le(b, nameDir + 14)) & 0xffff;
            long nameEntry = nameDir + 16;
            for (; nameCnt > 0; nameCnt--, nameEntry += 8) {
                if (!Bytes.has(b, nameEntry, 8) || --budget < 0) return java.util.Arrays.copyOf(out, count);
                long nameOffs = Bytes.u32le(b, nameEntry + 4);
                if ((nameOffs >>> 31) == 0) continue;
                long langDir = h.rawaddr((resRva + (nameOffs & 0x7fffffff)) & M32, fsize);
                if (langDir < 0 || !Bytes.has(b, langDir, 16)) return java.util.Arrays.copyOf(out, count);
                int langCnt = (Bytes.u16le(b, langDir + 12) + Bytes.u16le(b, langDir + 14)) & 0xffff;
                long langEntry = langDir + 16;
                for (; langCnt > 0; langCnt--, langEntry += 8) {
                    if (!Bytes.has(b, langEntry, 8) || --budget < 0) return java.util.Arrays.copyOf(out, count);
                    long langOffs = Bytes.u32le(b, langEntry + 4);
                    if ((langOffs >>> 31) != 0) continue;
                    out[count++] = (resRva + langOffs) & M32;
                    if (count == MAX_LEAVES) return out;
                }
            }
            break; // only the first RT_VERSION entry
        }
        return java.util.Arrays.copyOf(out, count);
    }

    private static boolean equalsAt(ByteBuffer b, long off, byte[] s) {
        if (!Bytes.has(b, off, s.length)) return false;
        for (int i = 0; i < s.length; i++) if (b.get((int) (off + i)) != s[i]) return false;
        return true;
    }

    private static long u16Size(ByteBuffer b, long off) {
        return Bytes.u32le(b, off) & 0xffff;
    }

    /** The VS_VERSION_INFO walk over one resource's data; adds (offset → key+value bytes) to {@code found}. */
    private static void versionInfo(ByteBuffer b, long p, long resSz, Map<Long, byte[]> found) {
        if (resSz <= 4) return;
        long vinfoWord = Bytes.u32le(b, p);
        long vinfoSz = vinfoWord & 0xffff;
        if (vinfoSz > resSz) return;
        if (vinfoSz <= FIXED_PART || (vinfoWord >>> 16) != 0x34 || !equalsAt(b, p + 6, VS_VERSION_INFO)
                || Bytes.u32le(b, p + 0x28) != 0xfeef04bdL) return;
        p += FIXED_PART;
        vinfoSz -= FIXED_PART;
        boolean gotVar = false;
        while (vinfoSz > 6) {
            long sfiSz = u16Size(b, p);
            if (sfiSz > vinfoSz) return;
            if (!gotVar && sfiSz > 6 + 0x18 && equalsAt(b, p + 6, VAR_FILE_INFO)) {
                p += sfiSz;
                vinfoSz -= sfiSz;
                gotVar = true;
                continue;
            }
            if (sfiSz <= 6 + 0x1e || !equalsAt(b, p + 6, STRING_FILE_INFO)) return;
            p += 6 + 0x1e;
            sfiSz -= 6 + 0x1e;
            stringTables(b, p, sfiSz, found);
            return; // only the first StringFileInfo
        }
    }

    private static void stringTables(ByteBuffer b, long p, long sfiSz, Map<Long, byte[]> found) {
        while (sfiSz > 6) {
            long stSz = u16Size(b, p);
            long next = p + stSz;
            long nextSfi = (sfiSz - stSz) & M32;
            if (stSz > sfiSz || stSz <= 24) return;
            p += 24;
            stSz -= 24;
            while (stSz > 6) {
                long sSz = ((u16Size(b, p) + 3) & ~3L);
                if (sSz > stSz || sSz <= 6 + 2 + 8) {
                    stSz = 0;
                    sfiSz = 0;
                    break;
                }
                long key = 6;
                for (; key + 1 < sSz; key += 2) {
                    if (Bytes.u8(b, p + key) != 0 || Bytes.u8(b, p + key + 1) != 0) continue;
                    key += 2;
                    break;
                }
                key = (key + 3) & ~3L;
                if (key < sSz && sSz - key > 2 && found.size() < MAX_RECORDS) {
                    long at = p + 6;
                    if (!found.containsKey(at) && Bytes.has(b, at, sSz - 6)) found.put(at, Bytes.copy(b, at, (int) (sSz - 6)));
                }
                p += sSz;
                stSz -= sSz;
            }
            p = next;
            sfiSz = sfiSz != 0 ? nextSfi : 0;
        }
    }
}
