package dev.bulwark.engine;

import dev.bulwark.engine.match.IntList;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.signatures.clamav.Logic;
import dev.bulwark.engine.signatures.clamav.LogicalSig;
import java.nio.ByteBuffer;
import java.util.regex.Matcher;

/** Evaluates the subsignatures of a logical signature that are not body patterns. */
final class LsigEval {
    private LsigEval() {}

    /** Fills {@code counts} for byte-compare, macro and PCRE subsignatures. */
    static boolean evaluateExtras(LogicalSig s, int[] counts, IntList[] starts, IntList[] macroStarts, ByteBuffer d, Limits lim) {
        LogicalSig.Sub[] subs = s.subs();
        for (int i = 0; i < subs.length; i++) {
            // (daemon16) instanceof, not a pattern switch: its typeSwitch call site was bootstrapped at run time on
            // a daemon's first logical signature with a byte compare or macro (a method-handle chain per process)
            if (subs[i] instanceof LogicalSig.ByteCompare b) counts[i] = byteCompare(b, starts, d) ? 1 : 0;
            else if (subs[i] instanceof LogicalSig.Macro m) counts[i] = macro(m, i, counts, starts, macroStarts) ? 1 : 0;
        }
        for (int i = 0; i < subs.length; i++) {
            if (subs[i] instanceof LogicalSig.Pcre p) {
                counts[i] = 0;
                if (d.limit() > lim.pcreMaxFileSize() && !p.encompass()) continue;
                if (!Logic.eval(p.trigger(), counts)) continue;
                counts[i] = pcre(p, d, lim.pcreMatchLimit());
            }
        }
        return true;
    }

    private static boolean macro(LogicalSig.Macro m, int idx, int[] counts, IntList[] starts, IntList[] macroStarts) {
        int prev = idx - 1;
        // ClamAV 1.4 only checks once the previous subsignature matched at least twice (quirk Q7)
        if (counts[prev] < 2 || starts == null || starts[prev] == null || macroStarts == null || macroStarts[m.group()] == null) return false;
        IntList ps = starts[prev], ms = macroStarts[m.group()];
        for (int i = 0; i < ps.size(); i++) {
            for (int j = 0; j < ms.size(); j++) {
                long dist = (long) ms.get(j) - ps.get(i);
                if (dist >= m.min() && dist <= m.max()) return true;
            }
        }
        return false;
    }

    private static boolean byteCompare(LogicalSig.ByteCompare b, IntList[] starts, ByteBuffer d) {
        if (starts == null || starts[b.ref()] == null) return false;
        IntList st = starts[b.ref()];
        for (int k = 0; k < st.size(); k++) {
            long pos = b.backwards() ? (long) st.get(k) - b.offset() : (long) st.get(k) + b.offset();
            if (pos < 0 || pos + b.length() > d.limit()) continue;
            Long v = read(b, d, (int) pos);
            if (v == null) continue;
            boolean ok = true;
            for (int c = 0; c < b.ops().length && ok; c++) {
                long x = b.values()[c];
                ok = switch (b.ops()[c]) {
                    case '<' -> Long.compareUnsigned(v, x) < 0;
                    case '>' -> Long.compareUnsigned(v, x) > 0;
                    default -> v == x;
                };
            }
            if (ok) return true;
        }
        return false;
    }

    private static Long read(LogicalSig.ByteCompare b, ByteBuffer d, int pos) {
        int n = b.length();
        if (b.base() == 'i') {
            long v = 0;
            for (int i = 0; i < n; i++) {
                int by = d.get(pos + (b.little() ? n - 1 - i : i)) & 0xFF;
                v = (v << 8) | by;
            }
            return v;
        }
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append((char) (d.get(pos + i) & 0xFF));
        String t = sb.toString();
        int radix;
        if (b.base() == 'h') radix = 16;
        else if (b.base() == 'd') radix = 10;
        else if (t.startsWith("0x") || t.startsWith("0X")) { radix = 16; t = t.substring(2); }
        else radix = 10;
        int end = 0;
        while (end < t.length() && Character.digit(t.charAt(end), radix) >= 0) end++;
        if (end == 0 || (b.exact() && end != t.length())) return null;
        if (b.little() && radix == 16) {
            if ((end & 1) != 0) return null;
            StringBuilder r = new StringBuilder();
            for (int i = end - 2; i >= 0; i -= 2) r.append(t, i, i + 2);
            t = r.toString();
        } else {
            t = t.substring(0, end);
        }
        try {
            return Long.parseUnsignedLong(t, radix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Thrown by {@link BytesView} when a regular expression runs past its step budget. */
    private static final class Budget extends RuntimeException {
        Budget() { super(null, null, false, false); }
    }

    /** Bytes as Latin-1 characters, with a budget on how many characters the regex engine may read. */
    private static final class BytesView implements CharSequence {
        private final ByteBuffer d;
        private final int off, len;
        private final long[] steps;
        private final long max;

        BytesView(ByteBuffer d, int off, int len, long[] steps, long max) {
            this.d = d; this.off = off; this.len = len; this.steps = steps; this.max = max;
        }

        @Override public int length() { return len; }

        @Override public char charAt(int i) {
            if (++steps[0] > max) throw new Budget();
            return (char) (d.get(off + i) & 0xFF);
        }

        @Override public CharSequence subSequence(int s, int e) { return new BytesView(d, off + s, e - s, steps, max); }

        @Override public String toString() {
            StringBuilder sb = new StringBuilder(len);
            for (int i = 0; i < len; i++) sb.append((char) (d.get(off + i) & 0xFF));
            return sb.toString();
        }
    }

    private static int pcre(LogicalSig.Pcre p, ByteBuffer d, long matchLimit) {
        long[] range = {0, Long.MAX_VALUE};
        boolean anyOffset = p.offset().kind() == OffsetSpec.Kind.ANY;
        if (!anyOffset && !p.offset().resolve(d.limit(), null, range)) return 0;
        long[] steps = {0};
        // the match limit bounds backtracking; characters read is a proxy that scales with the data
        long max = Math.max(matchLimit * 64, (long) d.limit() * 64);
        BytesView text = new BytesView(d, 0, d.limit(), steps, max);
        try {
            Matcher m = p.regex().matcher(text);
            int lo = (int) Math.min(range[0], d.limit());
            int hi = p.encompass() && !anyOffset ? (int) Math.min(d.limit(), range[1] + 1) : d.limit();
            m.region(lo, Math.max(lo, hi));
            m.useTransparentBounds(true);
            m.useAnchoringBounds(false);
            if (!anyOffset && !p.rolling() && !p.encompass()) {
                for (long s = range[0]; s <= Math.min(range[1], d.limit()); s++) {
                    m.region((int) s, d.limit());
                    if (m.lookingAt()) return 1;
                }
                return 0;
            }
            if (p.anchored()) return m.lookingAt() ? 1 : 0;
            int n = 0;
            while (m.find()) {
                if (p.encompass() && !anyOffset && m.start() > range[1]) break;
                n++;
                if (!p.global()) break;
                if (m.end() == m.start() && m.end() >= d.limit()) break;
            }
            return n;
        } catch (Budget | StackOverflowError e) {
            return 0;
        }
    }
}
