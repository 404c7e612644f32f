package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

/** YARA's string module (4.3+): to_int(s[, base]) and length(s). */
final class StringModule implements YaraModule {
    @Override
    public String name() {
        return "string";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        YaraFunction toInt = (input, a) -> {
            if (a.length < 1 || !(a[0] instanceof byte[] s)) return null;
            int base = a.length > 1 ? (int) (long) (Long) a[1] : 0;
            String t = new String(s, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
            boolean neg = t.startsWith("-");
            if (neg || t.startsWith("+")) t = t.substring(1);
            if (base == 0) {
                if (t.startsWith("0x") || t.startsWith("0X")) {
                    base = 16;
                    t = t.substring(2);
                } else if (t.startsWith("0") && t.length() > 1) {
                    base = 8;
                    t = t.substring(1);
                } else {
                    base = 10;
                }
            }
            if (base < 2 || base > 36) return null;
            try {
                long v = Long.parseLong(t, base);
                return neg ? -v : v;
            } catch (NumberFormatException e) {
                return null;
            }
        };
        YaraFunction length = (input, a) -> a.length == 1 && a[0] instanceof byte[] s ? (Object) (long) s.length : null;
        return Map.of("to_int", toInt, "length", length);
    }
}
