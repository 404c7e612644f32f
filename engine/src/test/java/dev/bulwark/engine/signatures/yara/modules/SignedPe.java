package dev.bulwark.engine.signatures.yara.modules;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/** Test helpers: a minimal PE32 image carrying a given Authenticode blob, and a walk over the pe module's values. */
final class SignedPe {
    private SignedPe() {}

    static final int HEADERS = 0x200, SECTION = 0x200, TABLE = HEADERS + SECTION; // the certificate table follows the section

    /** One .text section (a RET and text), no signature: the input osslsigncode signs for the seeds. */
    static byte[] template() {
        ByteBuffer b = ByteBuffer.allocate(TABLE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z').putInt(0x3C, 0x40);
        b.put(0x40, (byte) 'P').put(0x41, (byte) 'E');
        b.putShort(0x44, (short) 0x14C).putShort(0x46, (short) 1).putShort(0x54, (short) 0xE0).putShort(0x56, (short) 0x102);
        int o = 0x58;
        b.putShort(o, (short) 0x10B).putInt(o + 4, SECTION).putInt(o + 16, 0x1000).putInt(o + 20, 0x1000).putInt(o + 24, 0x2000);
        b.putInt(o + 28, 0x400000).putInt(o + 32, 0x1000).putInt(o + 36, 0x200).putShort(o + 40, (short) 4).putShort(o + 48, (short) 4);
        b.putInt(o + 56, 0x2000).putInt(o + 60, HEADERS).putShort(o + 68, (short) 2);
        b.putInt(o + 72, 0x100000).putInt(o + 76, 0x1000).putInt(o + 80, 0x100000).putInt(o + 84, 0x1000).putInt(o + 92, 16);
        int s = o + 0xE0;
        b.put(s, (byte) '.').put(s + 1, (byte) 't').put(s + 2, (byte) 'e').put(s + 3, (byte) 'x').put(s + 4, (byte) 't');
        b.putInt(s + 8, SECTION).putInt(s + 12, 0x1000).putInt(s + 16, SECTION).putInt(s + 20, HEADERS).putInt(s + 36, 0x60000020);
        b.put(HEADERS, (byte) 0xC3);
        byte[] text = "Bulwark Authenticode test image".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(HEADERS + 16, text);
        return b.array();
    }

    /** The template with one WIN_CERTIFICATE (revision 2, PKCS#7) holding {@code blob}, the security directory set. */
    static byte[] pe(byte[] blob) {
        int len = 8 + blob.length, padded = (len + 7) & ~7;
        ByteBuffer b = ByteBuffer.allocate(TABLE + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(template());
        b.putInt(0x58 + 96 + 32, TABLE).putInt(0x58 + 96 + 36, padded);
        b.putInt(TABLE, len).putShort(TABLE + 4, (short) 0x200).putShort(TABLE + 6, (short) 2);
        b.put(TABLE + 8, blob);
        return b.array();
    }

    /** Loads the pe module and walks every value, calling functions (valid_on) with a few arguments. */
    static Map<String, Object> load(byte[] file) {
        Map<String, Object> m = Modules.get("pe").load(new ScanInput(file, 0, file.length));
        walk(m, new ScanInput(file, 0, file.length));
        return m;
    }

    private static void walk(Object v, ScanInput in) {
        if (v instanceof Map<?, ?> m) {
            for (Object o : m.values()) walk(o, in);
        } else if (v instanceof List<?> l) {
            for (Object o : l) walk(o, in);
        } else if (v instanceof YaraFunction f && !(v instanceof Map)) {
            for (Object[] a : new Object[][] {{0L}, {1_800_000_000L}}) {
                try {
                    f.call(in, a);
                } catch (ClassCastException | IndexOutOfBoundsException e) {
                    // a function called with arguments it does not take: the evaluator makes that undefined
                }
            }
        }
    }

    /** The verified flag of signature i, or null. */
    @SuppressWarnings("unchecked")
    static Object verified(Map<String, Object> pe, int i) {
        Object s = pe.get("signatures");
        if (!(s instanceof List<?> l) || l.size() <= i) return null;
        return ((Map<String, Object>) l.get(i)).get("verified");
    }
}
