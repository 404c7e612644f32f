package dev.bulwark.engine.exe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes small PE32 files with a code section, an import table and a VERSIONINFO resource, so tests can
 * exercise import-hash and version-info rules on inputs we control (ordinals, odd DLL names, bad names).
 */
final class PeBuilder {
    /** One imported DLL; functions are names (String), ordinals (Integer) or raw thunk values (Long). */
    record Dll(String name, List<Object> functions, boolean useOriginalFirstThunk) {}

    private final List<Dll> dlls = new ArrayList<>();
    private final List<String[]> strings = new ArrayList<>();
    private boolean varFileInfoFirst;
    private long seed = 1;
    private int overlay;

    PeBuilder dll(String name, Object... functions) {
        dlls.add(new Dll(name, List.of(functions), true));
        return this;
    }

    PeBuilder dllFirstThunkOnly(String name, Object... functions) {
        dlls.add(new Dll(name, List.of(functions), false));
        return this;
    }

    PeBuilder version(String key, String value) {
        strings.add(new String[] {key, value});
        return this;
    }

    PeBuilder varFileInfoFirst() {
        varFileInfoFirst = true;
        return this;
    }

    PeBuilder seed(long s) {
        seed = s;
        return this;
    }

    /** Appends {@code n} seeded random bytes after the last section (grows the file, not the sections). */
    PeBuilder overlay(int n) {
        overlay = n;
        return this;
    }

    static final int TEXT_RVA = 0x1000, IDATA_RVA = 0x2000, RSRC_RVA = 0x3000;

    byte[] build() {
        byte[] text = new byte[0x200];
        new Random(seed).nextBytes(text);
        byte[] idata = pad(imports(), 0x200);
        byte[] rsrc = pad(resources(), 0x200);
        int textRaw = 0x200, idataRaw = textRaw + text.length, rsrcRaw = idataRaw + idata.length;
        byte[] out = new byte[rsrcRaw + rsrc.length + overlay];
        if (overlay > 0) {
            byte[] tail = new byte[overlay];
            new Random(~seed).nextBytes(tail);
            System.arraycopy(tail, 0, out, rsrcRaw + rsrc.length, overlay);
        }
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z');
        b.putInt(60, 0x80);
        int pe = 0x80;
        b.putInt(pe, 0x4550);
        b.putShort(pe + 4, (short) 0x14c);
        b.putShort(pe + 6, (short) 3);
        b.putShort(pe + 20, (short) 0xe0);
        b.putShort(pe + 22, (short) 0x102);
        int opt = pe + 24;
        b.putShort(opt, (short) 0x10b);
        b.putInt(opt + 16, TEXT_RVA + 0x10); // entry point
        b.putInt(opt + 28, 0x400000);
        b.putInt(opt + 32, 0x1000);
        b.putInt(opt + 36, 0x200);
        b.putShort(opt + 40, (short) 4);
        b.putShort(opt + 48, (short) 4);
        b.putInt(opt + 56, 0x4000 + align(rsrc.length, 0x1000));
        b.putInt(opt + 60, 0x200);
        b.putShort(opt + 68, (short) 2);
        b.putInt(opt + 92, 16);
        int dirs = opt + 96;
        if (!dlls.isEmpty()) {
            b.putInt(dirs + 8, IDATA_RVA);
            b.putInt(dirs + 12, 20 * (dlls.size() + 1));
        }
        if (!strings.isEmpty()) {
            b.putInt(dirs + 16, RSRC_RVA);
            b.putInt(dirs + 20, rsrc.length);
        }
        int sec = opt + 0xe0;
        section(out, b, sec, ".text", TEXT_RVA, 0x1000, textRaw, text.length, 0x60000020);
        section(out, b, sec + 40, ".idata", IDATA_RVA, 0x1000, idataRaw, idata.length, 0xc0000040);
        section(out, b, sec + 80, ".rsrc", RSRC_RVA, align(rsrc.length, 0x1000), rsrcRaw, rsrc.length, 0x40000040);
        System.arraycopy(text, 0, out, textRaw, text.length);
        System.arraycopy(idata, 0, out, idataRaw, idata.length);
        System.arraycopy(rsrc, 0, out, rsrcRaw, rsrc.length);
        return out;
    }

