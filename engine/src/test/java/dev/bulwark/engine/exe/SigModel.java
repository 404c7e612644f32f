package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Signatures derived from our own parse of a file, and our prediction of whether ClamAV matches them on any
 * file. The differential test writes the signatures as {@code .ndb/.mdb/.imp}, runs clamscan and compares.
 */
final class SigModel {
    private SigModel() {}

    static final int PATTERN = 16;
    static final long M32 = 0xffffffffL;
    static final String BROKEN = "Heuristics.Broken.Executable";
    static final long BM_OFFSET_MODE_MIN_SIZE = 256 * 1024; // ClamAV's CLI_DEFAULT_BM_OFFMODE_FSIZE

    enum Off { EP_PLUS, EP_MINUS, SX, SL, SE, VI, EOF }

    /** One parsed file. */
    static final class Sample {
        final Path path;
        final byte[] bytes;
        final int target; // ClamAV target type of the layer (1 PE, 6 ELF, 9 Mach-O)
        final ExeInfo info;
        final String[] sectionMd5;

        Sample(Path path, byte[] bytes) {
            this.path = path;
            this.bytes = bytes;
            ByteBuffer b = ByteBuffer.wrap(bytes).asReadOnlyBuffer();
            int t = 0;
            ExeInfo i = null;
            if (bytes.length >= 2 && ((bytes[0] == 'M' && bytes[1] == 'Z') || (bytes[0] == 'Z' && bytes[1] == 'M'))) {
                t = 1;
                i = PeParser.parse(b);
            } else if (bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
                t = 6;
                i = ElfParser.parse(b);
            } else if (bytes.length >= 4 && isMachoMagic(bytes)) {
                t = 9;
                i = MachoParser.parse(b);
            }
            target = t;
            info = i;
            sectionMd5 = new String[i == null ? 0 : i.sectionCount()];
            if (t == 1 && i != null && i.sectionHashesApply()) {
                for (int k = 0; k < sectionMd5.length; k++) {
                    long rs = i.sectionRawSize(k), ro = i.sectionRawOffset(k);
                    if (rs > 0 && ro + rs <= bytes.length) sectionMd5[k] = md5(bytes, (int) ro, (int) rs);
                }
            }
        }

        static boolean isMachoMagic(byte[] b) {
            int m = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
            return m == 0xfeedface || m == 0xcefaedfe || m == 0xfeedfacf || m == 0xcffaedfe;
        }
    }

    /**
     * An {@code .ndb} signature; {@code wild} puts {@code ??} at byte {@link #WILD_AT}, which sends a target-1
     * signature to ClamAV's Aho-Corasick matcher instead of Boyer-Moore (both must agree on the offsets).
     */
    record Sig(String name, int target, Off off, int section, long n, byte[] pattern, boolean wild) {
        static final int WILD_AT = 8;

        String ndbLine() {
            String o = switch (off) {
                case EP_PLUS -> "EP+" + n;
                case EP_MINUS -> "EP-" + n;
                case SX -> "S" + section + "+" + n;
                case SL -> "SL+" + n;
                case SE -> "SE" + section;
                case VI -> "VI";
                case EOF -> "EOF-" + n;
            };
            String hex = HexFormat.of().formatHex(pattern);
            if (wild) hex = hex.substring(0, 2 * WILD_AT) + "??" + hex.substring(2 * WILD_AT + 2);
            return name + ":" + target + ":" + o + ":" + hex;
        }
    }

    /** A logical signature gated by the EntryPoint or NumberOfSections attribute (exact value) on the magic. */
    record AttrSig(String name, int target, boolean entryPoint, long value, byte[] magic) {
        String ldbLine() {
            String attr = (entryPoint ? "EntryPoint:" : "NumberOfSections:") + value + "-" + value;
            return name + ";Engine:51-255,Target:" + target + "," + attr + ";0;0:" + HexFormat.of().formatHex(magic);
        }
    }

    static List<AttrSig> attrSigs(String prefix, Sample s) {
        List<AttrSig> out = new ArrayList<>();
        ExeInfo i = s.info;
        if (i == null || !i.hasTargetInfo() || s.bytes.length < 4) return out;
        byte[] magic = Arrays.copyOf(s.bytes, 4);
        out.add(new AttrSig(prefix + "_AEP", s.target, true, i.entryPoint(), magic));
        out.add(new AttrSig(prefix + "_ANS", s.target, false, i.sectionCount(), magic));
        return out;
    }

    static boolean matches(AttrSig a, Sample s) {
        ExeInfo i = s.info;
        if (s.target != a.target || i == null || !i.hasTargetInfo() || !equalAt(s.bytes, 0, a.magic, false)) return false;
        return a.entryPoint ? i.entryPoint() == a.value : i.sectionCount() == a.value;
    }

