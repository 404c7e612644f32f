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

    private static String text(Object o, boolean hex) {
        if (o instanceof byte[] b) return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (o instanceof Long l) return hex ? "0x" + Long.toHexString(l) : Long.toString(l);
        if (o instanceof Double d) return String.format("%f", d);
        return String.valueOf(o);
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        YaraFunction log = (input, a) -> {
            if (a.length == 1) sink.accept(text(a[0], false));
            else if (a.length == 2) sink.accept(text(a[0], false) + text(a[1], false));
            else return null;
            return 1L;
        };
        YaraFunction hex = (input, a) -> {
            if (a.length == 1 && a[0] instanceof Long) sink.accept(text(a[0], true));
            else if (a.length == 2 && a[1] instanceof Long) sink.accept(text(a[0], false) + text(a[1], true));
            else return null;
            return 1L;
        };
        return Map.of("log", log, "hex", hex);
    }
}
