package dev.bulwark.engine.signatures.yara.modules;

/** Argument helpers shared by the modules. */
final class Args {
    private Args() {}

    static boolean isInt(Object o) {
        return o instanceof Long;
    }

    static boolean isStr(Object o) {
        return o instanceof byte[];
    }

    static double num(Object o) {
        return o instanceof Long l ? l : (Double) o;
    }

    /**
     * The bytes [offset, offset+size) of the input, clamped to its end; null (undefined) if the offset is outside
     * the data or either number is negative.
     */
    static byte[] range(ScanInput in, Object offset, Object size) {
        long off = (Long) offset, n = (Long) size;
        if (off < 0 || n < 0 || off >= in.len() && !(off == 0 && in.len() == 0)) return null;
        long end = Math.min((long) in.len(), off + n);
        byte[] out = new byte[(int) (end - off)];
        System.arraycopy(in.data(), in.off() + (int) off, out, 0, out.length);
        return out;
    }

    /** (offset, size) or (string) → bytes; null if undefined. */
    static byte[] dataArg(ScanInput in, Object[] a) {
        if (a.length == 1 && isStr(a[0])) return (byte[]) a[0];
        if (a.length == 2 && isInt(a[0]) && isInt(a[1])) return range(in, a[0], a[1]);
        return null;
    }

    static byte[] str(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
