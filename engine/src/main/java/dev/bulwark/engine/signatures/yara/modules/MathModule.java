package dev.bulwark.engine.signatures.yara.modules;

import java.util.HashMap;
import java.util.Map;

/** YARA's math module: statistics of a range or string, and small numeric helpers. */
final class MathModule implements YaraModule {
    @Override
    public String name() {
        return "math";
    }

    private static long[] histogram(byte[] d) {
        long[] h = new long[256];
        for (byte b : d) h[b & 0xFF]++;
        return h;
    }

    static double entropy(byte[] d) {
        if (d.length == 0) return 0.0;
        long[] h = histogram(d);
        double e = 0;
        for (long c : h) {
            if (c == 0) continue;
            double p = (double) c / d.length;
            e -= p * (Math.log(p) / Math.log(2));
        }
        return e;
    }

    /** (yara17) signedBytes: yara 4.2.3 reads a string argument's bytes as C's signed char. */
    private static Double mean(byte[] d, boolean signedBytes) {
        if (d.length == 0) return null;
        double s = 0;
        for (byte b : d) s += signedBytes ? b : b & 0xFF;
        return s / d.length;
    }

    /**
     * (yara17) As yara 4.2.3 computes it: the products of consecutive bytes plus the last byte squared (not last times
     * first), and for a string argument the bytes as C's signed char.
     */
    static double serialCorrelation(byte[] d, boolean signedBytes) {
        double t1 = 0, t2 = 0, t3 = 0, last = 0;
        int n = d.length;
        for (int i = 0; i < n; i++) {
            double x = signedBytes ? d[i] : d[i] & 0xFF;
            t1 += last * x;
            t2 += x;
            t3 += x * x;
            last = x;
        }
        t1 += last * last;
        double den = n * t3 - t2 * t2;
        if (den == 0) return -100000.0;
        return (n * t1 - t2 * t2) / den;
    }

    /**
     * signedBytes (yara17): the string form, whose bytes yara 4.2.3 reads as signed char widened to unsigned int
     * (0x80 counts as 4294967168).
     */
    private static Double monteCarloPi(byte[] d, boolean signedBytes) {
        final double r = 256.0 * 256 * 256 - 1;
        long tries = 0, inside = 0;
        for (int i = 0; i + 6 <= d.length; i += 6) {
            double x = 0, y = 0;
            for (int j = 0; j < 3; j++) {
                x = x * 256 + (signedBytes ? Integer.toUnsignedLong(d[i + j]) : d[i + j] & 0xFF);
                y = y * 256 + (signedBytes ? Integer.toUnsignedLong(d[i + 3 + j]) : d[i + 3 + j] & 0xFF);
            }
            tries++;
            if (x * x + y * y <= r * r) inside++;
        }
        if (tries == 0) return null;
        double pi = 4.0 * inside / tries;
        return Math.abs(pi - Math.PI) / Math.PI;
    }

    /** Byte statistics over (offset, size), (string) or the whole input for the forms with no data arguments. */
    private static byte[] countData(ScanInput in, Object[] a, int from) {
        if (a.length == from) return Args.range(in, 0L, (long) in.len());
        if (a.length == from + 2 && a[from] instanceof Long && a[from + 1] instanceof Long) return Args.range(in, a[from], a[from + 1]);
        return null;
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        Map<String, Object> m = new HashMap<>();
        m.put("MEAN_BYTES", 127.5);
        m.put("entropy", (YaraFunction) (x, a) -> {
            byte[] d = Args.dataArg(x, a);
            return d == null ? null : entropy(d);
        });
        m.put("mean", (YaraFunction) (x, a) -> {
            byte[] d = Args.dataArg(x, a);
            return d == null ? null : mean(d, a.length == 1);
        });
        m.put("deviation", (YaraFunction) (x, a) -> {
            if (a.length < 2) return null;
            byte[] d = Args.dataArg(x, java.util.Arrays.copyOf(a, a.length - 1));
            if (d == null || d.length == 0) return null;
            double mean = Args.num(a[a.length - 1]), s = 0;
            boolean signedBytes = a.length == 2; // (yara17) the string form: C's signed char, as in yara 4.2.3
            for (byte b : d) s += Math.abs((signedBytes ? b : b & 0xFF) - mean);
            return s / d.length;
        });
        m.put("serial_correlation", (YaraFunction) (x, a) -> {
            byte[] d = Args.dataArg(x, a);
            return d == null ? null : serialCorrelation(d, a.length == 1);
        });
        m.put("monte_carlo_pi", (YaraFunction) (x, a) -> {
            byte[] d = Args.dataArg(x, a);
            return d == null ? null : monteCarloPi(d, a.length == 1);
        });
        m.put("in_range", (YaraFunction) (x, a) -> {
            if (a.length != 3) return null;
            double v = Args.num(a[0]);
            return v >= Args.num(a[1]) && v <= Args.num(a[2]) ? 1L : 0L;
        });
        m.put("min", (YaraFunction) (x, a) -> a.length == 2 ? (Object) Math.min((Long) a[0], (Long) a[1]) : null);
        m.put("max", (YaraFunction) (x, a) -> a.length == 2 ? (Object) Math.max((Long) a[0], (Long) a[1]) : null);
        m.put("abs", (YaraFunction) (x, a) -> a.length == 1 ? (Object) Math.abs((Long) a[0]) : null);
        m.put("to_number", (YaraFunction) (x, a) -> a.length == 1 ? (Object) ((Long) a[0] != 0 ? 1L : 0L) : null);
        m.put("to_string", (YaraFunction) (x, a) -> {
            if (a.length < 1) return null;
            int base = a.length > 1 ? (int) (long) (Long) a[1] : 10;
            if (base != 8 && base != 10 && base != 16) return null;
            long v = (Long) a[0];
            return Args.str(base == 10 ? Long.toString(v) : Long.toUnsignedString(v, base));
        });
        m.put("count", (YaraFunction) (x, a) -> {
            if (a.length < 1 || !(a[0] instanceof Long b) || b < 0 || b > 255) return null;
            if (a.length == 1 && x.len() == 0) return null; // (yara17) yara 4.2.3: an empty file has no data block to count
            byte[] d = countData(x, a, 1);
            if (d == null) return null;
            return histogram(d)[(int) (long) b];
        });
        m.put("percentage", (YaraFunction) (x, a) -> {
            if (a.length < 1 || !(a[0] instanceof Long b) || b < 0 || b > 255) return null;
            byte[] d = countData(x, a, 1);
            if (d == null || d.length == 0) return null;
            return (double) histogram(d)[(int) (long) b] / d.length;
        });
        m.put("mode", (YaraFunction) (x, a) -> {
            byte[] d = countData(x, a, 0);
            if (d == null || d.length == 0) return null;
            long[] h = histogram(d);
            int best = 0;
            for (int i = 1; i < 256; i++) if (h[i] > h[best]) best = i;
            return (long) best;
        });
        return m;
    }
}
