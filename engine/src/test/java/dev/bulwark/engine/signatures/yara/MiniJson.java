package dev.bulwark.engine.signatures.yara;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough JSON for the conformance files: objects, arrays, strings, numbers, booleans, null. */
final class MiniJson {
    private final String s;
    private int p;

    private MiniJson(String s) {
        this.s = s;
    }

    static Object parse(String s) {
        MiniJson j = new MiniJson(s);
        return j.value();
    }

    private void ws() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
    }

    private Object value() {
        ws();
        char c = s.charAt(p);
        if (c == '{') {
            p++;
            Map<String, Object> m = new LinkedHashMap<>();
            ws();
            if (s.charAt(p) == '}') {
                p++;
                return m;
            }
            while (true) {
                ws();
                String k = (String) value();
                ws();
                p++; // :
                m.put(k, value());
                ws();
                if (s.charAt(p++) == '}') return m;
            }
        }
        if (c == '[') {
            p++;
            List<Object> l = new ArrayList<>();
            ws();
            if (s.charAt(p) == ']') {
                p++;
                return l;
            }
            while (true) {
                l.add(value());
                ws();
                if (s.charAt(p++) == ']') return l;
            }
        }
        if (c == '"') {
            p++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                char ch = s.charAt(p++);
                if (ch == '"') return sb.toString();
                if (ch == '\\') {
                    char e = s.charAt(p++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                            p += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(ch);
                }
            }
        }
        if (s.startsWith("true", p)) {
            p += 4;
            return true;
        }
        if (s.startsWith("false", p)) {
            p += 5;
            return false;
        }
        if (s.startsWith("null", p)) {
            p += 4;
            return null;
        }
        int st = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) p++;
        String num = s.substring(st, p);
        return num.contains(".") || num.contains("e") ? (Object) Double.parseDouble(num) : (Object) Long.parseLong(num);
    }
}
