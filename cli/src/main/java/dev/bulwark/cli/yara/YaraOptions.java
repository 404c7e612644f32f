package dev.bulwark.cli.yara;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line options of {@code bulwark yara}, spelled like yara 4.2.3's (short, long, bundled, attached values). */
final class YaraOptions {
    boolean recursive, printStrings, printLength, printMeta, printTags, printNamespace, negate, count, fast, noWarnings,
            noFollow, failOnWarnings, scanList, help, version;
    int threads = Runtime.getRuntime().availableProcessors();
    long maxRules = -1;
    long timeoutSeconds = -1;
    long skipLarger = -1;
    final List<String> tags = new ArrayList<>();
    final List<String> identifiers = new ArrayList<>();
    final Map<String, Object> externals = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();

    static final class UsageException extends Exception {
        UsageException(String m) {
            super(m);
        }
    }

    private static final Map<String, Character> LONG = Map.ofEntries(
            Map.entry("recursive", 'r'), Map.entry("print-strings", 's'), Map.entry("print-string-length", 'L'),
            Map.entry("print-meta", 'm'), Map.entry("print-tags", 'g'), Map.entry("print-namespace", 'e'),
            Map.entry("negate", 'n'), Map.entry("count", 'c'), Map.entry("fast-scan", 'f'),
            Map.entry("no-warnings", 'w'), Map.entry("no-follow-symlinks", 'N'), Map.entry("threads", 'p'),
            Map.entry("define", 'd'), Map.entry("tag", 't'), Map.entry("identifier", 'i'), Map.entry("max-rules", 'l'),
            Map.entry("timeout", 'a'), Map.entry("skip-larger", 'z'), Map.entry("help", 'h'), Map.entry("version", 'v'));
    private static final String WITH_VALUE = "pdtilaz";

    static YaraOptions parse(String[] args) throws UsageException {
        YaraOptions o = new YaraOptions();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                for (i++; i < args.length; i++) o.positional.add(args[i]);
                break;
            }
            if (a.startsWith("--")) {
                String name = a.substring(2), value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                if (name.equals("fail-on-warnings")) {
                    o.failOnWarnings = true;
                    continue;
                }
                if (name.equals("scan-list")) { // the target is a file naming the files (or directories) to scan
                    o.scanList = true;
                    continue;
                }
                Character c = LONG.get(name);
                if (c == null) throw new UsageException("unrecognized option '" + a + "'");
                if (WITH_VALUE.indexOf(c) >= 0 && value == null) {
                    if (++i >= args.length) throw new UsageException("option '--" + name + "' requires an argument");
                    value = args[i];
                }
                o.apply(c, value);
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int j = 1; j < a.length(); j++) {
                    char c = a.charAt(j);
                    if (WITH_VALUE.indexOf(c) >= 0) {
                        String value = a.substring(j + 1);
                        if (value.isEmpty()) {
                            if (++i >= args.length) throw new UsageException("option requires an argument -- '" + c + "'");
                            value = args[i];
                        }
                        o.apply(c, value);
                        break;
                    }
                    o.apply(c, null);
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    private static long number(String v, char opt) throws UsageException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("invalid number for -" + opt + ": " + v);
        }
    }

    private void apply(char c, String v) throws UsageException {
        switch (c) {
            case 'r' -> recursive = true;
            case 's' -> printStrings = true;
            case 'L' -> printLength = true;
            case 'm' -> printMeta = true;
            case 'g' -> printTags = true;
            case 'e' -> printNamespace = true;
            case 'n' -> negate = true;
            case 'c' -> count = true;
            case 'f' -> fast = true;
            case 'w' -> noWarnings = true;
            case 'N' -> noFollow = true;
            case 'h' -> help = true;
            case 'v' -> version = true;
            case 'p' -> threads = (int) Math.max(1, Math.min(number(v, c), 32)); // yara caps threads at 32
            case 't' -> tags.add(v);
            case 'i' -> identifiers.add(v);
            case 'l' -> maxRules = number(v, c);
            case 'a' -> timeoutSeconds = number(v, c);
            case 'z' -> skipLarger = number(v, c);
            case 'd' -> define(v);
            default -> throw new UsageException("invalid option -- '" + c + "'");
        }
    }

    private void define(String v) throws UsageException {
        int eq = v.indexOf('=');
        if (eq <= 0) throw new UsageException("invalid external variable definition: " + v);
        String name = v.substring(0, eq), val = v.substring(eq + 1);
        Object value;
        if (val.equals("true") || val.equals("false")) {
            value = Boolean.parseBoolean(val);
        } else {
            try {
                value = val.startsWith("0x") ? Long.parseLong(val.substring(2), 16) : Long.parseLong(val);
            } catch (NumberFormatException e) {
                try {
                    value = val.contains(".") ? (Object) Double.parseDouble(val) : null;
                } catch (NumberFormatException e2) {
                    value = null;
                }
                if (value == null) value = val;
            }
        }
        externals.put(name, value);
    }
}