    record HashSig(String name, boolean imp, long size, String md5) {
        String line() {
            return imp ? md5 + ":" + size + ":" + name : size + ":" + md5 + ":" + name;
        }
    }

    private static final int MIN_DISTINCT = 7; // low-entropy patterns match thousands of times in all-match mode

    private static byte[] at(byte[] b, long off) {
        if (off < 0 || off + PATTERN > b.length) return null;
        byte[] p = Arrays.copyOfRange(b, (int) off, (int) off + PATTERN);
        return distinct(p) >= MIN_DISTINCT ? p : null;
    }

    static int distinct(byte[] p) {
        boolean[] seen = new boolean[256];
        int n = 0;
        for (byte x : p) if (!seen[x & 0xff]) { seen[x & 0xff] = true; n++; }
        return n;
    }

    /** Offset signatures for one sample: the true positions plus near misses and nonexistent sections. */
    static List<Sig> offsetSigs(String prefix, Sample s) {
        List<Sig> out = new ArrayList<>();
        ExeInfo i = s.info;
        if (s.target != 0 && s.bytes.length >= 40) {
            // EOF-n, generic and type-specific: ClamAV drops both when the layer's executable headers fail
            add(out, prefix + "_EOF0", 0, Off.EOF, 0, 40, at(s.bytes, s.bytes.length - 40));
            add(out, prefix + "_EOFt", s.target, Off.EOF, 0, 40, at(s.bytes, s.bytes.length - 40));
        }
        if (i == null || !i.hasTargetInfo() || s.target == 0) return out;
        int t = s.target;
        long ep = i.entryPoint();
        add(out, prefix + "_EP0", t, Off.EP_PLUS, 0, 0, at(s.bytes, ep));
        add(out, prefix + "_EP3", t, Off.EP_PLUS, 0, 3, at(s.bytes, ep + 3));
        add(out, prefix + "_EP1miss", t, Off.EP_PLUS, 0, 1, at(s.bytes, ep));
        if (ep >= 2) add(out, prefix + "_EPm2", t, Off.EP_MINUS, 0, 2, at(s.bytes, ep - 2));
        if (ep > 0) {
            // offsets are unsigned 32-bit in ClamAV: EP+(2^32-ep) is offset 0, EP-(ep+1) is far past the end
            add(out, prefix + "_EPwrap", t, Off.EP_PLUS, 0, (1L << 32) - ep, at(s.bytes, 0));
            add(out, prefix + "_EPneg", t, Off.EP_MINUS, 0, ep + 1, at(s.bytes, 0));
        }
        int n = i.sectionCount();
        for (int k = 0; k < n && k < 3; k++) {
            long raw = i.sectionRawOffset(k);
            add(out, prefix + "_S" + k, t, Off.SX, k, 0, at(s.bytes, raw));
            add(out, prefix + "_S" + k + "p5", t, Off.SX, k, 5, at(s.bytes, raw + 5));
            long rs = i.sectionRawSize(k);
            if (rs >= 2 * PATTERN) {
                add(out, prefix + "_SE" + k, t, Off.SE, k, 0, at(s.bytes, raw + rs / 2));
                add(out, prefix + "_SEstart" + k, t, Off.SE, k, 0, at(s.bytes, raw));
                byte[] w = at(s.bytes, raw + rs / 2);
                if (t == 1 && w != null) out.add(new Sig(prefix + "_SEw" + k, t, Off.SE, k, 0, w, true));
            }
        }
        if (n > 0) {
            long last = i.sectionRawOffset(n - 1);
            add(out, prefix + "_SL", t, Off.SL, 0, 0, at(s.bytes, last));
            add(out, prefix + "_SL7", t, Off.SL, 0, 7, at(s.bytes, last + 7));
            add(out, prefix + "_Snone", t, Off.SX, n, 0, at(s.bytes, i.sectionRawOffset(0)));
        }
        List<byte[]> vi = i.versionInfoRecords();
        for (int k = 0; k < vi.size() && k < 3; k++) {
            byte[] r = vi.get(k);
            if (r.length >= PATTERN + 2 && distinct(Arrays.copyOf(r, PATTERN)) >= 4) {
                add(out, prefix + "_VI" + k, t, Off.VI, 0, 0, Arrays.copyOf(r, PATTERN));
                add(out, prefix + "_VI" + k + "miss", t, Off.VI, 0, 0, Arrays.copyOfRange(r, 2, 2 + PATTERN));
            }
        }
        return out;
    }

