package dev.bulwark.engine.signatures.yara.modules;

import dev.bulwark.engine.signatures.yara.re.Regex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Import (standard and delayed) and export tables of a PE file, and the pe functions over them. */
final class PeImports {
    private static final int MAX_IMPORTS = 16384; // YARA's MAX_PE_IMPORTS: functions per file
    private static final int MAX_DLLS = 4096; // descriptors examined
    private static final int MAX_EXPORTS = 8192; // YARA's MAX_PE_EXPORTS
    private static final int MAX_NAME = 512; // longest import/export name read

    /** rva: the function's import address table slot. */
    record Fn(byte[] name, long ordinal, long rva) {}

    record Dll(byte[] name, List<Fn> functions, boolean delayed) {}

    record Export(byte[] name, long ordinal, long rva, long offset, byte[] forward) {}

    final List<Dll> dlls = new ArrayList<>();
    final List<Export> exports = new ArrayList<>();
    byte[] exportDllName;
    long exportTimestamp = -1;
    private int total;

    PeImports(PeFile pe) {
        long[] imp = pe.directory(1);
        if (imp != null) standard(pe, imp[0]);
        long[] del = pe.directory(13);
        if (del != null) delayed(pe, del[0]);
        long[] exp = pe.directory(0);
        if (exp != null) exports(pe, exp[0], exp[1]);
    }

    private List<Fn> thunks(PeFile pe, long rva, long iat, boolean vaBased) {
        List<Fn> out = new ArrayList<>();
        long off = pe.rvaToOffset(rva);
        if (off < 0) return out;
        int size = pe.is64 ? 8 : 4;
        while (total < MAX_IMPORTS) {
            long t = pe.is64 ? Bytes.u64(pe.in, off) : Bytes.u32(pe.in, off);
            if (t == 0 || t == -1 || t == Long.MIN_VALUE) break;
            long ordFlag = pe.is64 ? Long.MIN_VALUE : 0x80000000L;
            if ((t & ordFlag) != 0) {
                out.add(new Fn(null, t & 0xFFFF, iat + (long) size * out.size()));
            } else {
                long nameRva = (t & 0x7FFFFFFFL) - (vaBased ? pe.imageBase : 0);
                long no = pe.rvaToOffset(nameRva);
                byte[] name = no < 0 ? null : Bytes.cstr(pe.in, no + 2, MAX_NAME);
                if (name == null) break;
                out.add(new Fn(name, -1, iat + (long) size * out.size()));
            }
            total++;
            off += size;
        }
        return out;
    }

    private void standard(PeFile pe, long rva) {
        long off = pe.rvaToOffset(rva);
        if (off < 0) return;
        for (int i = 0; i < MAX_DLLS && pe.in.has(off + 20L * i, 20); i++) {
            long d = off + 20L * i;
            long oft = Bytes.u32(pe.in, d), nameRva = Bytes.u32(pe.in, d + 12), ft = Bytes.u32(pe.in, d + 16);
            if (oft == 0 && nameRva == 0 && ft == 0) break;
            long no = pe.rvaToOffset(nameRva);
            byte[] name = no < 0 ? null : Bytes.cstr(pe.in, no, MAX_NAME);
            if (name == null || name.length == 0) continue;
            List<Fn> fns = thunks(pe, oft != 0 ? oft : ft, ft, false);
            dlls.add(new Dll(name, fns, false));
        }
    }

    private void delayed(PeFile pe, long rva) {
        long off = pe.rvaToOffset(rva);
        if (off < 0) return;
        for (int i = 0; i < MAX_DLLS && pe.in.has(off + 32L * i, 32); i++) {
            long d = off + 32L * i;
            long attrs = Bytes.u32(pe.in, d), nameRva = Bytes.u32(pe.in, d + 4), iatRva = Bytes.u32(pe.in, d + 12),
                    intRva = Bytes.u32(pe.in, d + 16);
            if (nameRva == 0 && intRva == 0) break;
            boolean va = attrs == 0;
            long no = pe.rvaToOffset(nameRva - (va ? pe.imageBase : 0));
            byte[] name = no < 0 ? null : Bytes.cstr(pe.in, no, MAX_NAME);
            if (name == null || name.length == 0) continue;
            long base = va ? pe.imageBase : 0;
            dlls.add(new Dll(name, thunks(pe, intRva - base, iatRva - base, va), true));
        }
    }