    private static void section(byte[] out, ByteBuffer b, int at, String name, int rva, int vsize, int raw, int rsize, int chr) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, out, at, n.length);
        b.putInt(at + 8, vsize);
        b.putInt(at + 12, rva);
        b.putInt(at + 16, rsize);
        b.putInt(at + 20, raw);
        b.putInt(at + 36, chr);
    }

    private byte[] imports() {
        if (dlls.isEmpty()) return new byte[0];
        int descBytes = 20 * (dlls.size() + 1);
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        int cursor = descBytes;
        for (int i = 0; i < dlls.size(); i++) {
            Dll d = dlls.get(i);
            int thunks = cursor;
            cursor += 4 * (d.functions().size() + 1);
            int nameAt = cursor;
            byte[] dn = (d.name() + "\0").getBytes(StandardCharsets.ISO_8859_1);
            b.put(nameAt, dn);
            cursor = align(cursor + dn.length, 2);
            for (int k = 0; k < d.functions().size(); k++) {
                Object f = d.functions().get(k);
                long v;
                if (f instanceof String s) {
                    byte[] fn = (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
                    b.putShort(cursor, (short) k);
                    b.put(cursor + 2, fn);
                    v = IDATA_RVA + cursor;
                    cursor = align(cursor + 2 + fn.length, 2);
                } else if (f instanceof Integer ord) {
                    v = 0x80000000L | ord;
                } else {
                    v = (Long) f;
                }
                b.putInt(thunks + 4 * k, (int) v);
            }
            int at = 20 * i;
            b.putInt(at, d.useOriginalFirstThunk() ? IDATA_RVA + thunks : 0);
            b.putInt(at + 12, IDATA_RVA + nameAt);
            b.putInt(at + 16, IDATA_RVA + thunks);
        }
        byte[] out = new byte[cursor];
        b.get(0, out);
        return out;
    }

    private byte[] resources() {
        if (strings.isEmpty()) return new byte[0];
        byte[] vi = versionInfo();
        ByteBuffer b = ByteBuffer.allocate(0x60 + vi.length).order(ByteOrder.LITTLE_ENDIAN);
        // root (type) directory -> name directory -> language directory -> data entry -> data
        b.putShort(14, (short) 1);
        b.putInt(16, 16);
        b.putInt(20, 0x80000000 | 0x18);
        b.putShort(0x18 + 14, (short) 1);
        b.putInt(0x18 + 16, 1);
        b.putInt(0x18 + 20, 0x80000000 | 0x30);
        b.putShort(0x30 + 14, (short) 1);
        b.putInt(0x30 + 16, 0x409);
        b.putInt(0x30 + 20, 0x48);
        b.putInt(0x48, RSRC_RVA + 0x60);
        b.putInt(0x48 + 4, vi.length);
        b.put(0x60, vi);
        return b.array();
    }

    private byte[] versionInfo() {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (String[] kv : strings) table.writeBytes(block(kv[0], utf16z(kv[1]), kv[1].length() + 1, 1, new byte[0]));
        byte[] stringTable = block("040904b0", new byte[0], 0, 1, table.toByteArray());
        byte[] sfi = block("StringFileInfo", new byte[0], 0, 1, stringTable);
        byte[] var = block("VarFileInfo", new byte[0], 0, 1,
                block("Translation", new byte[] {9, 4, (byte) 0xb0, 4}, 4, 0, new byte[0]));
        byte[] fixed = new byte[52];
        ByteBuffer.wrap(fixed).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 0xfeef04bd).putInt(4, 0x10000);
        ByteArrayOutputStream children = new ByteArrayOutputStream();
        if (varFileInfoFirst) children.writeBytes(var);
        children.writeBytes(sfi);
        if (!varFileInfoFirst) children.writeBytes(var);
        return block("VS_VERSION_INFO", fixed, 52, 0, children.toByteArray());
    }

    /** One VERSIONINFO node: header, key, padding, value, padding, children; wLength excludes the final padding. */
    private static byte[] block(String key, byte[] value, int valueLength, int type, byte[] children) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[6]);
        o.writeBytes(utf16z(key));
        while (o.size() % 4 != 0) o.write(0);
        o.writeBytes(value);
        int len = o.size();
        if (children.length > 0) {
            while (o.size() % 4 != 0) o.write(0);
            o.writeBytes(children);
            len = o.size();
        }
        while (o.size() % 4 != 0) o.write(0);
        byte[] out = o.toByteArray();
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) len).putShort(2, (short) valueLength)
                .putShort(4, (short) type);
        return out;
    }

    private static byte[] utf16z(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_16LE);
    }

    private static byte[] pad(byte[] b, int a) {
        return java.util.Arrays.copyOf(b, Math.max(a, align(b.length, a)));
    }

    static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }
}