    private static void add(List<Sig> out, String name, int t, Off off, int sec, long n, byte[] pattern) {
        if (pattern != null) out.add(new Sig(name, t, off, sec, n, pattern, false));
    }

    static List<HashSig> hashSigs(String prefix, Sample s) {
        List<HashSig> out = new ArrayList<>();
        ExeInfo i = s.info;
        if (i == null || s.target != 1) return out;
        for (int k = 0, c = 0; k < s.sectionMd5.length && c < 6; k++) {
            if (s.sectionMd5[k] != null) {
                out.add(new HashSig(prefix + "_M" + k, false, i.sectionRawSize(k), s.sectionMd5[k]));
                c++;
            }
        }
        if (i.imphash() != null && i.imphashSize() > 0) out.add(new HashSig(prefix + "_I", true, i.imphashSize(), i.imphash()));
        return out;
    }

    /** Our prediction of ClamAV's verdict for an offset signature on a sample. */
    static boolean matches(Sig sig, Sample s) {
        ExeInfo i = s.info;
        if (sig.off == Off.EOF) {
            // one target info per layer, computed from the layer's type: it gates target-0 EOF-n too
            if (sig.target != 0 && sig.target != s.target) return false;
            if (s.target != 0 && (i == null || !i.hasTargetInfo())) return false;
            return equalAt(s.bytes, s.bytes.length - sig.n, sig.pattern, false);
        }
        if (s.target != sig.target || i == null || !i.hasTargetInfo()) return false;
        int n = i.sectionCount();
        long start;
        switch (sig.off) {
            case EP_PLUS -> start = (i.entryPoint() + sig.n) & M32;
            case EP_MINUS -> start = (i.entryPoint() - sig.n) & M32;
            case SX -> {
                if (sig.section >= n) return false;
                start = (i.sectionRawOffset(sig.section) + sig.n) & M32;
            }
            case SL -> {
                if (n == 0) return false;
                start = (i.sectionRawOffset(n - 1) + sig.n) & M32;
            }
            case SE -> {
                if (sig.section >= n) return false;
                long min = i.sectionRawOffset(sig.section);
                // ClamAV's PE Boyer-Moore matcher (plain hex) runs in offset mode in layers of >= 256 KiB and
                // then tries an SEx signature only at the section start
                if (sig.target == 1 && !sig.wild && s.bytes.length >= BM_OFFSET_MODE_MIN_SIZE) {
                    return equalAt(s.bytes, min, sig.pattern, false);
                }
                long max = min + i.sectionRawSize(sig.section);
                if (min + sig.pattern.length > s.bytes.length) return false;
                return find(s.bytes, sig.pattern, min, Math.min(max, s.bytes.length - sig.pattern.length), sig.wild);
            }
            case VI -> {
                for (long o : i.versionInfoOffsets()) if (equalAt(s.bytes, o, sig.pattern, sig.wild)) return true;
                return false;
            }
            default -> throw new AssertionError();
        }
        return equalAt(s.bytes, start, sig.pattern, sig.wild);
    }

    static boolean matches(HashSig h, Sample s, boolean alertBroken) {
        ExeInfo i = s.info;
        if (s.target != 1 || i == null || !i.sectionHashesApply() || (alertBroken && i.broken())) return false;
        if (h.imp) return h.md5.equals(i.imphash()) && h.size == i.imphashSize();
        for (int k = 0; k < s.sectionMd5.length; k++) {
            if (h.md5.equals(s.sectionMd5[k]) && i.sectionRawSize(k) == h.size) return true;
        }
        return false;
    }

    static boolean equalAt(byte[] b, long off, byte[] p, boolean wild) {
        if (off < 0 || off + p.length > b.length) return false;
        for (int k = 0; k < p.length; k++) if (b[(int) off + k] != p[k] && !(wild && k == Sig.WILD_AT)) return false;
        return true;
    }

    /** Is there a start in [from, to] where {@code p} occurs? (Horspool on the bytes after the wildcard) */
    static boolean find(byte[] b, byte[] p, long from, long to, boolean wild) {
        int m = p.length;
        int lo = wild ? Sig.WILD_AT + 1 : 0; // the skip table only uses bytes after the wildcard
        int[] skip = new int[256];
        Arrays.fill(skip, m - lo);
        for (int k = lo; k < m - 1; k++) skip[p[k] & 0xff] = m - 1 - k;
        long pos = from;
        while (pos <= to) {
            if (equalAt(b, pos, p, wild)) return true;
            pos += skip[b[(int) pos + m - 1] & 0xff];
        }
        return false;
    }

    static String md5(byte[] b, int off, int len) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(b, off, len);
            return HexFormat.of().formatHex(md.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
