package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;
import java.util.function.Consumer;

/**
 * YARA's console module: log(...) and hex(...) print a line and are always true. Lines go to {@link #sink}, which
 * discards them unless a front end (the {@code bulwark yara} command) installs a printer.
 */
public final class ConsoleModule implements YaraModule {
    private static volatile Consumer<String> sink = s -> { };

    public static void setSink(Consumer<String> s) {
        sink = s == null ? x -> { } : s;
    }

    @Override
    public String name() {
        return "console";
    }

    /**
     * (yara17) As yara 4.2.3 prints a logged value: a string with every byte outside 0x20-0x7e as {@code \xNN}, an
     * integer in decimal (hex: {@code 0x} and its 64-bit two's complement), a float as C's %f.
     */
    private static String text(Object o, boolean hex) {
        if (o instanceof byte[] b) {
            StringBuilder sb = new StringBuilder(b.length);
            for (byte x : b) {
                int c = x & 0xFF;
                if (c >= 0x20 && c < 0x7F) sb.append((char) c);
                else sb.append(String.format("\\x%02x", c));
            }
            return sb.toString();
        }
        if (o instanceof Long l) return hex ? "0x" + Long.toHexString(l) : Long.toString(l);
        if (o instanceof Double d) { // C's %f rounds the exact binary value, ties to even
            if (d.isNaN() || d.isInfinite()) return d.isNaN() ? "nan" : d > 0 ? "inf" : "-inf";
            return new java.math.BigDecimal(d).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
        }
        return String.valueOf(o);
    }

    /** The message argument of the two-argument forms: a C string, printed up to its first NUL, unescaped. */
    private static String message(Object o) {
        if (!(o instanceof byte[] b)) return String.valueOf(o);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        YaraFunction log = (input, a) -> {
            if (a.length == 1) sink.accept(text(a[0], false));
            else if (a.length == 2) sink.accept(message(a[0]) + text(a[1], false));
            else return null;
            return 1L;
        };
        YaraFunction hex = (input, a) -> {
            if (a.length == 1 && a[0] instanceof Long) sink.accept(text(a[0], true));
            else if (a.length == 2 && a[1] instanceof Long) sink.accept(message(a[0]) + text(a[1], true));
            else return null;
            return 1L;
        };
        return Map.of("log", log, "hex", hex);
    }
}
