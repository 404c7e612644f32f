package dev.bulwark.engine.formats.ishield;

import dev.bulwark.engine.exe.ExeInfo;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Older (non-MSI) InstallShield setup executables, as ClamAV reads them from a PE overlay: a sequence
 * of files, each introduced by four NUL-terminated strings (name, path, version, decimal size) and
 * followed by its bytes. Files are scanned as they are listed, except {@code data1.hdr} and
 * {@code dataN.cab}: those are kept, and the header ({@link IscHeader}) then extracts the files it
 * lists from the cabinets. When the header cannot be read the kept files are scanned as they are.
 */
public final class IshieldOverlay {
    /** Longest string ClamAV accepts in an entry header. */
    static final int MAX_STRING = 2048;
    /** Listed files followed per overlay: bounds work on crafted overlays (every entry needs 8 bytes). */
    static final int MAX_ENTRIES = 100_000;
    /** Cabinet numbers accepted in {@code dataN.cab}. */
    static final int MAX_CABNO = 65536;

    /** A kept file: its position and size in the layer and, for cabinets, its number. */
    record Part(int cabNo, int offset, int size) {}

    private IshieldOverlay() {}

    /**
     * Where ClamAV's PE parser puts the overlay: after the raw data of the section that ends last in
     * memory, considering sections after the first only (0 when there is none).
     */
    public static long overlayStart(ExeInfo pe) {
        int n = pe.sectionCount();
        if (n == 0) return 0;
        long max = pe.sectionVirtualAddress(0) + pe.sectionRawSize(0), start = 0;
        for (int i = 1; i < n; i++) {
            long end = pe.sectionVirtualAddress(i) + pe.sectionRawSize(i);
            if (end > max) {
                max = end;
                start = pe.sectionRawOffset(i) + pe.sectionRawSize(i);
            }
        }
        return start;
    }

    /** Lists and scans the setup files stored from {@code off} to the end of {@code b}. */
    public static void scan(ByteBuffer b, int off, ExtractContext ctx) {
        long sz = b.limit() - off;
        int p = off, position = 0;
        Part hdr = null;
        List<Part> cabs = new ArrayList<>();
        for (int e = 0; e < MAX_ENTRIES && !ctx.stopped(); e++) {
            int start = p;
            String[] s = new String[4];
            for (int k = 0; k < 4; k++) {
                int end = nul(b, p);
                if (end < 0) return;
                s[k] = new String(bytes(b, p, end - p), StandardCharsets.ISO_8859_1);
                p = end + 1;
            }
            long fsize = decimal(s[3]);
            if (fsize < 0 || fsize >= sz || p - start >= sz - fsize) break;
            String name = s[0];
            ChildInfo info = new ChildInfo(name, null, fsize, fsize, false, position++, -1);
            sz -= (p - start) + fsize;
            String lower = name.toLowerCase(Locale.ROOT);
            Part kept = null;
            if (lower.startsWith("data")) {
                if (lower.substring(4).equals("1.hdr") && hdr == null) {
                    kept = hdr = new Part(0, p, (int) fsize);
                } else {
                    int cabNo = cabNumber(lower.substring(4));
                    int i = 0;
                    while (i < cabs.size() && i != cabs.get(i).cabNo()) i++; // ClamAV's duplicate test, as written
                    if (cabNo > 0 && i == cabs.size()) cabs.add(kept = new Part(cabNo, p, (int) fsize));
                }
            }
            // a file scanned now is checked against .cdb rules by child(); a kept one is reported here
            boolean go = kept != null || fsize == 0 ? ctx.announce(info) : ctx.child(info, b.slice(p, (int) fsize));
            if (!go) return;
            p += (int) fsize;
        }
        if (ctx.stopped() || (cabs.isEmpty() && hdr == null)) return;
        if (IscHeader.extract(b, hdr, cabs, ctx)) {
            if (hdr != null && hdr.size() > 0 && !ctx.child(ChildInfo.named("data1.hdr", 0), b.slice(hdr.offset(), hdr.size()))) return;
            for (Part c : cabs) {
                if (c.size() > 0 && !ctx.child(ChildInfo.named("data" + c.cabNo() + ".cab", 0), b.slice(c.offset(), c.size()))) return;
            }
        }
    }

    /** N of "N.cab" (after "data"), or 0 when the name is not a cabinet of this set. */
    static int cabNumber(String rest) {
        int i = 0;
        long n = 0;
        while (i < rest.length() && rest.charAt(i) >= '0' && rest.charAt(i) <= '9') {
            n = Math.min(MAX_CABNO, n * 10 + (rest.charAt(i++) - '0'));
        }
        return i > 0 && rest.substring(i).equals(".cab") && n > 0 && n < MAX_CABNO ? (int) n : 0;
    }

    /**
     * The size string as C's strtol reads it, where the whole string must be the number: optional
     * leading white space and sign, decimal digits; -1 for anything else (or a negative or huge value).
     */
    static long decimal(String s) {
        int i = 0, n = s.length();
        while (i < n && (s.charAt(i) == ' ' || (s.charAt(i) >= '\t' && s.charAt(i) <= '\r'))) i++;
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) neg = s.charAt(i++) == '-';
        if (i == n) return -1;
        long v = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) return -1; // larger than any layer
        }
        return neg && v != 0 ? -1 : v;
    }

    /** Index of the NUL ending the string at {@code p} (within {@link #MAX_STRING} bytes), or -1. */
    private static int nul(ByteBuffer b, int p) {
        int end = (int) Math.min(b.limit(), (long) p + MAX_STRING);
        for (int i = p; i < end; i++) if (b.get(i) == 0) return i;
        return -1;
    }

    private static byte[] bytes(ByteBuffer b, int off, int len) {
        byte[] a = new byte[len];
        b.get(off, a, 0, len);
        return a;
    }
}
