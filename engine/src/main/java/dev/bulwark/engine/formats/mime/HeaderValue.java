package dev.bulwark.engine.formats.mime;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed structured header value such as {@code type/subtype; name="x"; filename*=utf-8''y}.
 * Parameter names are lower-cased; RFC 2231 charset prefixes and RFC 2047 encoded words in values
 * are decoded on a best-effort basis.
 */
final class HeaderValue {
    private static final int MAX_VALUE_CHARS = 1024; // a longer file name or boundary is truncated

    final String value;              // the part before the first ';', lower-cased and trimmed
    final Map<String, String> params;
    final int argumentCount;

    private HeaderValue(String value, Map<String, String> params, int argumentCount) {
        this.value = value;
        this.params = params;
        this.argumentCount = argumentCount;
    }

    static final HeaderValue EMPTY = new HeaderValue("", Map.of(), 0);

    static HeaderValue parse(String s, int maxArgs) {
        if (s == null) return EMPTY;
        int semi = indexOutsideQuotes(s, 0);
        String main = (semi < 0 ? s : s.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        Map<String, String> params = new HashMap<>();
        int count = 0;
        int i = semi;
        while (i >= 0 && i < s.length() && count < maxArgs) {
            int next = indexOutsideQuotes(s, i + 1);
            String arg = (next < 0 ? s.substring(i + 1) : s.substring(i + 1, next)).trim();
            i = next;
            if (arg.isEmpty()) continue;
            count++;
            int eq = arg.indexOf('=');
            if (eq <= 0) continue;
            String key = arg.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String val = unquote(arg.substring(eq + 1).trim());
            if (key.endsWith("*0*") || key.endsWith("*0")) key = key.substring(0, key.indexOf('*')) + "*";
            if (key.endsWith("*")) {
                key = key.substring(0, key.length() - 1);
                int q = val.indexOf('\'');
                int q2 = q < 0 ? -1 : val.indexOf('\'', q + 1);
                if (q2 > 0) val = percentDecode(val.substring(q2 + 1));
            } else {
                val = EncodedWords.decode(val);
            }
            if (val.length() > MAX_VALUE_CHARS) val = val.substring(0, MAX_VALUE_CHARS);
            params.putIfAbsent(key, val);
        }
        // count the rest too so that the caller can apply the argument limit
        while (i >= 0 && i < s.length()) {
            i = indexOutsideQuotes(s, i + 1);
            count++;
        }
        return new HeaderValue(main, params, count);
    }

    String param(String name) {
        return params.get(name);
    }

    static int indexOutsideQuotes(String s, int from) {
        boolean q = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') q = !q;
            else if (c == '\\' && q) i++;
            else if (c == ';' && !q) return i;
        }
        return -1;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.charAt(0) == '"') {
            int end = v.lastIndexOf('"');
            v = end > 0 ? v.substring(1, end) : v.substring(1);
            return v.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    private static String percentDecode(String v) {
        StringBuilder sb = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '%' && i + 2 < v.length()) {
                int h = Character.digit(v.charAt(i + 1), 16), l = Character.digit(v.charAt(i + 2), 16);
                if (h >= 0 && l >= 0) {
                    sb.append((char) (h << 4 | l));
                    i += 2;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
