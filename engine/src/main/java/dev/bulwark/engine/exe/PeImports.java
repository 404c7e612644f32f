package dev.bulwark.engine.exe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * ClamAV's import hash for {@code .imp} signatures (pe.c hash_imptbl): the MD5 of
 * {@code dll.function[,dll.function]...}, everything lower-cased (ASCII only), where {@code dll} is the
 * DLL name cut at its first dot when the extension starts with {@code .dll}, {@code .ocx} or {@code .sys},
 * and ordinal imports are named from ClamAV's table for ws2_32/wsock32/oleaut32 or {@code ordN}. The
 * signature SIZE is the length of that string. Only PE32 (ClamAV stops before imports for PE32+).
 *
 * <p>Quirks kept: a function name whose RVA does not map is read from file offset 2; a name that does not
 * fit in the file is skipped silently; a name with characters outside {@code [0-9A-Za-z_.]} voids the hash;
 * a descriptor with a zero name RVA ends the table; the table is read while more than 20 bytes remain.
 */
final class PeImports {
    private PeImports() {}

    record Result(String md5Hex, long size) {}

    private static final int MAX_DESCRIPTORS = 1024;   // ClamAV PE_MAXIMPORTS
    private static final int MAX_NAME = 256;           // ClamAV PE_MAXNAMESIZE
    private static final int DESCRIPTOR = 20;
    private static final int MAX_THUNKS = 1 << 20;     // ours (ClamAV has none): stops quadratic thunk walks
    private static final long M32 = 0xffffffffL;

    private static final Map<Integer, String> WS2 = new HashMap<>();
    private static final Map<Integer, String> OLEAUT = new HashMap<>();

    static {
        try (InputStream in = PeImports.class.getResourceAsStream("pe-ordinals.txt")) {
            if (in == null) throw new IllegalStateException("pe-ordinals.txt missing from the engine jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split(" ");
                if (f.length != 3) continue;
                (f[0].equals("ws2") ? WS2 : OLEAUT).put(Integer.parseInt(f[1]), f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns null when ClamAV computes no import hash (no table, unmappable, invalid names, too big). */
    static Result hash(ByteBuffer b, PeParser.Header h) {
        long fsize = b.limit();
        long dirVa = h.ndatadirs > 1 ? h.dirVa[1] : 0, dirSize = h.ndatadirs > 1 ? h.dirSize[1] : 0;
        if (dirVa == 0 || dirSize == 0) return null;
        long impoff = h.rawaddr(dirVa, fsize);
        if (impoff < 0 || ((impoff + dirSize) & M32) > fsize || !Bytes.has(b, impoff, dirSize)) return null;

        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = 0;
        boolean first = true;
        int[] thunkBudget = {MAX_THUNKS};
        StringBuilder sb = new StringBuilder();
        long left = dirSize;
        long pos = impoff;
        for (int nimps = 0; left > DESCRIPTOR && nimps < MAX_DESCRIPTORS; nimps++) {
            long oft = Bytes.u32le(b, pos), nameRva = Bytes.u32le(b, pos + 12), ft = Bytes.u32le(b, pos + 16);
            if (nameRva == 0) break;
            left -= DESCRIPTOR;
            pos += DESCRIPTOR;
            long off = h.rawaddr(nameRva, fsize);
            if (off < 0 || off > fsize) return null;
            int len = (int) Math.min(MAX_NAME, fsize - off);
            if (len == 0) return null;
            byte[] dll = Bytes.copy(b, off, Bytes.strlen(b, off, len));
            String dllPart = dllPrefix(dll);

            long thu = 0;
            boolean err = false;
            if (oft != 0) {
                thu = h.rawaddr(oft, fsize);
                err = thu < 0;
            }
            if (err || thu == 0) {
                thu = h.rawaddr(ft, fsize);
                if (thu < 0) return null;
            }
            for (; Bytes.has(b, thu, 4); thu += 4) {
                long v = Bytes.u32le(b, thu);
                if (v == 0) break;
                if (--thunkBudget[0] < 0) return null;
                String fn;
                if ((v & 0x80000000L) == 0) {
                    long fo = h.rawaddr(v, fsize);
                    if (fo < 0) fo = 0; // ClamAV ignores the error and reads at offset 0 (+2)
                    long flen = fo > fsize ? MAX_NAME : Math.min(MAX_NAME, fsize - fo);
                    if (flen == 0 || !Bytes.has(b, fo + 2, flen)) continue;
                    byte[] name = Bytes.copy(b, fo + 2, Bytes.strlen(b, fo + 2, (int) flen));
                    if (!validName(name)) return null;
                    fn = new String(name, StandardCharsets.ISO_8859_1);
                } else {
                    fn = ordinalName(dll, (int) (v & 0xffff));
                }
                sb.setLength(0);
                if (!first) sb.append(',');
                sb.append(dllPart).append('.').append(fn);
                byte[] part = lowerAscii(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
                md5.update(part);
                size += part.length;
                first = false;
            }
        }
        return new Result(HexFormat.of().formatHex(md5.digest()), size);
    }

    private static String dllPrefix(byte[] dll) {
        int dot = -1;
        for (int i = 0; i < dll.length; i++) if (dll[i] == '.') { dot = i; break; }
        int cut = dll.length;
        if (dot >= 0 && dll.length - dot >= 4) {
            String ext = new String(dll, dot, 4, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            if (ext.equals(".ocx") || ext.equals(".sys") || ext.equals(".dll")) cut = dot;
        }
        return new String(dll, 0, cut, StandardCharsets.ISO_8859_1);
    }

    private static boolean validName(byte[] name) {
        for (byte c : name) {
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.';
            if (!ok) return false;
        }
        return true;
    }

    private static String ordinalName(byte[] dll, int ord) {
        String n = null;
        if (startsWithIgnoreCase(dll, "ws2_32.dll") || startsWithIgnoreCase(dll, "wsock32.dll")) n = WS2.get(ord);
        else if (startsWithIgnoreCase(dll, "oleaut32.dll")) n = OLEAUT.get(ord);
        return n != null ? n : "ord" + ord;
    }

    private static boolean startsWithIgnoreCase(byte[] s, String prefix) {
        if (s.length < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (Character.toLowerCase((char) (s[i] & 0xff)) != prefix.charAt(i)) return false;
        }
        return true;
    }

    private static byte[] lowerAscii(byte[] s) {
        for (int i = 0; i < s.length; i++) if (s[i] >= 'A' && s[i] <= 'Z') s[i] += 32;
        return s;
    }
}