    private void exports(PeFile pe, long rva, long size) {
        long off = pe.rvaToOffset(rva);
        if (off < 0 || !pe.in.has(off, 40)) return;
        exportTimestamp = Bytes.u32(pe.in, off + 4);
        long nameOff = pe.rvaToOffset(Bytes.u32(pe.in, off + 12));
        exportDllName = nameOff < 0 ? null : Bytes.cstr(pe.in, nameOff, MAX_NAME);
        long base = Bytes.u32(pe.in, off + 16);
        long nFunctions = Math.min(Bytes.u32(pe.in, off + 20), MAX_EXPORTS);
        long nNames = Math.min(Bytes.u32(pe.in, off + 24), MAX_EXPORTS);
        long funcs = pe.rvaToOffset(Bytes.u32(pe.in, off + 28));
        long names = pe.rvaToOffset(Bytes.u32(pe.in, off + 32));
        long ords = pe.rvaToOffset(Bytes.u32(pe.in, off + 36));
        if (funcs < 0) return;
        Map<Long, byte[]> nameOf = new HashMap<>();
        if (names >= 0 && ords >= 0) {
            for (long j = 0; j < nNames; j++) {
                int ord = Bytes.u16(pe.in, ords + 2 * j);
                long nr = Bytes.u32(pe.in, names + 4 * j);
                if (ord < 0 || nr < 0) break;
                long no = pe.rvaToOffset(nr);
                byte[] n = no < 0 ? null : Bytes.cstr(pe.in, no, MAX_NAME);
                if (n != null) nameOf.putIfAbsent((long) ord, n);
            }
        }
        for (long i = 0; i < nFunctions; i++) {
            long fr = Bytes.u32(pe.in, funcs + 4 * i);
            if (fr < 0) break;
            byte[] fwd = null;
            if (fr >= rva && fr < rva + size) {
                long fo = pe.rvaToOffset(fr);
                fwd = fo < 0 ? null : Bytes.cstr(pe.in, fo, MAX_NAME);
            }
            exports.add(new Export(nameOf.get(i), base + i, fr, pe.rvaToOffset(fr), fwd));
        }
    }

    private static boolean eqIgnoreCase(byte[] a, byte[] b) {
        return a != null && b != null && new String(a, java.nio.charset.StandardCharsets.ISO_8859_1)
                .equalsIgnoreCase(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private static boolean matches(Regex re, byte[] s) {
        return s != null && re.find(s, re.program().newScratch());
    }

    /** pe.imports(...): every overload of YARA 4.2, with an optional leading flags argument. */
    Object imports(Object[] a) {
        int flags = 3, k = 0;
        if (a.length == 3 || a.length == 2 && a[0] instanceof Long && !(a[1] instanceof Long)) {
            flags = (int) (long) (Long) a[0];
            k = 1;
        }
        Object x = a[k], y = a.length > k + 1 ? a[k + 1] : null;
        long count = 0;
        for (Dll d : dlls) {
            if ((flags & (d.delayed() ? 2 : 1)) == 0) continue;
            boolean dllOk = x instanceof Regex re ? matches(re, d.name()) : eqIgnoreCase(d.name(), (byte[]) x);
            if (!dllOk) continue;
            if (y == null) {
                count += d.functions().size();
                continue;
            }
            for (Fn f : d.functions()) {
                if (y instanceof Regex re ? matches(re, f.name()) : y instanceof Long o ? f.ordinal() == o
                        : f.name() != null && java.util.Arrays.equals(f.name(), (byte[]) y)) {
                    count++;
                }
            }
        }
        if (y == null || x instanceof Regex) return count;
        return count > 0 ? 1L : 0L;
    }

    private int exportIndex(Object q) {
        for (int i = 0; i < exports.size(); i++) {
            Export e = exports.get(i);
            if (q instanceof Long o ? e.ordinal() == o : q instanceof Regex re ? matches(re, e.name())
                    : eqIgnoreCase(e.name(), (byte[]) q)) {
                return i;
            }
        }
        return -1;
    }

    Object exportsFn(Object[] a) {
        return a.length == 1 ? (exportIndex(a[0]) >= 0 ? 1L : 0L) : null;
    }

    Object exportsIndex(Object[] a) {
        if (a.length != 1) return null;
        int i = exportIndex(a[0]);
        return i < 0 ? null : (Object) (long) i;
    }

    /** MD5 of the lowercased "dll.function" list, the way YARA (and pefile) compute imphash. */
    byte[] imphash() {
        StringBuilder sb = new StringBuilder();
        for (Dll d : dlls) {
            if (d.delayed()) continue;
            String dll = new String(d.name(), java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            for (String ext : new String[] {".dll", ".ocx", ".sys"}) {
                if (dll.endsWith(ext)) {
                    dll = dll.substring(0, dll.length() - 4);
                    break;
                }
            }
            for (Fn f : d.functions()) {
                String fn = f.name() != null ? new String(f.name(), java.nio.charset.StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
                        : "ord" + f.ordinal();
                if (sb.length() > 0) sb.append(',');
                sb.append(dll).append('.').append(fn);
            }
        }
        try {
            byte[] md5 = java.security.MessageDigest.getInstance("MD5").digest(sb.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return Args.str(java.util.HexFormat.of().formatHex(md5));
        } catch (java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }
}
